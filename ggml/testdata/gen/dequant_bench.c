// dequant_bench times ggml's own dequantize_row_* (its type_traits to_float, and
// dequantize_row_q8_K) per type, as ndview's BenchmarkDequantize times ggml.Dequantize:
// one thread, a buffer of float32 output (16 MiB unless given), the input 64 blocks made
// by ggml's quantizers from random normal floats, repeated to fill it. Best of 7 runs,
// printed as GB/s of float32 output.
//
// Built by "gen.sh bench" twice: -O2 -fno-tree-vectorize and -O3 -march=native.
//
// Usage: dequant_bench [MiB of output] [type names (ggml's: q4_K, iq2_xxs) ...]
//
// DEQUANT_BENCH_REPS in the environment changes the number of runs (7).

#include "ggml.h"
#include "ggml-backend.h"
#include "ggml-quants.h"
#include "ggml-threading.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

// ggml.c refers to these; nothing here calls them.
void ggml_critical_section_start(void) {}
void ggml_critical_section_end(void) {}
enum ggml_backend_buffer_usage ggml_backend_buffer_get_usage(ggml_backend_buffer_t buffer) { (void) buffer; abort(); }
void ggml_backend_tensor_set(struct ggml_tensor * tensor, const void * data, size_t offset, size_t size) { (void) tensor; (void) data; (void) offset; (void) size; abort(); }
void ggml_backend_tensor_memset(struct ggml_tensor * tensor, uint8_t value, size_t offset, size_t size) { (void) tensor; (void) value; (void) offset; (void) size; abort(); }

static uint64_t rng_state = 0x62656e6368212121ull;
static uint64_t rnd(void) {
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}
static double unif(void) { return (double) (rnd() >> 11) * 0x1p-53; }
static float normal(void) {
    double u = unif(), v = unif();
    if (u < 1e-300) u = 1e-300;
    return (float) (sqrt(-2 * log(u)) * cos(6.283185307179586 * v));
}

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static void to_float(enum ggml_type t, const void * x, float * y, int64_t k) {
    if (t == GGML_TYPE_Q8_K) {
        dequantize_row_q8_K(x, y, k);
    } else {
        ggml_get_type_traits(t)->to_float(x, y, k);
    }
}

static int wanted(const char * name, int argc, char ** argv) {
    if (argc <= 2) return 1;
    for (int i = 2; i < argc; i++) {
        if (strcmp(argv[i], name) == 0) return 1;
    }
    return 0;
}

int main(int argc, char ** argv) {
    const double mib = argc > 1 ? atof(argv[1]) : 16;
    const int64_t total = (int64_t) (mib * 1024 * 1024 / 4);
    const char * reps_env = getenv("DEQUANT_BENCH_REPS");
    const int reps = reps_env ? atoi(reps_env) : 7;
    float * y = malloc(total * sizeof(float));
    for (int ti = 0; ti < GGML_TYPE_COUNT; ti++) {
        const enum ggml_type t = (enum ggml_type) ti;
        const int64_t bs = ggml_blck_size(t), ts = ggml_type_size(t);
        if (bs == 0 || (t != GGML_TYPE_Q8_K && ggml_get_type_traits(t)->to_float == NULL)) continue;
        if (!wanted(ggml_type_name(t), argc, argv)) continue;
        const int64_t n = total / bs; // blocks
        if (n == 0) continue;

        // 64 blocks from ggml's quantizers (F16/BF16: converted), repeated.
        const int64_t nq = 64;
        float * x = malloc(nq * bs * sizeof(float));
        for (int64_t i = 0; i < nq * bs; i++) x[i] = normal();
        uint8_t * q = malloc(nq * ts);
        if (t == GGML_TYPE_Q8_K) {
            quantize_row_q8_K_ref(x, (block_q8_K *) q, nq * bs);
        } else {
            float * imatrix = NULL;
            if (ggml_quantize_requires_imatrix(t)) {
                imatrix = malloc(nq * bs * sizeof(float));
                for (int64_t i = 0; i < nq * bs; i++) imatrix[i] = 1;
            }
            ggml_quantize_chunk(t, x, q, 0, nq, bs, imatrix);
            free(imatrix);
        }
        uint8_t * src = malloc(n * ts);
        for (int64_t i = 0; i < n; i++) memcpy(src + i * ts, q + (i % nq) * ts, ts);

        double best = 1e30;
        for (int r = 0; r < reps; r++) {
            double t0 = now();
            to_float(t, src, y, n * bs);
            double dt = now() - t0;
            if (dt < best) best = dt;
        }
        printf("%-8s %7.2f GB/s\n", ggml_type_name(t), (double) (n * bs) * 4 / best / 1e9);
        fflush(stdout);
        free(x);
        free(q);
        free(src);
    }
    free(y);
    return 0;
}
