#!/usr/bin/env bash
# Scan-speed benchmark: gofix-rt against ast-grep on the Go standard library's own source.
#
#   bash bench/run.sh            # $(go env GOROOT)/src, 5 timed runs per command after 1 warm-up
#   bash bench/run.sh --quick    # $(go env GOROOT)/src/net only: a smoke run
#   bash bench/run.sh --runs 10 --dir /some/go/tree
#
# What is compared (one invocation per tool, same files, warm page cache):
#   gofix-rt --select <those of R1,R2,R3a,R3b that `gofix-rt list` shows> DIR   (report mode)
#   ast-grep scan --config bench/sgconfig.yml DIR   (the four equivalent rules in bench/ast-grep-rules/)
#   gofix-rt DIR                                     (every registered transform)
# ast-grep is told to skip what gofix-rt's walk skips (vendor/, testdata/, names starting with _ or .),
# so both read the same .go files. Targets: gofix-rt time / ast-grep time <= 0.25, peak RSS <= 150 MB.
set -euo pipefail
export NO_COLOR=1

usage() { sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; }

QUICK=0
RUNS=5
DIR=""
while [ $# -gt 0 ]; do
    case "$1" in
        --quick) QUICK=1 ;;
        --runs) RUNS="${2:?--runs needs a number}"; shift ;;
        --runs=*) RUNS="${1#--runs=}" ;;
        --dir) DIR="${2:?--dir needs a directory}"; shift ;;
        --dir=*) DIR="${1#--dir=}" ;;
        -h|--help) usage; exit 0 ;;
        *) echo "bench/run.sh: unknown argument: $1" >&2; usage >&2; exit 2 ;;
    esac
    shift
done
case "$RUNS" in ''|*[!0-9]*|0) echo "bench/run.sh: --runs wants a positive number" >&2; exit 2 ;; esac

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$(pwd)
WORK=$(mktemp -d "${TMPDIR:-/tmp}/gofixrt-bench.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

say() { printf '\n== %s\n' "$*"; }
have() { command -v "$1" >/dev/null 2>&1; }
apt_install() { # best effort: only as root with apt-get
    if [ "$(id -u)" = 0 ] && have apt-get; then
        apt-get install -y -qq "$1" >/dev/null 2>&1 ||
            { apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq "$1" >/dev/null 2>&1; } || true
    fi
}

# ---- tools -----------------------------------------------------------------------------------------
have go || { echo "bench/run.sh: needs the go tool (for GOROOT)" >&2; exit 2; }
if [ -z "$DIR" ]; then
    DIR="$(go env GOROOT)/src"
    [ "$QUICK" = 1 ] && DIR="$DIR/net"
fi
[ -d "$DIR" ] || { echo "bench/run.sh: no such directory: $DIR" >&2; exit 2; }

# ast-grep from PyPI (ast-grep-cli). Never `sg`: on some machines that name is another program.
is_ast_grep() { [ -n "$1" ] && [ -x "$1" ] && [[ "$("$1" --version 2>/dev/null || true)" == "ast-grep "* ]]; }
find_ast_grep() {
    local c
    for c in "$(command -v ast-grep 2>/dev/null || true)" \
             "$(python3 -c 'import sysconfig; print(sysconfig.get_path("scripts"))' 2>/dev/null)/ast-grep" \
             "$(python3 -m site --user-base 2>/dev/null)/bin/ast-grep"; do
        if is_ast_grep "$c"; then echo "$c"; return 0; fi
    done
    return 1
}
if ! AST_GREP=$(find_ast_grep); then
    say "installing ast-grep (pip install ast-grep-cli)"
    python3 -m pip install --quiet ast-grep-cli || pip install --quiet ast-grep-cli
    hash -r
    have pyenv && pyenv rehash 2>/dev/null || true
    AST_GREP=$(find_ast_grep) || { echo "bench/run.sh: ast-grep still not found after pip install" >&2; exit 2; }
fi

say "building gofix-rt (cargo build --release)"
cargo build --release --quiet
GOFIXRT="$ROOT/target/release/gofix-rt"

HYPERFINE=""
[ -n "${BENCH_NO_HYPERFINE:-}" ] || have hyperfine || apt_install hyperfine
[ -z "${BENCH_NO_HYPERFINE:-}" ] && have hyperfine && HYPERFINE=hyperfine
TIME_BIN=""
[ -x /usr/bin/time ] || apt_install time
[ -x /usr/bin/time ] && /usr/bin/time -v true >/dev/null 2>&1 && TIME_BIN=/usr/bin/time

# ---- check the peer's rules on the sample (they must still match what they should) -----------------
ag_matches() { # "RULE LINE" per match (1-based), from ast-grep --json=stream on stdin
    sed -nE 's/^\{"text":"([^"\\]|\\.)*","range":\{"byteOffset":\{[^}]*\},"start":\{"line":([0-9]+),.*"ruleId":"([^"]*)".*$/\3 \2/p' |
        awk '{ print $1, $2 + 1 }' | sort -k1,1 -k2n
}
"$AST_GREP" scan --config "$ROOT/bench/sgconfig.yml" --json=stream "$ROOT/bench/sample/sample.go" | ag_matches >"$WORK/sample.got"
if ! diff -u "$ROOT/bench/sample/expected.txt" "$WORK/sample.got" >"$WORK/sample.diff"; then
    echo "bench/run.sh: the ast-grep rules do not match bench/sample/sample.go as expected:" >&2
    cat "$WORK/sample.diff" >&2
    exit 2
fi

# ---- what to run -----------------------------------------------------------------------------------
PEER_CODES="R1 R2 R3a R3b"
REGISTERED=$("$GOFIXRT" list | awk -F'|' 'NR > 2 { gsub(/ /, "", $2); if ($2 != "") print $2 }')
SELECTED=()
MISSING=()
for c in $PEER_CODES; do
    if grep -qxF "$c" <<<"$REGISTERED"; then SELECTED+=("$c"); else MISSING+=("$c"); fi
done
SELECT_CSV=$(IFS=,; echo "${SELECTED[*]:-}")

AG_ARGS=(scan --config "$ROOT/bench/sgconfig.yml" --globs '!**/vendor/**' --globs '!**/testdata/**'
         --globs '!**/_*' --globs '!**/.*')

NAMES=()
CMDS=()   # each a single string, split on spaces by the runners below (no paths with spaces, please)
case "$ROOT$DIR" in *' '*) echo "bench/run.sh: paths with spaces are not supported" >&2; exit 2 ;; esac
if [ -n "$SELECT_CSV" ]; then
    NAMES+=("gofix-rt --select $SELECT_CSV"); CMDS+=("$GOFIXRT --select $SELECT_CSV $DIR")
fi
NAMES+=("ast-grep (4 rules)"); CMDS+=("$AST_GREP ${AG_ARGS[*]} --report-style short --color never $DIR")
NAMES+=("gofix-rt (all transforms)"); CMDS+=("$GOFIXRT $DIR")
# The default set plus the preview rules (the rest of the seed catalogue): what `--preview` costs.
NAMES+=("gofix-rt --preview"); CMDS+=("$GOFIXRT --preview $DIR")

say "setup"
echo "target:      $DIR ($(find "$DIR" \( -name vendor -o -name testdata -o -name '_*' -o -name '.?*' \) -prune -o -name '*.go' ! -name '_*' -print | wc -l) .go files after gofix-rt's exclusions)"
echo "gofix-rt:    $("$GOFIXRT" --version) ($GOFIXRT); registered: $(echo $REGISTERED)"
echo "ast-grep:    $("$AST_GREP" --version) ($AST_GREP)"
echo "go:          $(go version)"
echo "machine:     $(nproc) cores; load average $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?') (a busy machine inflates both tools' times)"
echo "timing:      ${HYPERFINE:-bash loop (median)}, 1 warm-up + $RUNS runs per command"
if [ ${#MISSING[@]} -gt 0 ]; then
    echo "note:        ${MISSING[*]} not registered in this build of gofix-rt yet; ast-grep still runs all four rules"
fi

# ---- timing ----------------------------------------------------------------------------------------
MEDIANS=()
MINS=()
CPUS=()   # mean user+sys seconds per run: steadier than wall time when other jobs share the cores
say "timing"
if [ -n "$HYPERFINE" ]; then
    HF=(hyperfine -N -i --warmup 1 --runs "$RUNS" --style basic --export-json "$WORK/hf.json")
    for i in "${!CMDS[@]}"; do HF+=(-n "${NAMES[$i]}" "${CMDS[$i]}"); done
    "${HF[@]}"
    mapfile -t MEDIANS < <(awk -F': *' '/"median":/ { v = $2; sub(/,.*/, "", v); print v }' "$WORK/hf.json")
    mapfile -t MINS < <(awk -F': *' '/"min":/ { v = $2; sub(/,.*/, "", v); print v }' "$WORK/hf.json")
    mapfile -t CPUS < <(awk -F': *' '/"user":/ { u = $2; sub(/,.*/, "", u) }
                                      /"system":/ { v = $2; sub(/,.*/, "", v); print u + v }' "$WORK/hf.json")
else
    now() { date +%s.%N; }
    for i in "${!CMDS[@]}"; do
        read -r -a argv <<<"${CMDS[$i]}"
        "${argv[@]}" >/dev/null 2>&1 || true # warm-up
        : >"$WORK/times"; : >"$WORK/cpu"
        for ((r = 0; r < RUNS; r++)); do
            if [ -n "$TIME_BIN" ]; then
                t0=$(now); "$TIME_BIN" -f '%U %S' -o "$WORK/cpu1" "${argv[@]}" >/dev/null 2>&1 || true; t1=$(now)
                tail -1 "$WORK/cpu1" >>"$WORK/cpu"
            else
                t0=$(now); "${argv[@]}" >/dev/null 2>&1 || true; t1=$(now)
            fi
            echo "$t0 $t1" | awk '{ printf "%.6f\n", $2 - $1 }' >>"$WORK/times"
        done
        m=$(sort -g "$WORK/times" | awk '{ a[NR] = $1 } END { if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2 }')
        MEDIANS+=("$m")
        MINS+=("$(sort -g "$WORK/times" | head -1)")
        CPUS+=("$(awk '{ s += $1 + $2; n++ } END { if (n) printf "%.6f", s / n }' "$WORK/cpu")")
        printf '%-28s median %.3f s  (runs: %s)\n' "${NAMES[$i]}" "$m" "$(tr '\n' ' ' <"$WORK/times")"
    done
fi

# ---- findings and peak RSS (one more run each) -----------------------------------------------------
rss_mb() { awk -F': *' '/Maximum resident set size/ { printf "%.1f", $2 / 1024 }' "$1"; }
run_measured() { # name, outfile, errfile, timefile, argv...
    local out=$1 err=$2 tf=$3; shift 3
    local rc=0
    if [ -n "$TIME_BIN" ]; then
        "$TIME_BIN" -v -o "$tf" "$@" >"$out" 2>"$err" || rc=$?
    else
        : >"$tf"; "$@" >"$out" 2>"$err" || rc=$?
    fi
    echo "$rc"
}
count_codes() { sed -nE 's/^.*:[0-9]+:[0-9]+: ([A-Za-z0-9.]+) .*$/\1/p' "$1" | sort | uniq -c | awk '{ print $2, $1 }'; }
count_of() { awk -v c="$2" '$1 == c { n = $2 } END { print n + 0 }' "$1"; }

say "findings and peak RSS"
GF_SEL_RC=""; GF_SEL_RSS="n/a"
if [ -n "$SELECT_CSV" ]; then
    GF_SEL_RC=$(run_measured "$WORK/gf-sel.out" "$WORK/gf-sel.err" "$WORK/gf-sel.time" "$GOFIXRT" --select "$SELECT_CSV" "$DIR")
    GF_SEL_RSS=$(rss_mb "$WORK/gf-sel.time"); GF_SEL_RSS=${GF_SEL_RSS:-n/a}
    count_codes "$WORK/gf-sel.out" >"$WORK/gf-sel.counts"
fi
GF_ALL_RC=$(run_measured "$WORK/gf-all.out" "$WORK/gf-all.err" "$WORK/gf-all.time" "$GOFIXRT" "$DIR")
GF_ALL_RSS=$(rss_mb "$WORK/gf-all.time"); GF_ALL_RSS=${GF_ALL_RSS:-n/a}
count_codes "$WORK/gf-all.out" >"$WORK/gf-all.counts"
AG_RC=$(run_measured "$WORK/ag.out" "$WORK/ag.err" "$WORK/ag.time" "$AST_GREP" "${AG_ARGS[@]}" --json=stream --inspect summary "$DIR")
AG_RSS=$(rss_mb "$WORK/ag.time"); AG_RSS=${AG_RSS:-n/a}
{ grep -o '"ruleId":"[^"]*"' "$WORK/ag.out" || true; } | sed 's/"ruleId":"//; s/"$//' | sort | uniq -c | awk '{ print $2, $1 }' >"$WORK/ag.counts"
AG_FILES=$(sed -n 's/.*scannedFileCount=\([0-9]*\).*/\1/p' "$WORK/ag.err" | head -1)

for f in gf-sel gf-all; do
    [ -f "$WORK/$f.err" ] || continue
    label="gofix-rt --select $SELECT_CSV"; [ "$f" = gf-all ] && label="gofix-rt (all transforms)"
    rc=$GF_SEL_RC; [ "$f" = gf-all ] && rc=$GF_ALL_RC
    echo "$label: exit $rc; $(grep -E 'files? scanned' "$WORK/$f.err" | tail -1)"
    { grep -E ': error: ' "$WORK/$f.err" || true; } | head -5 | sed 's/^/    /'
    case "$rc" in 0|1) ;; 2) echo "    (exit 2: per-file errors above; the run still scanned the rest)" ;;
        *) echo "    UNEXPECTED exit code $rc"; sed 's/^/    /' "$WORK/$f.err" | tail -5 ;; esac
done
echo "ast-grep: exit $AG_RC; ${AG_FILES:-?} files scanned"

# ---- report ----------------------------------------------------------------------------------------
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b == "" || b + 0 == 0) print "n/a"; else printf "%.3f", a / b }'; }
verdict() { awk -v r="$1" -v t="$2" 'BEGIN { if (r == "n/a") print ""; else if (r + 0 <= t + 0) print "(meets target <= " t ")"; else print "(MISSES target <= " t ")" }'; }
rss_verdict() { awk -v r="$1" 'BEGIN { if (r == "n/a") print ""; else if (r + 0 <= 150) print "(meets target <= 150 MB)"; else print "(MISSES target <= 150 MB)" }'; }

i=0
T_SEL=""; M_SEL=""; C_SEL=""
if [ -n "$SELECT_CSV" ]; then T_SEL=${MEDIANS[$i]}; M_SEL=${MINS[$i]:-}; C_SEL=${CPUS[$i]:-}; i=$((i + 1)); fi
T_AG=${MEDIANS[$i]}; M_AG=${MINS[$i]:-}; C_AG=${CPUS[$i]:-}; i=$((i + 1))
T_ALL=${MEDIANS[$i]}; M_ALL=${MINS[$i]:-}; C_ALL=${CPUS[$i]:-}; i=$((i + 1))
T_PRE=${MEDIANS[$i]}; M_PRE=${MINS[$i]:-}; C_PRE=${CPUS[$i]:-}
R_SEL=$(ratio "$T_SEL" "$T_AG"); RM_SEL=$(ratio "$M_SEL" "$M_AG"); RC_SEL=$(ratio "$C_SEL" "$C_AG")
R_ALL=$(ratio "$T_ALL" "$T_AG"); RM_ALL=$(ratio "$M_ALL" "$M_AG"); RC_ALL=$(ratio "$C_ALL" "$C_AG")
R_PRE=$(ratio "$T_PRE" "$T_AG"); RM_PRE=$(ratio "$M_PRE" "$M_AG"); RC_PRE=$(ratio "$C_PRE" "$C_AG")

say "summary ($DIR)"
row() { printf '%-34s %10s %10s %10s %12s\n' "$@"; }
num() { [ -n "$1" ] && printf '%.3f' "$1" || printf 'n/a'; }
row "command" "median s" "min s" "CPU s" "peak RSS MB"
if [ -n "$SELECT_CSV" ]; then row "gofix-rt --select $SELECT_CSV" "$(num "$T_SEL")" "$(num "$M_SEL")" "$(num "$C_SEL")" "$GF_SEL_RSS"; fi
row "gofix-rt (all transforms)" "$(num "$T_ALL")" "$(num "$M_ALL")" "$(num "$C_ALL")" "$GF_ALL_RSS"
row "gofix-rt --preview" "$(num "$T_PRE")" "$(num "$M_PRE")" "$(num "$C_PRE")" "-"
row "ast-grep scan (4 rules)" "$(num "$T_AG")" "$(num "$M_AG")" "$(num "$C_AG")" "$AG_RSS"
echo "(median/min: wall-clock seconds over $RUNS runs; CPU: mean user+system seconds per run)"
echo
echo "ratio = gofix-rt time / ast-grep time (target <= 0.25): wall median [wall min] {CPU}"
echo "the verdict uses the wall median; on a loaded machine the min and CPU figures are steadier"
if [ -n "$SELECT_CSV" ]; then
    echo "ratio gofix-rt --select $SELECT_CSV / ast-grep: $R_SEL [$RM_SEL] {$RC_SEL} $(verdict "$R_SEL" 0.25)"
else
    echo "ratio gofix-rt --select (R1,R2,R3a,R3b): n/a - none of them is registered in this build"
fi
echo "ratio gofix-rt (all transforms) / ast-grep:  $R_ALL [$RM_ALL] {$RC_ALL} $(verdict "$R_ALL" 0.25)"
echo "ratio gofix-rt --preview / ast-grep:         $R_PRE [$RM_PRE] {$RC_PRE} (every rule, preview ones included)"
echo "load average now: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?') on $(nproc) cores"
if [ -n "$SELECT_CSV" ]; then echo "gofix-rt peak RSS (--select):         $GF_SEL_RSS MB $(rss_verdict "$GF_SEL_RSS")"; fi
echo "gofix-rt peak RSS (all transforms):   $GF_ALL_RSS MB $(rss_verdict "$GF_ALL_RSS")"
[ -z "$TIME_BIN" ] && echo "(peak RSS not measured: /usr/bin/time -v is not available)"
if [ ${#MISSING[@]} -gt 0 ]; then
    echo "note: ${MISSING[*]} not in this build, so gofix-rt did less rule work than ast-grep's four rules"
fi

echo
printf '%-6s %14s %14s\n' "rule" "gofix-rt" "ast-grep"
for c in $PEER_CODES; do
    if grep -qxF "$c" <<<"$(printf '%s\n' "${SELECTED[@]:-}")"; then g=$(count_of "$WORK/gf-sel.counts" "$c"); else g="(absent)"; fi
    printf '%-6s %14s %14s\n' "$c" "$g" "$(count_of "$WORK/ag.counts" "$c")"
done
others=$(awk -v peer=" $PEER_CODES " 'index(peer, " " $1 " ") == 0 { printf "%s%s=%s", sep, $1, $2; sep = ", " }' "$WORK/gf-all.counts")
echo "gofix-rt (all transforms), other codes: ${others:-none}"
cat <<'EOF'

Note: the finding counts are not expected to agree, and a difference is not a miss by either tool.
ast-grep matches syntax only (the four rules in bench/ast-grep-rules/ are the plain shapes). gofix-rt
applies preconditions (see `gofix-rt explain CODE`); a site they exclude is, depending on the
transform, not reported or reported without a fix. E.g. the qualifier must
resolve to the standard runtime/time import (not shadowed, not a dot import, not a look-alike package);
test code (*_test.go, files importing "testing", Test/Benchmark/Fuzz functions) is left alone by R1,
R3a and R3b; R1 wants `runtime.ReadMemStats(&v)` as a statement on a local MemStats; R2 needs the select and
the for loop in the same function (ast-grep's `inside: for_statement, stopBy: end` also matches through a
func literal); //gofixrt:ignore suppressions and Go-version gates apply. A file gofix-rt cannot parse
(errors above) contributes no findings.
EOF
