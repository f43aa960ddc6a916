#!/usr/bin/env bash
# Builds the libFuzzer target over the config parser (tests/fuzz/fuzz_config.cpp) with clang,
# AddressSanitizer and UBSan in its own tree, then fuzzes for a bounded time starting from the
# checked-in corpus (tests/fuzz/corpus). Exit 0: no bug found; 77: clang or libFuzzer is missing;
# anything else: a bug, with the input saved as crash-*/timeout-*/oom-* in the artifact folder
# (add it to tests/fuzz/corpus/ once fixed, so it stays a regression input).
#   scripts/fuzz.sh [SECONDS]          # default 60
#   scripts/fuzz.sh --replay           # just run every corpus input once (a regression check)
# Environment: MERIDIAN_FUZZ_BUILD_DIR (default build-fuzz), MERIDIAN_FUZZ_ARTIFACTS (default the build tree).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${MERIDIAN_FUZZ_BUILD_DIR:-$root/build-fuzz}"
artifacts="${MERIDIAN_FUZZ_ARTIFACTS:-$build/fuzz-artifacts}"
seconds="${1:-60}"

cc="$(command -v clang || command -v clang-14 || true)"
cxx="$(command -v clang++ || command -v clang++-14 || true)"
if [[ -z "$cc" || -z "$cxx" ]]; then
  echo "fuzz: SKIP: clang is not installed (Debian: apt-get install clang libclang-rt-14-dev)"; exit 77
fi
if ! echo 'extern "C" int LLVMFuzzerTestOneInput(const char*, unsigned long) { return 0; }' |
     "$cxx" -x c++ -fsanitize=fuzzer,address,undefined -o /dev/null - 2>/dev/null; then
  echo "fuzz: SKIP: $cxx cannot link libFuzzer (Debian: apt-get install libclang-rt-14-dev)"; exit 77
fi

# -O1 -g: fast enough to run many inputs per second, exact stack traces.
CC="$cc" CXX="$cxx" cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG="-O1 -g" \
  -DCMAKE_C_FLAGS_DEBUG="-O1 -g" -DMERIDIAN_SANITIZE=ON -DMERIDIAN_FUZZ=ON -DMERIDIAN_BUILD_TESTS=ON >/dev/null
cmake --build "$build" -j "$(nproc)" --target meridian_config_fuzz
fuzzer="$build/tests/fuzz/meridian_config_fuzz"

# No fast_unwind_on_malloc=0 here: no MPI runs, and slow unwinding on every malloc costs 10x in speed.
export ASAN_OPTIONS="detect_leaks=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
corpus="$root/tests/fuzz/corpus"
if [[ "$seconds" == "--replay" ]]; then
  exec "$fuzzer" -runs=0 -error_exitcode=1 "$corpus"
fi
# New inputs go to a scratch corpus so the checked-in one only grows by hand; -timeout catches hangs.
work="$build/fuzz-corpus"
mkdir -p "$work" "$artifacts"
echo "fuzz: $seconds s over $corpus (+ $work); artifacts in $artifacts"
# libFuzzer's default exit status for a bug is 77, which ctest would take for "skipped": use 1 and 2.
"$fuzzer" -max_total_time="$seconds" -timeout=10 -error_exitcode=1 -timeout_exitcode=2 -rss_limit_mb=2048 -max_len=4096 -print_final_stats=1 \
  -artifact_prefix="$artifacts/" -dict="$root/tests/fuzz/config.dict" "$work" "$corpus"
