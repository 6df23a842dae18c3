#!/bin/sh
# build.sh GGML_GIT_DIR OUT: builds verdict (ggml's GGUF reader and what it needs of ggml:
# src/gguf.cpp, src/ggml.c, src/ggml-quants.c, src/ggml-threading.cpp, and stubs.c for the
# backend functions ggml.c names) from a clone of github.com/ggml-org/ggml at commit
# d99724f2, into the executable OUT, outside the repository. Needs gcc and g++ (no cmake).
#
#   sh gguf/testdata/gen/ggml/build.sh /path/to/ggml/.git /tmp/ggml-verdict
#   (cd gguf/testdata && /tmp/ggml-verdict hostile/*.gguf gguf-py/*.gguf > ggml-verdicts.txt)
set -eu
git_dir=$1
out=$2
here=$(cd "$(dirname "$0")" && pwd)
commit=d99724f2
src=$(mktemp -d)
trap 'rm -rf "$src"' EXIT
git --git-dir="$git_dir" archive "$commit" include src/ggml.c src/ggml-quants.c src/ggml-quants.h \
	src/ggml-common.h src/ggml-impl.h src/gguf.cpp src/ggml-threading.cpp src/ggml-threading.h \
	src/ggml-cpu/ggml-cpu-impl.h | tar -x -C "$src"
cd "$src"
flags="-O1 -Iinclude -Isrc -D_GNU_SOURCE"
gcc $flags -DGGML_VERSION='"0.0.0"' -DGGML_COMMIT="\"$commit\"" -c src/ggml.c -o ggml.o
gcc $flags -c src/ggml-quants.c -o ggml-quants.o
g++ $flags -std=c++17 -c src/ggml-threading.cpp -o ggml-threading.o
g++ $flags -std=c++17 -c src/gguf.cpp -o gguf.o
g++ $flags -std=c++17 -c "$here/verdict.cpp" -o verdict.o
gcc -c "$here/stubs.c" -o stubs.o
g++ verdict.o gguf.o ggml.o ggml-quants.o ggml-threading.o stubs.o -o "$out" -lm -lpthread
