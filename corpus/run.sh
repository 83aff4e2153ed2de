#!/usr/bin/env bash
# Real-world corpus check: every fix gofix-rt applies to code nobody on this team wrote must still build.
#
#   bash corpus/run.sh               # the modules of corpus/modules.txt, then the GOROOT sweep
#   bash corpus/run.sh --modules     # only the modules
#   bash corpus/run.sh --goroot      # only the GOROOT sweep
#
# Per module (MODULE VERSION from corpus/modules.txt, fetched through the Go module proxy into GOMODCACHE,
# which is the download cache between runs): copy the module to a writable temporary directory, where it is
# the main module, and require before anything else that `go build ./...` passes (else the module is broken
# here and the run fails: fix modules.txt). Record `go vet ./...`. Then run
#   gofix-rt --write --unsafe-fixes [--verify, when the binary has it] .
# and require:
#   - no "internal error" or panic on stderr, exit code 0, 1 or 2 (2 only for per-file problems);
#   - `go build ./...` passes;
#   - vet is no worse: if vet passed before it passes after; either way every vet diagnostic after the run,
#     as "file name: message" (line, column and directory dropped, since fixes move lines and go's vet cache
#     can replay another run's paths), already appeared before it, as often (a sub-multiset);
#   - a second run, `gofix-rt --dry-run --unsafe-fixes .`, prints no diff.
# It prints the findings per rule before the run, the fixes applied per rule and the findings that remain.
#
# GOROOT sweep: `gofix-rt --dry-run --unsafe-fixes .` in $(go env GOROOT)/src must report no internal error,
# and every file its diff changes, patched in a temporary copy with `git apply`, must parse and be
# gofmt-clean (`gofmt -l`, which also fails on a syntax error).
#
# Each module's .go files (testdata too) must also parse with no ERROR or MISSING node unless gofmt rejects
# them (examples/parse_check.rs; tests/grammar.rs does the same for GOROOT/src in cargo test).
#
# Environment: GOFIXRT (the binary; default target/release/gofix-rt, built if missing),
# CORPUS_BUDGET (seconds for the whole script, default 600; exceeding it fails the run),
# CORPUS_ONLY (a regular expression: check only the modules whose path matches it).
set -euo pipefail
export NO_COLOR=1 GOWORK=off GOTOOLCHAIN=local GOFLAGS=-mod=mod LC_ALL=C

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$(pwd)
DO_MODULES=1
DO_GOROOT=1
case "${1:-}" in
    "") ;;
    --modules) DO_GOROOT=0 ;;
    --goroot) DO_MODULES=0 ;;
    -h|--help) sed -n '2,28p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "corpus/run.sh: unknown argument: $1" >&2; exit 2 ;;
esac
BUDGET=${CORPUS_BUDGET:-600}
START=$SECONDS

command -v go >/dev/null || { echo "corpus/run.sh: needs the go tool" >&2; exit 2; }
command -v git >/dev/null || { echo "corpus/run.sh: needs git (git apply)" >&2; exit 2; }
BIN=${GOFIXRT:-$ROOT/target/release/gofix-rt}
if [ ! -x "$BIN" ]; then
    cargo build --release --quiet
fi
BIN=$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")
# The grammar's parse check (examples/parse_check.rs), built beside the binary; its build time is not
# charged to the budget (after CI's release build it is one small example).
t_build=$SECONDS
cargo build --release --quiet --example parse_check
START=$((START + SECONDS - t_build))
PARSE_CHECK=$ROOT/target/release/examples/parse_check
FIX_ARGS=(--write --unsafe-fixes)
if "$BIN" --help 2>/dev/null | grep -q -- '--verify'; then
    FIX_ARGS+=(--verify)
fi

WORK=$(mktemp -d "${TMPDIR:-/tmp}/gofixrt-corpus.XXXXXX")
trap 'chmod -R u+w "$WORK" 2>/dev/null; rm -rf "$WORK"' EXIT
FAILED=()
CHECKED=0

fail() { # module reason
    echo "  FAIL: $2"
    FAILED+=("$1: $2")
}

# "CODE xN, ..." from finding lines (path:line:col: CODE ...) on stdin.
per_rule() {
    local s
    s=$(awk '$2 ~ /^[A-Z]/ { n[$2]++ } END { for (c in n) print c " x" n[c] }' | sort | paste -sd, - | sed 's/,/, /g')
    echo "${s:-none}"
}

# vet diagnostics as sorted "file: message" lines: no positions, no "# package" headers, and only the file's
# base name, since go replays cached vet output of identical sources with the paths of the run that filled
# the cache (after --verify, its overlay copies: /tmp/gofixrt-verify-*/0/1-x_test.go), so that prefix goes too.
vet_lines() {
    grep -v '^#' "$1" |
        sed -E 's#^(vet: )?([^ :]*/)?([^/ :]+\.go):[0-9]+(:[0-9]+)?: #\2\3: #' |
        sed -E 's#^[^ :]*gofixrt-verify-[^ :]*/[0-9]+-([^/ :]+\.go): #\1: #; s#^([^ :]*/)?([^/ :]+\.go): #\2: #' |
        sort || true
}

check_module() { # module version
    local mod=$1 ver=$2 t0=$SECONDS
    CHECKED=$((CHECKED + 1))
    echo "== $mod@$ver"
    local json dir
    if ! json=$(go mod download -json "$mod@$ver" 2>&1); then
        fail "$mod" "go mod download failed: $(echo "$json" | tr '\n' ' ')"
        return
    fi
    dir=$(printf '%s\n' "$json" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",*$/\1/p')
    [ -d "$dir" ] || { fail "$mod" "no Dir in go mod download output"; return; }
    local w=$WORK/$(echo "$mod" | tr '/' '_')
    cp -r "$dir" "$w"
    chmod -R u+w "$w"
    cd "$w"
    [ -f go.mod ] || printf 'module %s\n' "$mod" >go.mod

    # The grammar: every .go file gofmt accepts parses with no ERROR or MISSING node.
    if ! "$PARSE_CHECK" . >"$w.parse" 2>&1; then
        fail "$mod" "files gofmt accepts that do not parse:"
        sed 's/^/    /' "$w.parse" | head -20
    fi
    echo "  $(tail -1 "$w.parse")"

    if ! go build ./... >"$w.build0" 2>&1; then
        fail "$mod" "does not build before gofix-rt ran (pick another version): $(head -3 "$w.build0" | tr '\n' ' ')"
        cd "$ROOT"
        return
    fi
    local vet0=0 vet1=0
    go vet ./... >"$w.vet0" 2>&1 || vet0=$?

    "$BIN" --unsafe-fixes . >"$w.find" 2>/dev/null || true
    echo "  findings: $(per_rule <"$w.find")"

    local code=0
    "$BIN" "${FIX_ARGS[@]}" . >/dev/null 2>"$w.fix" || code=$?
    local summary
    summary=$(grep -E '^(applied|[0-9]+ remaining)' "$w.fix" | tail -1 || true)
    echo "  gofix-rt ${FIX_ARGS[*]}: exit $code; ${summary:-no summary line}"
    grep ': error: ' "$w.fix" | sed 's/^/    /' || true
    if grep -qiE 'internal error|panicked' "$w.fix"; then
        fail "$mod" "internal error or panic (above)"
    fi
    case $code in 0|1|2) ;; *) fail "$mod" "gofix-rt exit code $code" ;; esac

    if ! go build ./... >"$w.build1" 2>&1; then
        fail "$mod" "go build ./... fails after the fixes:"
        sed 's/^/    /' "$w.build1" | head -20
    fi
    go vet ./... >"$w.vet1" 2>&1 || vet1=$?
    if [ "$vet0" = 0 ] && [ "$vet1" != 0 ]; then
        fail "$mod" "go vet ./... passed before the fixes and fails after:"
        sed 's/^/    /' "$w.vet1" | head -20
    else
        local worse
        worse=$(comm -13 <(vet_lines "$w.vet0") <(vet_lines "$w.vet1"))
        if [ -n "$worse" ]; then
            fail "$mod" "go vet ./... reports what it did not before:"
            echo "$worse" | sed 's/^/    /' | head -20
        fi
        [ "$vet0" = 0 ] || echo "  (go vet failed before the fixes too; checked only that it got no worse)"
    fi

    "$BIN" --dry-run --unsafe-fixes . >"$w.again" 2>"$w.again.err" || true
    if [ -s "$w.again" ]; then
        fail "$mod" "a second run still changes files:"
        head -30 "$w.again" | sed 's/^/    /'
    fi
    if grep -qiE 'internal error|panicked' "$w.again.err"; then
        fail "$mod" "internal error on the second run"
    fi
    echo "  $((SECONDS - t0)) s"
    cd "$ROOT"
}

if [ "$DO_MODULES" = 1 ]; then
    while read -r mod ver _; do
        case "$mod" in ''|'#'*) continue ;; esac
        [[ "$mod" =~ ${CORPUS_ONLY:-.} ]] || continue
        check_module "$mod" "$ver"
    done <"$ROOT/corpus/modules.txt"
fi

if [ "$DO_GOROOT" = 1 ]; then
    t0=$SECONDS
    src="$(go env GOROOT)/src"
    echo "== GOROOT sweep: $src"
    CHECKED=$((CHECKED + 1))
    (cd "$src" && "$BIN" --unsafe-fixes .) >"$WORK/goroot.find" 2>/dev/null || true
    echo "  findings: $(per_rule <"$WORK/goroot.find")"
    code=0
    (cd "$src" && "$BIN" --dry-run --unsafe-fixes .) >"$WORK/goroot.diff" 2>"$WORK/goroot.err" || code=$?
    echo "  gofix-rt --dry-run --unsafe-fixes: exit $code; $(tail -1 "$WORK/goroot.err")"
    grep ': error: ' "$WORK/goroot.err" | sed 's/^/    /' || true
    if grep -qiE 'internal error|panicked' "$WORK/goroot.err"; then
        fail GOROOT "internal error or panic:"
        grep -iE 'internal error|panicked' "$WORK/goroot.err" | sed 's/^/    /'
    fi
    case $code in 0|1|2) ;; *) fail GOROOT "gofix-rt exit code $code" ;; esac
    mapfile -t changed < <(sed -n 's|^diff --git a/\(.*\) b/.*$|\1|p' "$WORK/goroot.diff")
    echo "  ${#changed[@]} files changed in the diff"
    if [ "${#changed[@]}" -gt 0 ]; then
        copy=$WORK/goroot-copy
        mkdir -p "$copy"
        (cd "$src" && cp --parents "${changed[@]}" "$copy/")
        chmod -R u+w "$copy"
        if ! (cd "$copy" && git apply "$WORK/goroot.diff"); then
            fail GOROOT "the diff does not apply with git apply"
        else
            bad=$(cd "$copy" && gofmt -l "${changed[@]}" 2>&1 || true)
            if [ -n "$bad" ]; then
                fail GOROOT "changed files that do not parse or are not gofmt-clean:"
                echo "$bad" | sed 's/^/    /'
            fi
        fi
    fi
    echo "  $((SECONDS - t0)) s"
fi

elapsed=$((SECONDS - START))
echo "== corpus: $elapsed s (budget $BUDGET s)"
if [ "$elapsed" -gt "$BUDGET" ]; then
    FAILED+=("budget: the corpus step took $elapsed s, over its budget of $BUDGET s")
fi
# The closing line counts checked trees (modules and the GOROOT sweep), in the form CI logs read.
failed_trees=$(printf '%s\n' "${FAILED[@]}" | sed -n 's/^\([^:]*\):.*/\1/p' | sort -u | grep -c . || true)
if [ "${#FAILED[@]}" -gt 0 ]; then
    echo "corpus: ${#FAILED[@]} failure(s):"
    printf '  %s\n' "${FAILED[@]}"
    echo "corpus: $((CHECKED - failed_trees)) passed, $failed_trees failed"
    exit 1
fi
echo "corpus: $CHECKED passed, 0 failed"
