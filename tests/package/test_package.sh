#!/usr/bin/env bash
# The out-of-tree proof (issue 12 item 6): installs this build to a prefix, builds tests/package/example
# (a separate CMake project: find_package(meridian), its own tracer component, a main over app::run)
# against it, and runs it as a user would; then compiles a one-file program with pkg-config's flags.
# Checks: the installed tree's files and that no warning or sanitizer flag is exported; --help lists
# the tracer's options; --version; 1- and 3-rank runs exit 0 with their output, and the 3-rank run's
# restart, history and diagnostics equal the 1-rank run's bit for bit.
# usage: test_package.sh BUILD_DIR SOURCE_DIR MPIEXEC CMAKE
set -euo pipefail
build="$1" src="$2" mpiexec="$3" cmake="$4"
work="$build/package-test"
prefix="$work/prefix"
fail() { echo "test_package: $*" >&2; exit 1; }
rm -rf "$work"
mkdir -p "$work"

"$cmake" --install "$build" --prefix "$prefix" >"$work/install.log" || { cat "$work/install.log"; fail "cmake --install failed"; }
for f in lib/cmake/meridian/meridianConfig.cmake lib/cmake/meridian/meridianConfigVersion.cmake \
         lib/cmake/meridian/meridianTargets.cmake lib/pkgconfig/meridian.pc include/meridian/version.hpp \
         include/meridian/core/config.hpp include/meridian/io/hdf5_output.hpp include/meridian/app/run.hpp \
         include/meridian/app/registry.hpp include/meridian/atmosphere/atmosphere.hpp \
         share/meridian/earth_land_fraction.pgm bin/meridian; do
  [[ -f "$prefix/$f" ]] || fail "the install lacks $f"
done
for lib in core io app atmosphere ocean land; do
  grep -q "meridian::$lib" "$prefix/lib/cmake/meridian/meridianTargets.cmake" || fail "meridian::$lib is not exported"
done
if grep -E -q -- "meridian_options|-Wall|-Werror|-fsanitize|$src" "$prefix"/lib/cmake/meridian/*.cmake "$prefix/lib/pkgconfig/meridian.pc"; then
  fail "the installed package names build-tree flags or paths"
fi

# The example, as its README would build it; compile_commands.json shows what flags it inherited.
"$cmake" -S "$src/tests/package/example" -B "$work/example" -DCMAKE_PREFIX_PATH="$prefix" \
  -DCMAKE_BUILD_TYPE=Release -DCMAKE_EXPORT_COMPILE_COMMANDS=ON >"$work/configure.log" 2>&1 ||
  { cat "$work/configure.log"; fail "configuring the example against the installed package failed"; }
"$cmake" --build "$work/example" -j2 >"$work/build.log" 2>&1 || { cat "$work/build.log"; fail "building the example failed"; }
if grep -E -q -- "-Wall|-Werror|-fsanitize" "$work/example/compile_commands.json"; then
  fail "meridian's warning or sanitizer flags reached the example's compile commands"
fi
exe="$work/example/tracer_model"

"$mpiexec" -q -n 1 "$exe" --help >"$work/help.txt"
grep -q "^usage: tracer_model " "$work/help.txt" || fail "--help does not name the program"
grep -q "^\[tracer\]$" "$work/help.txt" || fail "--help has no [tracer] section"
grep -q -- "--tracer.timescale (default: 86400 s)" "$work/help.txt" || fail "--help lacks tracer.timescale with default and units"
grep -q -- "--grid.nx (default: 24 cells)" "$work/help.txt" || fail "--help does not list the built-in defaults' values"
grep -q -- "--tracer.target.from (default: forcing.target)" "$work/help.txt" || fail "--help lacks the tracer's coupling"
# --check validates the program's own model (it has no grid.mask, no atmosphere) and lists its coupling.
"$mpiexec" -q -n 3 "$exe" --check >"$work/check.txt" 2>&1 || { cat "$work/check.txt"; fail "--check failed"; }
grep -qF "tracer.target <- forcing.target (kg kg-1; conservative, mean)" "$work/check.txt" ||
  { cat "$work/check.txt"; fail "--check does not list the tracer's coupling"; }
version=$("$mpiexec" -q -n 2 "$exe" --version)
[[ $version =~ ^tracer_model\ 1\.0\ \(meridian\ [0-9]+\.[0-9]+\.[0-9]+,\ ([0-9a-f]{12}(-dirty)?|unknown)\)$ ]] ||
  fail "--version: '$version'"

# A tiny run: 8 steps on a 24 x 12 grid, history every 4 steps, a restart at the end.
cat >"$work/tiny.ini" <<'INI'
[output]
every = 4
INI
for n in 1 3; do
  "$mpiexec" -q -n $n "$exe" --config "$work/tiny.ini" --output.dir="$work/run$n" >"$work/run$n.log" 2>&1 ||
    { cat "$work/run$n.log"; fail "the $n-rank run failed"; }
  for f in status.txt config.ini diagnostics.csv restart_000008.h5 tracer_000000.h5 tracer_000008.h5; do
    [[ -f "$work/run$n/$f" ]] || fail "the $n-rank run wrote no $f"
  done
  grep -q "^complete 8 " "$work/run$n/status.txt" || fail "$n ranks: status.txt says '$(cat "$work/run$n/status.txt")'"
  grep -q "tracer_mean" "$work/run$n/diagnostics.csv" || fail "$n ranks: diagnostics.csv has no tracer_mean"
done
compare="/usr/bin/python3 $src/tests/app/compare_outputs.py"
$compare "$work/run1" "$work/run3" --files 'restart_*.h5' 'tracer_*.h5' --diagnostics ||
  fail "the 3-rank run differs from the 1-rank run"
# The comparison must be able to see a difference: the tracer moves between steps 0 and 8.
if $compare "$work/run1/tracer_000000.h5" "$work/run1/tracer_000008.h5" >/dev/null; then
  fail "history at steps 0 and 8 compare equal: the tracer does not evolve or the comparison is blind"
fi

# pkg-config: its flags alone compile and link a program that uses the core library.
cat >"$work/pc_probe.cpp" <<'CPP'
#include <iostream>

#include "meridian/core/config.hpp"
#include "meridian/version.hpp"

int main() {
  meridian::core::OptionRegistry options;
  options.add_integer("probe.n", 3, "1", "a probe option");
  std::cout << "meridian " << MERIDIAN_VERSION << ": " << options.specs().size() << " option\n";
}
CPP
export PKG_CONFIG_PATH="$prefix/lib/pkgconfig"
flags=$(pkg-config --cflags --libs meridian) || fail "pkg-config does not know meridian"
# shellcheck disable=SC2086
c++ -std=c++20 "$work/pc_probe.cpp" -o "$work/pc_probe" $flags || fail "pkg-config's flags do not build a program: $flags"
[[ $("$work/pc_probe") == "meridian "*": 1 option" ]] || fail "the pkg-config program printed '$("$work/pc_probe")'"
echo "test_package: ok"
