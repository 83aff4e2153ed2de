#!/usr/bin/env bash
# Seeds the fuzz corpus (fuzz/corpus/pipeline/) with every .go input of the golden cases, one file each.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
out=corpus/pipeline
mkdir -p "$out"
for t in ../golden/*/*.txtar; do
    awk -v out="$out" -v base="$(basename "$(dirname "$t")")-$(basename "$t" .txtar)" '
        /^-- .* --$/ { name = $2; f = ""; if (name ~ /\.go$/ && name !~ /^want\//) { gsub(/\//, "_", name); f = out "/" base "-" name }; next }
        f != "" { print > f }
    ' "$t"
done
ls "$out" | wc -l | xargs echo "fuzz/seed.sh: seeds in $out:"
