#!/usr/bin/env bash
# Linearity check: CPU time (user+sys) of each rule alone on a generated package of N and 2N functions
# (bench/gen_large.sh); the ratio should stay near 2. Usage: bash bench/linear.sh [N]  (default 700, ~400 KB)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
n=${1:-700}
work=$(mktemp -d "${TMPDIR:-/tmp}/gofixrt-linear.XXXXXX")
trap 'rm -rf "$work"' EXIT
[ -x target/release/gofix-rt ] || cargo build --release --quiet
bin=target/release/gofix-rt
bash bench/gen_large.sh "$work/n1" "$n"
bash bench/gen_large.sh "$work/n2" "$((2 * n))"
echo "sizes: $(wc -c <"$work/n1/big.go") and $(wc -c <"$work/n2/big.go") bytes"
# The timing is the file's last line: GNU time writes "Command exited with non-zero status 1" above it when
# the rule reports (exit code 1).
cpu() { /usr/bin/time -f '%U %S' -o "$work/t" "$bin" --preview --select "$1" "$2" >/dev/null 2>&1 || true; awk 'END { print $1 + $2 }' "$work/t"; }
codes=$("$bin" list | awk -F'|' 'NR > 2 { gsub(/ /, "", $2); if ($2 != "") print $2 }')
printf '%-6s %8s %8s %6s\n' rule "N s" "2N s" ratio
for c in $codes; do
    a=$(cpu "$c" "$work/n1"); b=$(cpu "$c" "$work/n2")
    awk -v c="$c" -v a="$a" -v b="$b" 'BEGIN { printf "%-6s %8.2f %8.2f %6s\n", c, a, b, (a > 0.05 ? sprintf("%.2f", b / a) : "-") }'
done
