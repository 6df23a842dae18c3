#!/bin/sh
# gen-quant.sh rewrites ggml/testdata/quant_*.bin from ggml's own reference quantizers.
#
# It extracts ggml at $COMMIT from a git repository of github.com/ggml-org/ggml
# ($GGML_GIT) into $WORK (outside this repository), compiles src/ggml-quants.c unchanged
# three ways, and runs quant_vectors.c against each:
#
#   check:  -O2 -ffp-contract=off -fsanitize=float-cast-overflow, asserts on: generates
#           the inputs and flags as refused every block during which ggml converts a NaN,
#           an infinity or an out-of-range float to an integer (its result is undefined)
#   ref:    -O2 -ffp-contract=off: the committed bytes (no FMA contraction, as ggml's
#           reference is meant to be); they must equal the check build's
#   native: -O3 -march=native (contraction on): only counted, printed at the end
#
# Usage: GGML_GIT=/path/to/ggml/.git sh ggml/testdata/gen/gen-quant.sh
set -eu

COMMIT=d99724f2
GGML_GIT=${GGML_GIT:-/work/.mirror/ggml-org+ggml/repo}
WORK=${WORK:-/tmp/ggml-q}
CC=${CC:-cc}

here=$(cd "$(dirname "$0")" && pwd)
out=$(cd "$here/.." && pwd) # ggml/testdata

rm -rf "$WORK/ggml" "$WORK/check" "$WORK/ref" "$WORK/native"
mkdir -p "$WORK/ggml" "$WORK/check" "$WORK/ref" "$WORK/native"
git -C "$GGML_GIT" archive "$COMMIT" src include | tar -x -C "$WORK/ggml"
full=$(git -C "$GGML_GIT" rev-parse "$COMMIT^{commit}")

inc="-I$WORK/ggml/src -I$WORK/ggml/include"
gen="$CC -std=gnu11 -O2 -ffp-contract=off $inc -DGGML_COMMIT=\"$COMMIT\""

$CC -std=gnu11 -O2 -ffp-contract=off -fsanitize=float-cast-overflow -fno-builtin-lroundf \
	$inc -c "$WORK/ggml/src/ggml-quants.c" -o "$WORK/quants-check.o"
$CC -std=gnu11 -O2 -ffp-contract=off $inc -c "$WORK/ggml/src/ggml-quants.c" -o "$WORK/quants-ref.o"
$CC -std=gnu11 -O3 -march=native $inc -c "$WORK/ggml/src/ggml-quants.c" -o "$WORK/quants-native.o"

$gen -DQV_CHECK -c "$here/quant_vectors.c" -o "$WORK/qv-check.o"
$gen -c "$here/quant_vectors.c" -o "$WORK/qv.o"
$CC "$WORK/qv-check.o" "$WORK/quants-check.o" -lm -o "$WORK/qv-check"
$CC "$WORK/qv.o" "$WORK/quants-ref.o" -lm -o "$WORK/qv-ref"
$CC "$WORK/qv.o" "$WORK/quants-native.o" -lm -o "$WORK/qv-native"

echo "ggml $full"
"$WORK/qv-check" check "$WORK/check"
"$WORK/qv-ref" write "$WORK/check" "$WORK/ref"
"$WORK/qv-native" write "$WORK/check" "$WORK/native" 2>/dev/null

# The instrumentation must not have changed a byte.
for f in "$WORK/check"/*.bin; do
	cmp "$f" "$WORK/ref/$(basename "$f")"
done

cp "$WORK/ref"/*.bin "$out/"
echo "wrote $(ls "$WORK/ref" | wc -l) files to $out (ggml $full)"
echo "-O3 -march=native (FMA contraction on) against -O2 -ffp-contract=off:"
"$WORK/qv-ref" compare "$WORK/ref" "$WORK/native"
