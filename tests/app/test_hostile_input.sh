#!/usr/bin/env bash
# Input that is not what it seems (docs/reliability.md, "Files that are not files" and "Text that is
# not what it seems"): FIFOs, symlink loops and too-long names as any path; keys given twice,
# control characters, a byte-order mark, megabyte values, mask files with extra rows, options that
# only apply with another, a damaged diagnostics.csv on resume, an empty config file. Each bad one
# is refused within seconds: status 2 on every rank, ONE line on stderr naming the key, file or
# value and what is allowed, no raw control character, no MPI_Abort banner, nothing in an existing
# output folder changed.
# usage: test_hostile_input.sh MERIDIAN SOURCE_DIR MPIEXEC RANKS
set -uo pipefail
bin="$1" src="$2" mpiexec="$3" ranks="${4:-2}"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
cfg="$src/configs/default.ini"
small=(--config "$cfg" --grid.nx=24 --grid.ny=12 --run.steps=8 --output.every=4 --restart.every=4 --restart.keep=0
       --diagnostics.every=2)

keep="$tmp/existing"
"$mpiexec" -n 2 "$bin" "${small[@]}" --output.dir="$keep" >/dev/null || { echo "FAIL: the reference run failed" >&2; exit 1; }
fingerprint() { (cd "$keep" && find . -type f -exec md5sum {} + | sort); }
before="$(fingerprint)"
o="--output.dir=$keep"

failures=0
source "$src/tests/app/expect_refusal.sh"
# status 2 within 20 s, one short line, the text, no raw control byte (tests/app/expect_refusal.sh)
check() { expect_refusal "$1" timeout 30 "$mpiexec" -q -n "$ranks" "$bin" "${@:2}"; }

# --- Files that are not files: a FIFO would block open() forever; loops and long names are one line.
mkfifo "$tmp/fifo"
ln -s "$tmp/loop_a" "$tmp/loop_b" && ln -s "$tmp/loop_b" "$tmp/loop_a"
long="$tmp/$(printf 'x%.0s' $(seq 1 300))/$(printf 'y%.0s' $(seq 1 5000))"
check "config file '$tmp/fifo' is a FIFO (named pipe), not a regular file" --config "$tmp/fifo" "$o"
check "config file '$tmp/loop_a' cannot be used: Too many levels of symbolic links" --config "$tmp/loop_a" "$o"
check "File name too long" --config "$long" "$o"
check "config file '$tmp' is a directory" --config "$tmp" "$o"
check "grid.mask_file '$tmp/fifo' is a FIFO" --config "$cfg" --grid.mask=file --grid.mask_file="$tmp/fifo" "$o"
check "grid.mask_file '$tmp/loop_a' cannot be used: Too many levels of symbolic links" --config "$cfg" --grid.mask=file \
  --grid.mask_file="$tmp/loop_a" "$o"
check "grid.earth_file '$tmp/fifo' is a FIFO" --config "$cfg" --grid.mask=earth --grid.earth_file="$tmp/fifo" "$o"
check "restart.from = '$tmp/fifo' is a FIFO" --config "$cfg" --restart.from="$tmp/fifo" --output.dir="$tmp/new1"
check "restart.from = '$tmp/loop_a' cannot be used: Too many levels" --config "$cfg" --restart.from="$tmp/loop_a" \
  --output.dir="$tmp/new2"
check "File name too long" --config "$cfg" --restart.from="$long" --output.dir="$tmp/new3"
check "restart.from = '$keep' is a directory" --config "$cfg" --restart.from="$keep" --output.dir="$tmp/new4"
check "cannot be created: Too many levels of symbolic links" --config "$cfg" --output.dir="$tmp/loop_a/out"
check "cannot be created: File name too long" --config "$cfg" --output.dir="$long"
check "output.dir = '$tmp/fifo' cannot be created" --config "$cfg" --output.dir="$tmp/fifo"

# --- Text that is not what it seems.
printf '[grid]\nnx = 24\n\n[run]\nsteps = 8\n[grid]\nnx = 36\n' >"$tmp/twice.ini"
check "$tmp/twice.ini: grid.nx is set twice, on lines 2 and 7; keep one" --config "$tmp/twice.ini" "$o"
check 'output.dir = '"'"'red\x1b[31m\nblue'"'"' is not allowed; expected a single line of text' --config "$cfg" \
  --output.dir=$'red\x1b[31m\nblue'
check 'grid.mask = '"'"'con\ttinents\r\n\u0085'"'"' is not allowed' --config "$cfg" --grid.mask=$'con\ttinents\r\n\xc2\x85\n' "$o"
printf '[grid]\nmask = \033]0;pwned\007\n' >"$tmp/escape.ini"
check "$tmp/escape.ini line 2: grid.mask = '\\x1b]0;pwned\\x07' is not allowed" --config "$tmp/escape.ini" "$o"
{ printf '[grid]\nmask = '; head -c 1000000 /dev/zero | tr '\0' a; printf '\n'; } >"$tmp/huge.ini"
check "... (1000000 bytes)' is not allowed; expected one of aquaplanet" --config "$tmp/huge.ini" "$o"
printf '\xef\xbb\xbf[grid]\nnxx = 24\n' >"$tmp/bom-unknown.ini"
check "$tmp/bom-unknown.ini line 2: unknown option 'grid.nxx'" --config "$tmp/bom-unknown.ini" "$o"
printf '[grid]\nnx 24\n' >"$tmp/syntax.ini"
check "$tmp/syntax.ini line 2: syntax error: 'nx 24' is not an option" --config "$tmp/syntax.ini" "$o"

# Mask files: exactly grid.ny rows of grid.nx fractions; anything after them is refused, naming the line.
row="$(printf '1 %.0s' $(seq 1 24))"
{ for _ in $(seq 1 12); do echo "$row"; done; } >"$tmp/mask_ok.txt"
{ cat "$tmp/mask_ok.txt"; echo "$row"; } >"$tmp/mask_extra_row.txt"
{ cat "$tmp/mask_ok.txt"; printf '\n  \nEOF garbage\n'; } >"$tmp/mask_garbage.txt"
{ head -n 11 "$tmp/mask_ok.txt"; echo "$row junk"; } >"$tmp/mask_junk.txt"
mask=(--config "$cfg" --grid.nx=24 --grid.ny=12 --grid.mask=file)
check "$tmp/mask_extra_row.txt line 13: more than the 12 rows of grid.ny" "${mask[@]}" --grid.mask_file="$tmp/mask_extra_row.txt" "$o"
check "$tmp/mask_garbage.txt line 15: more than the 12 rows" "${mask[@]}" --grid.mask_file="$tmp/mask_garbage.txt" "$o"
check "$tmp/mask_junk.txt line 12: expected 24 numbers" "${mask[@]}" --grid.mask_file="$tmp/mask_junk.txt" "$o"

# Options that only apply with another one are not silently ignored.
check "grid.mask_file = '$tmp/mask_ok.txt' applies only with grid.mask = file, but grid.mask = continents" \
  --config "$cfg" --grid.mask_file="$tmp/mask_ok.txt" "$o"
check "atmosphere.ranks = '2' applies only with coupling.layout = concurrent" --config "$cfg" --atmosphere.ranks=2 "$o"
check "sunlight.obliquity = '30' applies only with sunlight.seasonal = true" --config "$cfg" --sunlight.obliquity=30 "$o"
check "sunlight.q = '300' applies only with sunlight.enabled = true" --config "$cfg" --sunlight.enabled=false \
  --sunlight.q=300 "$o"
check "atmosphere.initial_temperature = '5' applies only with atmosphere.initial = uniform" --config "$cfg" \
  --atmosphere.initial=north --atmosphere.initial_temperature=5 "$o"

# A damaged diagnostics.csv in a folder being continued: one line naming the file and the line.
cp -r "$keep" "$tmp/damaged"
sed -i '4s/^[0-9]*/x7/' "$tmp/damaged/diagnostics.csv"
damaged_before="$(cd "$tmp/damaged" && find . -type f -exec md5sum {} + | sort)"
check "$tmp/damaged/diagnostics.csv line 4: 'x7," "${small[@]}" --output.dir="$tmp/damaged" \
  --restart.from="$tmp/damaged/restart_000004.h5"
[[ "$(cd "$tmp/damaged" && find . -type f -exec md5sum {} + | sort)" == "$damaged_before" ]] ||
  { echo "FAIL: the folder with the damaged diagnostics.csv changed" >&2; failures=$((failures + 1)); }

if [[ "$(fingerprint)" != "$before" ]]; then
  echo "FAIL: the existing output folder changed" >&2
  diff <(echo "$before") <(fingerprint) >&2
  failures=$((failures + 1))
fi

# Accepted: a leading UTF-8 byte-order mark and CRLF line ends.
printf '\xef\xbb\xbf[grid]\r\nnx = 24\r\nny = 12\r\n' >"$tmp/bom.ini"
"$mpiexec" -q -n "$ranks" "$bin" --config "$tmp/bom.ini" --output.dir="$tmp/never" --check | grep -q "grid          24 x 12" ||
  { echo "FAIL: a config with a byte-order mark and CRLF was not read as 24 x 12" >&2; failures=$((failures + 1)); }
# One set of defaults: an empty config file, no --config and configs/default.ini resolve alike.
: >"$tmp/empty.ini"
"$mpiexec" -q -n "$ranks" "$bin" --config "$tmp/empty.ini" --output.dir="$tmp/never" --check >"$tmp/check_empty.txt"
"$mpiexec" -q -n "$ranks" "$bin" --config "$cfg" --output.dir="$tmp/never" --check >"$tmp/check_default.txt"
"$mpiexec" -q -n "$ranks" "$bin" --output.dir="$tmp/never" --check >"$tmp/check_none.txt"
if ! cmp -s "$tmp/check_empty.txt" "$tmp/check_default.txt" || ! cmp -s "$tmp/check_none.txt" "$tmp/check_default.txt"; then
  echo "FAIL: an empty config, no config and configs/default.ini do not give the same run:" >&2
  diff "$tmp/check_empty.txt" "$tmp/check_default.txt" >&2
  failures=$((failures + 1))
fi
[[ ! -e "$tmp/never" ]] || { echo "FAIL: --check created the output folder" >&2; failures=$((failures + 1)); }

echo "test_hostile_input: $failures failure(s) on $ranks rank(s)"
[[ $failures -eq 0 ]]
