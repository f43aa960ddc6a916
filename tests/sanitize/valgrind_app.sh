#!/usr/bin/env bash
# A small 2-rank coupled run of the meridian app under valgrind memcheck must be clean: exit status 0
# and "ERROR SUMMARY: 0 errors" from every rank, with leak checking on. Only Open MPI's own
# suppressions and tests/sanitize/mpi-extra.supp (MPI and HDF5 library frames only) are used.
# usage: valgrind_app.sh MERIDIAN SOURCE_DIR MPIEXEC
set -uo pipefail
bin="$1" src="$2" mpiexec="$3"
if ! command -v valgrind >/dev/null; then
  echo "SKIP: valgrind is not installed (Debian: apt-get install valgrind)"; exit 77
fi
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
ompi_supp=/usr/share/openmpi/openmpi-valgrind.supp
supps=(--suppressions="$src/tests/sanitize/mpi-extra.supp")
[[ -f "$ompi_supp" ]] && supps+=(--suppressions="$ompi_supp")

status=0
timeout 600 "$mpiexec" -q -n 2 valgrind --error-exitcode=3 --leak-check=full --errors-for-leak-kinds=definite,indirect \
  --num-callers=30 --log-file="$tmp/valgrind.%q{OMPI_COMM_WORLD_RANK}.log" "${supps[@]}" \
  "$bin" --config "$src/configs/default.ini" --grid.nx=24 --grid.ny=12 --run.steps=8 --output.every=4 \
  --output.dir="$tmp/run" >"$tmp/stdout" 2>"$tmp/stderr" || status=$?

failures=0
if [[ $status -ne 0 ]]; then
  echo "FAIL: mpirun valgrind meridian exited with status $status"; failures=$((failures + 1))
  sed 's/^/    /' "$tmp/stderr"
fi
for rank in 0 1; do
  log="$tmp/valgrind.$rank.log"
  if ! grep -q "ERROR SUMMARY: 0 errors" "$log" 2>/dev/null; then
    echo "FAIL: rank $rank: valgrind reports errors (or no summary):"; failures=$((failures + 1))
    sed 's/^/    /' "$log" 2>/dev/null | head -200
  else
    echo "ok: rank $rank: $(grep -o 'ERROR SUMMARY: .*' "$log")"
  fi
done
if ! grep -q "^complete 8 " "$tmp/run/status.txt" 2>/dev/null; then
  echo "FAIL: the run did not complete: status.txt = '$(cat "$tmp/run/status.txt" 2>/dev/null)'"; failures=$((failures + 1))
fi
[[ $failures -eq 0 ]] && echo "valgrind: clean" || exit 1
