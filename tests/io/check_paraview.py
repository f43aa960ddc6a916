"""Run with pvpython: ParaView's XDMF reader opens an ocean.xdmf (check_clients.sh) and must show the
cells a field does not cover as NaN, outside its colour range: ParaView draws NaN in its NaN colour.
It must see TIMES time steps (those the XDMF includes from segment files too). With RANGE (LOW:HIGH)
the field's range must be exactly that.
Usage: pvpython check_paraview.py OCEAN_XDMF FIELD MISSING_CELLS TIMES [RANGE]"""
import math
import sys

from paraview import servermanager
from paraview.simple import XDMFReader

path, field, want_missing, want_times = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
reader = XDMFReader(FileNames=[path])
reader.UpdatePipelineInformation()
times = list(reader.TimestepValues)
reader.UpdatePipeline(times[-1])
low, high = reader.PointData[field].GetRange()
values = servermanager.Fetch(reader).GetPointData().GetArray(field)
missing = sum(1 for n in range(values.GetNumberOfTuples()) if math.isnan(values.GetValue(n)))
problems = []
if len(times) != want_times:
    problems.append(f"{path}: {len(times)} time steps, want {want_times}")
if not (math.isfinite(low) and math.isfinite(high) and high < 1e30):
    problems.append(f"{field} colour range {low}..{high} is not the range of the data")
if len(sys.argv) > 5 and [low, high] != [float(v) for v in sys.argv[5].split(":")]:
    problems.append(f"{field} range {low}..{high}, want {sys.argv[5]}")
if missing != want_missing:
    problems.append(f"{field}: {missing} NaN points, want {want_missing}")
print("\n".join(problems) if problems else f"paraview: {field} range {low}..{high}, {missing} NaN points")
sys.exit(1 if problems else 0)
