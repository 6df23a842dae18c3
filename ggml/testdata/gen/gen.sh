#!/bin/sh
# gen.sh writes ggml/testdata's dequantization vectors and type table, and ggml/iqtables.go,
# from ggml's own C code at the commit below; "gen.sh bench" builds the C timing harness.
#
#   GGML_REPO=/path/to/ggml.git ggml/testdata/gen/gen.sh          # vectors and tables
#   GGML_REPO=/path/to/ggml.git ggml/testdata/gen/gen.sh bench    # build dequant_bench twice
#
# GGML_REPO is a clone of https://github.com/ggml-org/ggml holding the commit (bare is fine);
# without it gen.sh clones one into the build directory. ggml's src/ and include/ are
# extracted with git archive into $GGML_SRC, outside this repository; ggml.c and
# ggml-quants.c are compiled unchanged, with -O2 -ffp-contract=off for the vectors.
# Needs git, tar, gzip, a C compiler (cc), and go.
set -eu

GGML_COMMIT=d99724f2b141fed9e1a9f402213506c081433465
BUILD=${BUILD:-/tmp/ndview-ggml-gen}
GGML_SRC=${GGML_SRC:-$BUILD/ggml-src}
CC=${CC:-cc}

gen=$(cd "$(dirname "$0")" && pwd)
testdata=$(dirname "$gen")
pkg=$(dirname "$testdata")

case "$GGML_SRC" in "$pkg"/*|"$(dirname "$pkg")"/*)
	echo "gen.sh: GGML_SRC must be outside the repository" >&2; exit 1;;
esac

mkdir -p "$BUILD"
if [ -z "${GGML_REPO:-}" ]; then
	GGML_REPO=$BUILD/ggml.git
	[ -d "$GGML_REPO" ] || git clone --bare https://github.com/ggml-org/ggml "$GGML_REPO"
fi
rm -rf "$GGML_SRC"
mkdir -p "$GGML_SRC"
git -C "$GGML_REPO" archive "$GGML_COMMIT" src include | tar -x -C "$GGML_SRC"

# ggml.c wants its version strings; ggml's CMake passes them.
defs="-DGGML_VERSION=\"$GGML_COMMIT\" -DGGML_COMMIT=\"$GGML_COMMIT\""
incs="-I$GGML_SRC/include -I$GGML_SRC/src"
ggml_c="$GGML_SRC/src/ggml.c $GGML_SRC/src/ggml-quants.c"

if [ "${1:-}" = bench ]; then
	# shellcheck disable=SC2086
	$CC -std=gnu11 -O2 -fno-tree-vectorize $defs $incs -o "$BUILD/dequant_bench_O2" "$gen/dequant_bench.c" $ggml_c -lm
	# shellcheck disable=SC2086
	$CC -std=gnu11 -O3 -march=native $defs $incs -o "$BUILD/dequant_bench_O3native" "$gen/dequant_bench.c" $ggml_c -lm
	echo "built $BUILD/dequant_bench_O2 (-O2 -fno-tree-vectorize) and $BUILD/dequant_bench_O3native (-O3 -march=native)"
	echo "run: $BUILD/dequant_bench_O2 [MiB of float32 output, default 16] [type names...]"
	exit 0
fi

# shellcheck disable=SC2086
$CC -std=gnu11 -O2 -ffp-contract=off $defs $incs -o "$BUILD/dequant_vectors" "$gen/dequant_vectors.c" $ggml_c -lm
raw=$BUILD/raw
rm -rf "$raw"
mkdir -p "$raw"
"$BUILD/dequant_vectors" "$GGML_COMMIT" "$raw"

cp "$raw/types.txt" "$testdata/ggml_types.txt"
rm -rf "$testdata/dequant"
mkdir -p "$testdata/dequant"
for f in "$raw"/*.raw; do
	name=$(basename "$f" .raw | tr a-z A-Z)
	# An ASCII header line, then the cases gzip-compressed.
	{
		printf 'ndview ggml dequant vectors v1 ggml-org/ggml %s %s gzip\n' "$GGML_COMMIT" "$name"
		gzip -9n <"$f"
	} >"$testdata/dequant/$name.vec"
done

(cd "$pkg" && go run ./internal/gentables -header "$GGML_SRC/src/ggml-common.h" -commit "$GGML_COMMIT" -o iqtables.go)
du -sh "$testdata/dequant"
