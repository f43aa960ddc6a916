#!/usr/bin/env bash
# --help lists every option grouped by section with defaults and units, printed once on 2 ranks;
# --version prints the release and the compiled git revision;
# docs/options.md is what scripts/gen-options-doc.sh makes now; --check validates, prints the
# decomposition and the estimates, writes nothing and exits 0.
# usage: test_help_check.sh MERIDIAN SOURCE_DIR MPIEXEC
set -euo pipefail
bin="$1" src="$2" mpiexec="$3"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
fail() { echo "test_help_check: $*" >&2; exit 1; }

"$mpiexec" -q -n 2 "$bin" --help >"$tmp/help.txt"
for section in grid decomp run coupling output diagnostics restart sunlight atmosphere ocean land; do
  [[ $(grep -c "^\[$section\]$" "$tmp/help.txt") -eq 1 ]] || fail "--help has no single [$section] section"
done
grep -q -- "--ocean.heat_capacity (default: 400000000 J m-2 K-1)" "$tmp/help.txt" || fail "--help lacks ocean.heat_capacity with default and units"
grep -q -- "--run.dt (default: 1800 s)" "$tmp/help.txt" || fail "--help lacks run.dt with its default and units"
[[ $(grep -c "^usage:" "$tmp/help.txt") -eq 1 ]] || fail "--help printed more than once on 2 ranks"

# --version names the release and the revision that was compiled (regenerated at every build, so a
# commit after configuring cannot leave a stale revision in the provenance).
version=$("$mpiexec" -q -n 2 "$bin" --version)
[[ $(wc -l <<<"$version") -eq 1 ]] || fail "--version printed more than one line on 2 ranks: $version"
[[ $version =~ ^meridian\ [0-9]+\.[0-9]+\.[0-9]+\ \(([0-9a-f]{12}(-dirty)?|unknown)\)$ ]] || fail "--version: '$version'"
if head=$(git -C "$src" rev-parse --short=12 HEAD 2>/dev/null); then
  [[ ${BASH_REMATCH[1]} == "$head"* ]] || fail "--version names ${BASH_REMATCH[1]}, the source is at $head"
fi

"$src/scripts/gen-options-doc.sh" "$bin" "$tmp/options.md"
diff -u "$src/docs/options.md" "$tmp/options.md" || fail "docs/options.md is stale: run scripts/gen-options-doc.sh"

"$mpiexec" -q -n 3 "$bin" --config "$src/configs/default.ini" --output.dir="$tmp/never" --check >"$tmp/check.txt"
cat "$tmp/check.txt"
grep -q "configuration is valid" "$tmp/check.txt" || fail "--check did not say the configuration is valid"
grep -q "ranks         3, 3x1 process grid" "$tmp/check.txt" || fail "--check did not print the decomposition"
grep -qE "memory +[0-9.]+ MiB" "$tmp/check.txt" || fail "--check did not print memory per rank"
if grep -q "output.background" "$tmp/check.txt"; then fail "--check printed a background copy without output.background"; fi
# With output.background, the copy of the output fields: at least their owned cells (8 fields of 72 x 36
# on one rank; halos add), less than all fields.
"$mpiexec" -q -n 1 "$bin" --config "$src/configs/default.ini" --output.background=true --check >"$tmp/check_bg.txt"
/usr/bin/python3 - "$tmp/check_bg.txt" $((8 * 8 * 72 * 36)) <<'PY' || { cat "$tmp/check_bg.txt"; fail "--check with output.background did not print a copy between the output fields' bytes and all fields'"; }
import re, sys
text = open(sys.argv[1]).read()
fields = float(re.search(r"memory +([0-9.]+) MiB of fields", text).group(1))
copy = float(re.search(r"and ([0-9.]+) MiB per rank for the copy of the output fields \(output.background\)", text).group(1))
sys.exit(0 if int(sys.argv[2]) / 1048576 - 0.01 <= copy < fields else 1)
PY
# Per output, default.ini writes 8 fields and 3 cell-area arrays of 72 x 36 doubles; with own_file the
# areas and the 2 fractions go once per run into the fixed-fields files instead.
mib() { awk -v b="$1" 'BEGIN { printf "%.2f", b / 1048576 }'; }
cells=$((72 * 36))
grep -qF "history       5 outputs of $(mib $((11 * 8 * cells))) MiB" "$tmp/check.txt" ||
  fail "--check did not print the output volume of 8 fields and 3 cell areas"
if grep -q "fixed fields once" "$tmp/check.txt"; then fail "--check printed fixed fields for every_file"; fi
"$mpiexec" -q -n 1 "$bin" --config "$src/configs/default.ini" --output.fixed_fields=own_file --check >"$tmp/check_fixed.txt"
grep -qF "history       5 outputs of $(mib $((6 * 8 * cells))) MiB" "$tmp/check_fixed.txt" &&
  grep -qF "and $(mib $((5 * 8 * cells))) MiB of fixed fields once" "$tmp/check_fixed.txt" ||
  { cat "$tmp/check_fixed.txt"; fail "--check with own_file did not split the volume into per output and once"; }
grep -qE "^  time steps    atmosphere 1800 s \(stable up to [0-9.e+]+ s\), ocean 3600 s \(stable up to [0-9.e+]+ s\), land 1800 s \(no stability limit\)$" \
  "$tmp/check.txt" || fail "--check did not print each component's step and its stable limit"
grep -q "^  couplings     8:$" "$tmp/check.txt" || fail "--check did not count the 8 couplings of default.ini"
grep -qF "    ocean.surface_heat_flux <- surface_exchange.heat_into_ocean (W m-2; conservative, instant)" "$tmp/check.txt" ||
  fail "--check did not list the ocean's coupling"
"$mpiexec" -q -n 1 "$bin" --config "$src/configs/default.ini" --ocean.refine=2 --surface_exchange.land_temperature.time=mean \
  --check >"$tmp/check2.txt"
grep -qF "surface_exchange.ocean_temperature <- ocean.sea_surface_temperature (degC; conservative 2x -> 1x, instant)" \
  "$tmp/check2.txt" || fail "--check did not show the ocean's regridding"
grep -qF "surface_exchange.land_temperature <- land.surface_temperature (degC; conservative, mean)" "$tmp/check2.txt" ||
  fail "--check did not show the time operation"
[[ ! -e "$tmp/never" ]] || fail "--check created the output folder"
# Every shipped configuration is valid as written.
for ini in "$src"/configs/*.ini; do
  "$mpiexec" -q -n 2 "$bin" --config "$ini" --output.dir="$tmp/never" --check >/dev/null || fail "$ini does not pass --check"
done
echo "test_help_check: ok"
