#!/usr/bin/env bash
# Builds meridian with AddressSanitizer + UndefinedBehaviorSanitizer (g++, -O1 -g, libstdc++
# assertions) in its own tree and runs the MPI test suite there under the sanitizer settings below.
# Incremental: a rerun rebuilds only what changed. Extra arguments go to ctest.
#   scripts/sanitize.sh                     # the default selection (see MERIDIAN_SANITIZE_CTEST_ARGS)
#   scripts/sanitize.sh -R core_np2         # one test
# Environment: MERIDIAN_SANITIZE_BUILD_DIR (default build-sanitize), MERIDIAN_SANITIZE_TARGETS (what to
# build; default the MPI test executables), MERIDIAN_SANITIZE_CTEST_ARGS (default selection when no
# arguments are given).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${MERIDIAN_SANITIZE_BUILD_DIR:-$root/build-sanitize}"
supp="$root/tests/sanitize"
source "$root/scripts/env.sh"

# The unit, regression and io MPI tests (core, domains, io, model); the app, Slurm and bench tests
# are covered by the Release suite and by the valgrind run of the app (sanitize_valgrind_app).
set -f  # the selection below holds regex characters, not globs
targets=(${MERIDIAN_SANITIZE_TARGETS:-core_mpi_tests domains_mpi_tests seaice_mpi_tests io_mpi_tests io_background_needs_threads model_mpi_tests})
# 1 to 4 ranks (single rank, periodic wrap, uneven splits); 6 and 8 ranks add time, not coverage, and
# so does model_np2 next to model_np3/np4 (concurrent splits, uneven blocks). io_clients runs Python
# readers on a file the Release suite checks already.
default_selection=(${MERIDIAN_SANITIZE_CTEST_ARGS:--L "unit|regression|io" -LE "app|slurm|bench|sanitize|fuzz" -E "_np[68]\$|model_np2|model_snowball|io_clients"})
set +f

# -O1 keeps the sanitized suite fast enough for CI while stack traces stay exact; -g1 (line tables)
# gives file:line in every frame and builds ~15% faster than -g; _GLIBCXX_ASSERTIONS adds bounds
# checks on std::vector/std::array/std::string operator[] that ASan cannot see.
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG="-O1 -g1 -D_GLIBCXX_ASSERTIONS" \
  -DCMAKE_C_FLAGS_DEBUG="-O1 -g1" -DMERIDIAN_SANITIZE=ON -DMERIDIAN_BUILD_TESTS=ON >/dev/null
cmake --build "$build" -j "$(nproc)" --target "${targets[@]}"

# fast_unwind_on_malloc=0: exact allocation stacks, which the MPI-stack leak suppressions match on.
# Open MPI's own leaks (about 120 KB) are suppressed by library name only; project frames never are.
export ASAN_OPTIONS="fast_unwind_on_malloc=0:detect_leaks=1:abort_on_error=0:exitcode=23:strict_string_checks=1:check_initialization_order=1"
export LSAN_OPTIONS="suppressions=$supp/lsan-mpi.supp:print_suppressions=0"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:report_error_type=1"
cd "$build"
if [[ $# -eq 0 ]]; then set -- "${default_selection[@]}"; fi
# ctest's own ENVIRONMENT properties do not touch the *SAN_OPTIONS variables, so they reach every rank.
ctest --output-on-failure -j "$(nproc)" "$@"
