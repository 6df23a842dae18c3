// dequant_vectors writes test vectors for ndview's ggml.Dequantize from ggml's own
// dequantize_row_* functions, and ggml's type table.
//
// Built and run by gen.sh, which compiles it with ggml's src/ggml.c and src/ggml-quants.c
// (unchanged, at the commit gen.sh names) and -O2 -ffp-contract=off.
//
// Usage: dequant_vectors <ggml commit> <outdir>
//
// Writes <outdir>/types.txt (ggml_type_name, ggml_blck_size, ggml_type_size for every
// type number below GGML_TYPE_COUNT) and, for every type with a dequantizer, plus Q8_1,
// <outdir>/<TYPE>.raw: a sequence of cases, each
//
//	u8 name length, name, u32 block count n (little-endian),
//	n blocks of ggml_type_size bytes, n·ggml_blck_size float32 (little-endian)
//
// gen.sh compresses each .raw and puts a header line in front of it.
//
// Inputs per block type: blocks from ggml's quantizers (ggml_quantize_chunk, or
// quantize_row_q8_1_ref / quantize_row_q8_K_ref) over random normal floats at several
// magnitudes, with outliers, constant and partly zero rows, zeros and tiny values; zero
// bytes; random bytes; random bytes with special scale values (f16 NaN, ±inf,
// subnormals, ±0, the largest finite; Q8_K's f32 likewise; MXFP4's E8M0 0, 1, 254, 255;
// NVFP4's UE4M3 0x00, 0x7F, 0x80, 0xFF ...) in the scale fields. The imatrix-only types
// (IQ2_XXS, IQ2_XS, IQ1_S) are quantized with a random importance matrix.
//
// Q8_1 has no ggml dequantizer; its expected values are d·q, computed here with ggml's
// GGML_FP16_TO_FP32 (the definition ndview documents).

#include "ggml.h"
#include "ggml-backend.h"
#include "ggml-quants.h"
#include "ggml-impl.h"
#include "ggml-threading.h"

#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

// ggml.c refers to these; nothing here calls them.
void ggml_critical_section_start(void) {}
void ggml_critical_section_end(void) {}
enum ggml_backend_buffer_usage ggml_backend_buffer_get_usage(ggml_backend_buffer_t buffer) { (void) buffer; abort(); }
void ggml_backend_tensor_set(struct ggml_tensor * tensor, const void * data, size_t offset, size_t size) { (void) tensor; (void) data; (void) offset; (void) size; abort(); }
void ggml_backend_tensor_memset(struct ggml_tensor * tensor, uint8_t value, size_t offset, size_t size) { (void) tensor; (void) value; (void) offset; (void) size; abort(); }

// splitmix64: a fixed, portable random stream.
static uint64_t rng_state = 0x6e64766965772121ull;
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

static FILE * out;

static void put_u32(uint32_t v) {
    uint8_t b[4] = {v, v >> 8, v >> 16, v >> 24};
    fwrite(b, 1, 4, out);
}

static void put_f32s(const float * y, int64_t n) {
    for (int64_t i = 0; i < n; i++) {
        uint32_t u;
        memcpy(&u, &y[i], 4);
        put_u32(u);
    }
}

// dequantize_q8_1 is ndview's definition for Q8_1, which ggml does not dequantize.
static void dequantize_q8_1(const block_q8_1 * x, float * y, int64_t k) {
    for (int64_t i = 0; i < k / QK8_1; i++) {
        const float d = GGML_FP16_TO_FP32(x[i].d);
        for (int j = 0; j < QK8_1; j++) {
            y[i * QK8_1 + j] = x[i].qs[j] * d;
        }
    }
}

static void to_float(enum ggml_type t, const void * x, float * y, int64_t k) {
    if (t == GGML_TYPE_Q8_1) {
        dequantize_q8_1(x, y, k);
    } else if (t == GGML_TYPE_Q8_K) {
        dequantize_row_q8_K(x, y, k); // ggml's, though not in its type_traits
    } else {
        ggml_get_type_traits(t)->to_float(x, y, k);
    }
}

static int has_dequantizer(enum ggml_type t) {
    return t == GGML_TYPE_Q8_1 || t == GGML_TYPE_Q8_K ||
           (ggml_blck_size(t) > 0 && ggml_get_type_traits(t)->to_float != NULL);
}

// write_case dequantizes n blocks with ggml and writes the case.
static void write_case(enum ggml_type t, const char * name, const uint8_t * blocks, int64_t n) {
    const int64_t k = n * ggml_blck_size(t);
    float * y = malloc(k * sizeof(float));
    to_float(t, blocks, y, k);
    uint8_t len = (uint8_t) strlen(name);
    fwrite(&len, 1, 1, out);
    fwrite(name, 1, len, out);
    put_u32((uint32_t) n);
    fwrite(blocks, 1, n * ggml_type_size(t), out);
    put_f32s(y, k);
    free(y);
}

// quantize fills n blocks of type t from x (n·blck floats), rows of 8 blocks (fewer for
// a short tail), with ggml's quantizers.
static void quantize(enum ggml_type t, const float * x, uint8_t * blocks, int64_t n) {
    const int64_t bs = ggml_blck_size(t), ts = ggml_type_size(t);
    for (int64_t i = 0; i < n; i += 8) {
        const int64_t nb = n - i < 8 ? n - i : 8;
        const float * xr = x + i * bs;
        uint8_t * yr = blocks + i * ts;
        if (t == GGML_TYPE_Q8_1) {
            quantize_row_q8_1_ref(xr, (block_q8_1 *) yr, nb * bs);
        } else if (t == GGML_TYPE_Q8_K) {
            quantize_row_q8_K_ref(xr, (block_q8_K *) yr, nb * bs);
        } else {
            float * imatrix = NULL;
            if (ggml_quantize_requires_imatrix(t)) {
                imatrix = malloc(nb * bs * sizeof(float));
                for (int64_t j = 0; j < nb * bs; j++) imatrix[j] = (float) (0.05 + 2 * unif());
            }
            ggml_quantize_chunk(t, xr, yr, 0, 1, nb * bs, imatrix);
            free(imatrix);
        }
    }
}

// The kinds of float input the quantizers see.
enum input { NORMAL, OUTLIERS, MIXED, ZEROS, TINY };

static void fill(enum input kind, float * x, int64_t n, int64_t bs) {
    static const float scales[] = {1, 0.02f, 30, 1e-3f, 500, 0.3f};
    for (int64_t b = 0; b < n / bs; b++) {
        float * xb = x + b * bs;
        float s = scales[b % 6];
        int sub = (int) (rnd() % 6);
        for (int64_t j = 0; j < bs; j++) {
            float v = normal();
            switch (kind) {
                case NORMAL: xb[j] = s * v; break;
                case OUTLIERS: xb[j] = (rnd() % 40 == 0) ? v * (float) (50 + 1000 * unif()) : v; break;
                case MIXED:
                    // constant, all positive, all negative, zeros in every other 16, a ramp, sparse
                    switch (sub) {
                        case 0: xb[j] = 0.75f; break;
                        case 1: xb[j] = fabsf(v) + 2; break;
                        case 2: xb[j] = -fabsf(v) * 3; break;
                        case 3: xb[j] = (j / 16) % 2 ? 0 : v; break;
                        case 4: xb[j] = (float) j / (float) bs - 0.5f; break;
                        default: xb[j] = rnd() % 8 == 0 ? v : 0; break;
                    }
                    break;
                case ZEROS: xb[j] = 0; break;
                case TINY: xb[j] = v * (b % 2 ? 1e-5f : 1e-7f); break;
            }
        }
    }
}

static void quantized_case(enum ggml_type t, const char * name, enum input kind, int64_t n) {
    const int64_t bs = ggml_blck_size(t), ts = ggml_type_size(t);
    float * x = malloc(n * bs * sizeof(float));
    uint8_t * blocks = malloc(n * ts);
    fill(kind, x, n * bs, bs);
    quantize(t, x, blocks, n);
    write_case(t, name, blocks, n);
    free(x);
    free(blocks);
}

static void random_bytes(uint8_t * p, size_t n) {
    for (size_t i = 0; i < n; i++) p[i] = (uint8_t) rnd();
}

static void put16(uint8_t * p, uint16_t v) { p[0] = v; p[1] = v >> 8; }

// The f16 scale fields of each type's block (Q8_1's s included), by offset.
static int half_fields(enum ggml_type t, size_t off[2]) {
    switch (t) {
        case GGML_TYPE_Q4_0:    off[0] = offsetof(block_q4_0, d); return 1;
        case GGML_TYPE_Q4_1:    off[0] = offsetof(block_q4_1, d); off[1] = offsetof(block_q4_1, m); return 2;
        case GGML_TYPE_Q5_0:    off[0] = offsetof(block_q5_0, d); return 1;
        case GGML_TYPE_Q5_1:    off[0] = offsetof(block_q5_1, d); off[1] = offsetof(block_q5_1, m); return 2;
        case GGML_TYPE_Q8_0:    off[0] = offsetof(block_q8_0, d); return 1;
        case GGML_TYPE_Q8_1:    off[0] = offsetof(block_q8_1, d); off[1] = offsetof(block_q8_1, s); return 2;
        case GGML_TYPE_Q2_K:    off[0] = offsetof(block_q2_K, d); off[1] = offsetof(block_q2_K, dmin); return 2;
        case GGML_TYPE_Q3_K:    off[0] = offsetof(block_q3_K, d); return 1;
        case GGML_TYPE_Q4_K:    off[0] = offsetof(block_q4_K, d); off[1] = offsetof(block_q4_K, dmin); return 2;
        case GGML_TYPE_Q5_K:    off[0] = offsetof(block_q5_K, d); off[1] = offsetof(block_q5_K, dmin); return 2;
        case GGML_TYPE_Q6_K:    off[0] = offsetof(block_q6_K, d); return 1;
        case GGML_TYPE_IQ2_XXS: off[0] = offsetof(block_iq2_xxs, d); return 1;
        case GGML_TYPE_IQ2_XS:  off[0] = offsetof(block_iq2_xs, d); return 1;
        case GGML_TYPE_IQ2_S:   off[0] = offsetof(block_iq2_s, d); return 1;
        case GGML_TYPE_IQ3_XXS: off[0] = offsetof(block_iq3_xxs, d); return 1;
        case GGML_TYPE_IQ3_S:   off[0] = offsetof(block_iq3_s, d); return 1;
        case GGML_TYPE_IQ1_S:   off[0] = offsetof(block_iq1_s, d); return 1;
        case GGML_TYPE_IQ4_NL:  off[0] = offsetof(block_iq4_nl, d); return 1;
        case GGML_TYPE_IQ4_XS:  off[0] = offsetof(block_iq4_xs, d); return 1;
        case GGML_TYPE_TQ1_0:   off[0] = offsetof(block_tq1_0, d); return 1;
        case GGML_TYPE_TQ2_0:   off[0] = offsetof(block_tq2_0, d); return 1;
        case GGML_TYPE_Q1_0:    off[0] = offsetof(block_q1_0, d); return 1;
        case GGML_TYPE_Q2_0:    off[0] = offsetof(block_q2_0, d); return 1;
        default: return 0;
    }
}

// set_iq1m_scale spreads an f16 over the top nibbles of IQ1_M's four scale words.
static void set_iq1m_scale(uint8_t * block, uint16_t h) {
    uint8_t * sc = block + offsetof(block_iq1_m, scales);
    for (int k = 0; k < 4; k++) {
        sc[2 * k + 1] = (uint8_t) ((sc[2 * k + 1] & 0x0f) | (((h >> (4 * k)) & 0xf) << 4));
    }
}

static const uint16_t special_halves[] = {
    0x7e00, 0xfe00, 0x7c01, 0x7fff, 0x7c00, 0xfc00, // NaNs, ±inf
    0x0001, 0x8001, 0x03ff, 0x0200, 0x0400,         // subnormals, the smallest normal
    0x0000, 0x8000, 0x7bff, 0xfbff, 0x3c00, 0xb800, // ±0, ±max, 1, -0.5
};
#define N_SPECIAL_HALVES (sizeof(special_halves) / sizeof(special_halves[0]))

static const uint32_t special_floats[] = {
    0x7fc00000, 0xffc00000, 0x7f800001, 0x7f800000, 0xff800000, 0x00000001, 0x80000001,
    0x007fffff, 0x00800000, 0x00000000, 0x80000000, 0x7f7fffff, 0xff7fffff, 0x7e967699,
    0x3c010204, 0x3f800000, 0x3ab60b61, 0x0c000000,
};
#define N_SPECIAL_FLOATS (sizeof(special_floats) / sizeof(special_floats[0]))

static const uint8_t special_e8m0[] = {0, 1, 2, 3, 100, 126, 127, 128, 129, 200, 253, 254, 255};
static const uint8_t special_ue4m3[] = {0x00, 0x7f, 0xff, 0x80, 0x01, 0x07, 0x08, 0x77, 0x78, 0x7e, 0xfe, 0x81, 0x38};

static uint16_t random_special_half(void) { return special_halves[rnd() % N_SPECIAL_HALVES]; }

// special_case writes random blocks whose scale fields hold special values: every value
// in every field (the other fields random specials or random bytes), then blocks with
// every field a random special.
static void special_case(enum ggml_type t) {
    const int64_t ts = ggml_type_size(t);
    uint8_t * blocks = malloc(256 * ts);
    int64_t n = 0;
    size_t off[2];
    const int nf = half_fields(t, off);
    if (nf > 0) {
        for (int f = 0; f < nf; f++) {
            for (size_t v = 0; v < N_SPECIAL_HALVES; v++) {
                uint8_t * b = blocks + n++ * ts;
                random_bytes(b, ts);
                if (nf == 2 && rnd() % 2) put16(b + off[1 - f], random_special_half());
                put16(b + off[f], special_halves[v]);
            }
        }
        for (int i = 0; i < 12; i++) {
            uint8_t * b = blocks + n++ * ts;
            random_bytes(b, ts);
            for (int f = 0; f < nf; f++) put16(b + off[f], random_special_half());
        }
    } else if (t == GGML_TYPE_IQ1_M) {
        for (size_t v = 0; v < N_SPECIAL_HALVES; v++) {
            uint8_t * b = blocks + n++ * ts;
            random_bytes(b, ts);
            set_iq1m_scale(b, special_halves[v]);
        }
    } else if (t == GGML_TYPE_Q8_K) {
        for (size_t v = 0; v < N_SPECIAL_FLOATS; v++) {
            uint8_t * b = blocks + n++ * ts;
            random_bytes(b, ts);
            memcpy(b + offsetof(block_q8_K, d), &special_floats[v], 4);
        }
    } else if (t == GGML_TYPE_MXFP4) {
        for (size_t v = 0; v < sizeof(special_e8m0); v++) {
            for (int r = 0; r < 2; r++) {
                uint8_t * b = blocks + n++ * ts;
                random_bytes(b, ts);
                b[offsetof(block_mxfp4, e)] = special_e8m0[v];
            }
        }
    } else if (t == GGML_TYPE_NVFP4) {
        for (size_t v = 0; v < sizeof(special_ue4m3); v++) {
            uint8_t * b = blocks + n++ * ts;
            random_bytes(b, ts);
            memset(b + offsetof(block_nvfp4, d), special_ue4m3[v], 4);
        }
        for (int i = 0; i < 12; i++) {
            uint8_t * b = blocks + n++ * ts;
            random_bytes(b, ts);
            for (int s = 0; s < 4; s++) b[offsetof(block_nvfp4, d) + s] = special_ue4m3[rnd() % sizeof(special_ue4m3)];
        }
    } else if (t == GGML_TYPE_F16 || t == GGML_TYPE_BF16) {
        for (size_t v = 0; v < N_SPECIAL_HALVES; v++) put16(blocks + 2 * n++, special_halves[v]);
        for (size_t v = 0; v < N_SPECIAL_FLOATS; v++) put16(blocks + 2 * n++, (uint16_t) (special_floats[v] >> 16));
    }
    if (n > 0) write_case(t, "special-scales", blocks, n);
    free(blocks);
}

// tiny_scales writes random blocks whose f16 scales are subnormal or the smallest
// normals, so that products fall far down (for Q8_K, f32 scales near the bottom).
static void tiny_scales_case(enum ggml_type t) {
    const int64_t ts = ggml_type_size(t);
    const int64_t n = 16;
    uint8_t * blocks = malloc(n * ts);
    size_t off[2];
    const int nf = half_fields(t, off);
    for (int64_t i = 0; i < n; i++) {
        uint8_t * b = blocks + i * ts;
        random_bytes(b, ts);
        uint16_t h = (uint16_t) (1 + rnd() % 0x500) | (uint16_t) (rnd() % 2 ? 0x8000 : 0);
        for (int f = 0; f < nf; f++) put16(b + off[f], h);
        if (t == GGML_TYPE_IQ1_M) set_iq1m_scale(b, h);
        if (t == GGML_TYPE_Q8_K) {
            uint32_t u = (uint32_t) (1 + rnd() % 0x01000000);
            memcpy(b + offsetof(block_q8_K, d), &u, 4);
        }
        if (t == GGML_TYPE_MXFP4) b[0] = (uint8_t) (rnd() % 8);
        if (t == GGML_TYPE_NVFP4) for (int s = 0; s < 4; s++) b[s] = (uint8_t) (rnd() % 16);
    }
    write_case(t, "tiny-scales", blocks, n);
    free(blocks);
}

static void bytes_case(enum ggml_type t, const char * name, int64_t n, int zero) {
    const int64_t ts = ggml_type_size(t);
    uint8_t * blocks = malloc(n * ts);
    if (zero) memset(blocks, 0, n * ts); else random_bytes(blocks, n * ts);
    write_case(t, name, blocks, n);
    free(blocks);
}

int main(int argc, char ** argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: %s <ggml commit> <outdir>\n", argv[0]);
        return 2;
    }
    const char * commit = argv[1], * dir = argv[2];
    char path[4096];

    snprintf(path, sizeof path, "%s/types.txt", dir);
    FILE * tf = fopen(path, "w");
    if (!tf) { perror(path); return 1; }
    fprintf(tf, "# ggml's type table at ggml-org/ggml %s, written by ggml/testdata/gen/dequant_vectors.c\n", commit);
    fprintf(tf, "# GGML_TYPE_COUNT %d\n", GGML_TYPE_COUNT);
    fprintf(tf, "# number ggml_blck_size ggml_type_size ggml_type_name\n");
    for (int t = 0; t < GGML_TYPE_COUNT; t++) {
        fprintf(tf, "%d %lld %zu %s\n", t, (long long) ggml_blck_size(t), ggml_type_size(t), ggml_type_name(t));
    }
    fclose(tf);

    for (int ti = 0; ti < GGML_TYPE_COUNT; ti++) {
        const enum ggml_type t = (enum ggml_type) ti;
        if (ggml_blck_size(t) == 0 || !has_dequantizer(t)) continue;
        const int64_t bs = ggml_blck_size(t);
        snprintf(path, sizeof path, "%s/%s.raw", dir, ggml_type_name(t));
        out = fopen(path, "wb");
        if (!out) { perror(path); return 1; }
        rng_state = 0x6e64766965772121ull + (uint64_t) ti;
        if (bs == 1) {
            // F16 and BF16: random bits and the special patterns.
            bytes_case(t, "random-bytes", 1024, 0);
            special_case(t);
        } else {
            const int64_t m = bs >= 256 ? 2 : 4; // more of the small blocks
            quantized_case(t, "normal", NORMAL, 24 * m);
            quantized_case(t, "outliers", OUTLIERS, 8 * m);
            quantized_case(t, "mixed", MIXED, 12 * m);
            quantized_case(t, "zero-input", ZEROS, 2);
            quantized_case(t, "tiny-input", TINY, 8);
            bytes_case(t, "zero-bytes", 2, 1);
            bytes_case(t, "random-bytes", 32 * m, 0);
            tiny_scales_case(t);
            special_case(t);
        }
        fclose(out);
    }
    return 0;
}
