"""Reading meridian history files whatever output.fixed_fields was: with own_file, cell_area and the
fields fixed for the run (land-sea fractions) are not in each history file but in the one its
associated_files attribute names ("cell_area: ocean.fixed.h5 ocean_fraction: ocean.fixed.h5")."""
import os

import h5py
import numpy as np


def associated(f, path):
    """{variable: path of the file holding it} from history file `f` (opened from `path`)."""
    raw = f.attrs.get("associated_files", b"")
    words = (raw.decode() if isinstance(raw, bytes) else str(raw)).split()
    folder = os.path.dirname(path)
    return {name[:-1]: os.path.join(folder, file) for name, file in zip(words[::2], words[1::2]) if name.endswith(":")}


def names(f, path):
    """The variables history file `f` holds or names in another file."""
    return list(f.keys()) + [n for n in associated(f, path) if n not in f]


def spatial(f, path, name):
    """Variable `name` at the file's time, as float64 (lat, lon) or (lev, lat, lon): a history
    variable's first record, or a fixed field (no time) from the file that holds it."""
    if name in f:  # (time, [lev,] lat, lon), or (lat, lon) for cell_area
        return np.asarray(f[name][0] if f[name].ndim >= 3 else f[name][...], dtype=np.float64)
    other = associated(f, path).get(name)
    if other is None:
        raise KeyError(f"{path} has no variable {name!r} and names no file that holds it")
    with h5py.File(other, "r") as g:
        return np.asarray(g[name][...], dtype=np.float64)
