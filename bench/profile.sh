#!/usr/bin/env bash
# Profile-guided mode's cost: how much reading a >= 10 MB CPU profile adds to a run (the issue's limit is
# 200 ms). Makes a real profile with the Go toolchain (a generated program with many distinct functions and
# call stacks, profiled by `go test -cpuprofile`), grows it past 10 MB by concatenating copies of its raw
# protobuf (protobuf merge semantics: repeated fields append, so the result is a valid profile with N times
# the samples; `go tool pprof` reads it), then times gofix-rt on the same tree with and without --profile
# (hyperfine when present, else a loop of N runs and the median).
#
# Usage: bench/profile.sh [TREE]   (default: $(go env GOROOT)/src/net; PROFILE_OUT=FILE keeps the profile)
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
bin="$here/target/release/gofix-rt"
[ -x "$bin" ] || (cd "$here" && cargo build --release --quiet)
tree=${1:-$(go env GOROOT)/src/net}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# 1. A program with 400 functions in 20 call chains, each burning CPU at its own depth.
mkdir -p "$work/gen"
cd "$work/gen"
printf 'module example.com/profgen\n\ngo 1.22\n' > go.mod
{
  echo 'package profgen'
  echo 'var sink uint64'
  for i in $(seq 0 399); do
    next=$(( i % 20 == 19 ? -1 : i + 1 ))
    echo "func f$i(n int) {"
    echo "	for j := 0; j < n*($i%7+1); j++ { sink += uint64(j) * $((i + 3)) }"
    if [ "$next" -ge 0 ]; then echo "	if n > 0 { f$next(n - 1) }"; fi
    echo "}"
  done
} > gen.go
{
  echo 'package profgen'
  echo 'import ("testing"; "time")'
  echo 'func TestBurn(t *testing.T) {'
  echo '	end := time.Now().Add(2 * time.Second)'
  echo '	for k := 0; time.Now().Before(end); k++ {'
  for c in $(seq 0 19); do echo "		f$((c * 20))(k%40 + 1)"; done
  echo '	}'
  echo '}'
} > gen_test.go
go test -count=1 -run TestBurn -cpuprofile "$work/real.pprof" . > /dev/null

# 2. Grow it past 10 MB: the Sample messages (field 2 of Profile) repeated until the file is that large,
#    everything else (sample types, locations, functions, strings) kept once. pprof accepts repeated
#    identical samples (it adds them up), so this is a valid profile with N times the samples.
gzip -dc "$work/real.pprof" > "$work/real.pb"
python3 - "$work/real.pb" "$work/big.pb" <<'PY'
import sys
data = open(sys.argv[1], "rb").read()
def varint(b, i):
    v = s = 0
    while True:
        c = b[i]; i += 1; v |= (c & 0x7F) << s; s += 7
        if c < 0x80: return v, i
keep, samples, i = [], [], 0
while i < len(data):
    start = i
    key, i = varint(data, i)
    wt = key & 7
    if wt == 0: _, i = varint(data, i)
    elif wt == 2: n, i = varint(data, i); i += n
    elif wt == 1: i += 8
    elif wt == 5: i += 4
    (samples if key >> 3 == 2 else keep).append(data[start:i])
head, body = b"".join(keep), b"".join(samples)
copies = max(1, -(-(10 * 1024 * 1024 - len(head)) // max(1, len(body))))
open(sys.argv[2], "wb").write(head + body * copies)
PY
[ -n "${PROFILE_OUT:-}" ] && cp "$work/big.pb" "$PROFILE_OUT"
go tool pprof -top "$work/big.pb" > /dev/null 2>&1 || { echo "go tool pprof rejects the grown profile" >&2; exit 1; }
echo "profile: $(stat -c %s "$work/big.pb") bytes, raw protobuf (grown from a $(stat -c %s "$work/real.pb")-byte one)"

# 3. Time both runs on the same tree.
cd "$here"
without=("$bin" --preview --quiet "$tree")
with=("$bin" --preview --quiet --profile "$work/big.pb" "$tree")
if command -v hyperfine > /dev/null; then
  hyperfine --warmup 2 --runs 10 -i "${without[*]}" "${with[*]}"
fi
# Wall time, and CPU time (user + sys, in ms): on a loaded machine the wall clock also counts the time
# spent waiting for a core, so both are printed.
measure() {
  local walls=() cpus=()
  for _ in 1 2 3 4 5 6 7 8 9 10 11; do
    local t0 t1 cpu
    t0=$(date +%s%N)
    cpu=$( { TIMEFORMAT='%3U %3S'; time "$@" > /dev/null 2>&1; } 2>&1 | awk '{printf "%d", ($1 + $2) * 1000}' ) || true
    t1=$(date +%s%N)
    walls+=($(( (t1 - t0) / 1000000 )))
    cpus+=("$cpu")
  done
  echo "$(printf '%s\n' "${walls[@]}" | sort -n | sed -n 6p) $(printf '%s\n' "${cpus[@]}" | sort -n | sed -n 6p)"
}
"${without[@]}" > /dev/null 2>&1 || true
read -r aw ac < <(measure "${without[@]}")
read -r bw bc < <(measure "${with[@]}")
echo "tree: $tree; load average: $(cut -d' ' -f1 /proc/loadavg)"
echo "without --profile: ${aw} ms wall, ${ac} ms CPU (medians of 11)"
echo "with --profile:    ${bw} ms wall, ${bc} ms CPU (medians of 11)"
echo "added by reading the profile: $((bw - aw)) ms wall, $((bc - ac)) ms CPU (limit: 200 ms)"
# The profile alone, on an empty directory: its reading cost without the tree's noise.
mkdir -p "$work/empty"
read -r ew ec < <(measure "$bin" --quiet "$work/empty")
read -r pw pc < <(measure "$bin" --quiet --profile "$work/big.pb" "$work/empty")
echo "reading the profile alone (empty tree): $((pw - ew)) ms wall, $((pc - ec)) ms CPU"
