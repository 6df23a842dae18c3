// quant_vectors writes the vectors ggml/quantize_test.go checks Quantize against: inputs,
// and for each type the bytes ggml's own reference quantizer (quantize_row_*_ref in
// src/ggml-quants.c, compiled unchanged) writes for them, or a flag saying that ggml's
// result is undefined for that block. gen-quant.sh builds and runs it; see there.
//
// Modes:
//
//	quant_vectors check DIR         generate the inputs into DIR and quantize every block
//	                                with the instrumented build (-fsanitize=float-cast-overflow
//	                                and asserts on, their handlers below): a block during
//	                                which ggml converts a NaN, an infinity or an out-of-range
//	                                float to an integer (a C cast, lroundf, or nearest_int's
//	                                assert |v| <= 4194303) is flagged refused
//	quant_vectors write DIR OUT     read DIR's inputs and refusal flags, quantize the
//	                                accepted blocks with this build, write OUT's files
//	quant_vectors compare A B       count the blocks whose bytes differ between A and B
//
// Files (little-endian; each starts with an ASCII header line):
//
//	quant_inputs_32.bin, quant_inputs_256.bin:
//	  "ndview ggml quant inputs v1 ggml <commit> block=<n> blocks=<count>\n"
//	  "categories <name> <name> ...\n"
//	  count × (uint8 category index, n × float32)
//	quant_<TYPE>.bin:
//	  "ndview ggml quant vectors v1 ggml <commit> <TYPE> block=<n> bytes=<b> blocks=<count>\n"
//	  count × (uint8 flag, b bytes): flag 0: ggml's bytes; flag 1: refused, ggml's result
//	  is undefined for this input (the bytes are zero). The blocks are those of
//	  quant_inputs_<n>.bin, and for n = 32 then those of quant_inputs_256.bin cut in eight.
//	quant_plain.bin:
//	  "ndview ggml quant vectors v1 ggml <commit> F16 BF16 values=<count>\n"
//	  count × (float32, uint16 ggml_compute_fp32_to_fp16, uint16 ggml_compute_fp32_to_bf16)
#include <float.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ggml-impl.h" // ggml_compute_fp32_to_fp16, ggml_compute_fp32_to_bf16

#ifndef GGML_COMMIT
#error "define GGML_COMMIT"
#endif

// ggml's reference quantizers (ggml-quants.h declares them with the block types).
typedef void (*quantize_fn)(const float *x, void *y, int64_t k);
void quantize_row_q4_0_ref(const float *x, void *y, int64_t k);
void quantize_row_q4_1_ref(const float *x, void *y, int64_t k);
void quantize_row_q5_0_ref(const float *x, void *y, int64_t k);
void quantize_row_q5_1_ref(const float *x, void *y, int64_t k);
void quantize_row_q8_0_ref(const float *x, void *y, int64_t k);
void quantize_row_mxfp4_ref(const float *x, void *y, int64_t k);
void quantize_row_q2_K_ref(const float *x, void *y, int64_t k);
void quantize_row_q3_K_ref(const float *x, void *y, int64_t k);
void quantize_row_q4_K_ref(const float *x, void *y, int64_t k);
void quantize_row_q5_K_ref(const float *x, void *y, int64_t k);
void quantize_row_q6_K_ref(const float *x, void *y, int64_t k);
void quantize_row_iq4_xs_ref(const float *x, void *y, int64_t k);
void quantize_row_tq1_0_ref(const float *x, void *y, int64_t k);
void quantize_row_tq2_0_ref(const float *x, void *y, int64_t k);

static const struct qtype {
	const char *name;
	int block, bytes;
	quantize_fn fn;
} qtypes[] = {
	{"Q4_0", 32, 18, quantize_row_q4_0_ref},
	{"Q4_1", 32, 20, quantize_row_q4_1_ref},
	{"Q5_0", 32, 22, quantize_row_q5_0_ref},
	{"Q5_1", 32, 24, quantize_row_q5_1_ref},
	{"Q8_0", 32, 34, quantize_row_q8_0_ref},
	{"Q2_K", 256, 84, quantize_row_q2_K_ref},
	{"Q3_K", 256, 110, quantize_row_q3_K_ref},
	{"Q4_K", 256, 144, quantize_row_q4_K_ref},
	{"Q5_K", 256, 176, quantize_row_q5_K_ref},
	{"Q6_K", 256, 210, quantize_row_q6_K_ref},
	{"IQ4_XS", 256, 136, quantize_row_iq4_xs_ref},
	{"TQ1_0", 256, 54, quantize_row_tq1_0_ref},
	{"TQ2_0", 256, 66, quantize_row_tq2_0_ref},
	{"MXFP4", 32, 17, quantize_row_mxfp4_ref},
};
#define NTYPES (int)(sizeof qtypes / sizeof qtypes[0])

// What the linker needs from the rest of ggml; none of it is reached by the reference
// quantizers above.
void ggml_abort(const char *file, int line, const char *fmt, ...) {
	fprintf(stderr, "ggml_abort at %s:%d\n", file, line);
	abort();
}
size_t ggml_row_size(enum ggml_type type, int64_t ne) { abort(); }
const char *ggml_type_name(enum ggml_type type) { abort(); }
size_t ggml_type_size(enum ggml_type type) { abort(); }

// The refusal handlers: in the check build, every undefined float-to-integer conversion
// ggml-quants.c makes lands here and abandons the block.
static jmp_buf refuse_jmp;
static int refusing; // 1 while a block is being quantized in check mode

#ifdef QV_CHECK
__attribute__((noreturn)) static void refuse(void) {
	if (!refusing) {
		fprintf(stderr, "undefined conversion outside a block\n");
		abort();
	}
	longjmp(refuse_jmp, 1);
}
// -fsanitize=float-cast-overflow: a float converted to an integer type that cannot hold it.
void __ubsan_handle_float_cast_overflow(void *data, void *from) { refuse(); }
void __ubsan_handle_float_cast_overflow_abort(void *data, void *from) { refuse(); }
// assert(): nearest_int's assert(fabsf(fval) <= 4194303.f).
void __assert_fail(const char *expr, const char *file, unsigned line, const char *fn) { refuse(); }
// lroundf: C leaves the result unspecified for NaN, infinities and values past a long.
long lroundf(float v) {
	if (!(v >= -0x1p63f && v < 0x1p63f)) {
		refuse();
	}
	return (long)roundf(v);
}
#endif

// ---- inputs

static uint64_t rng_state = 0x6e64766965772d71ull;

static uint64_t rnd(void) { // splitmix64
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}
static double unif(void) { return (double)(rnd() >> 11) * 0x1p-53; }
static int irange(int lo, int hi) { return lo + (int)(rnd() % (uint64_t)(hi - lo + 1)); }
static double gauss(void) {
	double u = unif(), v = unif();
	return sqrt(-2 * log(1 - u)) * cos(2 * M_PI * v);
}
static float bitsf(uint32_t b) {
	float f;
	memcpy(&f, &b, 4);
	return f;
}
static uint32_t fbits(float f) {
	uint32_t b;
	memcpy(&b, &f, 4);
	return b;
}

// scale_to sets the largest magnitude of x[0..n) to m (keeping signs and ratios).
static void scale_to(float *x, int n, double m) {
	double amax = 0;
	for (int i = 0; i < n; i++) {
		amax = fmax(amax, fabs((double)x[i]));
	}
	if (amax == 0) {
		return;
	}
	for (int i = 0; i < n; i++) {
		x[i] = (float)((double)x[i] / amax * m);
	}
}

static void fill_gauss(float *x, int n, double sigma) {
	for (int i = 0; i < n; i++) {
		x[i] = (float)(gauss() * sigma);
	}
}

// The tie grids: nmax values for which the quantizers' first reciprocal scale is 1 when
// the block's extreme element is ±nmax, so that values k + 0.5 round exactly halfway.
static const int tie_nmax[] = {3, 4, 8, 15, 16, 31, 32, 127};

// MXFP4: floor(log2f(amax)) rounds up to E+1 for the top values of binade E; these are the
// binades whose boundary the vectors probe.
static const int mx_binades[] = {-149, -140, -128, -127, -126, -125, -124, -123, -100, -30,
	-3, -2, -1, 0, 1, 2, 3, 4, 7, 20, 64, 100, 125, 126, 127};
#define N_MX_BINADES (int)(sizeof mx_binades / sizeof mx_binades[0])

// mx_threshold is the smallest float of binade E whose floorf(log2f(.)) is E+1 (+inf if
// none).
static float mx_threshold(int E) {
	float top = ldexpf(1.0f, E + 1), x = nextafterf(top, 0), t = INFINITY;
	while (floorf(log2f(x)) == (float)(E + 1)) {
		t = x;
		x = nextafterf(x, 0);
	}
	return t;
}

struct category {
	const char *name;
	int count32, count256; // blocks of each input size
};

// The categories, in the order the inputs files hold them.
static const struct category categories[] = {
	{"normal", 48, 24},          // N(0, 1)
	{"normal-scaled", 48, 24},   // N(0, σ), σ = 10^U(-6, 6)
	{"positive", 12, 8},         // U(0, s): positive only
	{"negative", 12, 8},         // U(-s, 0): negative only
	{"outliers", 24, 16},        // N(0, 1) with one to four elements 10^U(1, 4) times larger
	{"zero", 2, 2},              // all +0
	{"negative-zero", 1, 1},     // all -0
	{"constant", 12, 8},         // one value repeated
	{"one-nonzero", 8, 6},       // a single nonzero element
	{"sparse", 12, 8},           // 90% zeros
	{"group-scales", 12, 12},    // each group of 16 with its own σ = 10^U(-8, 4)
	{"tiny", 24, 16},            // largest magnitude 1e-30 down to 1e-44: scales overflow
	{"q8-tiny-edge", 12, 0},     // Q8_0's largest magnitude around 3.7e-37, where 1/d overflows
	{"subnormal", 6, 4},         // every value a subnormal
	{"subnormal-mix", 6, 4},     // subnormals beside small normals
	{"eps-edge", 6, 4},          // largest magnitude around GROUP_MAX_EPS (1e-15)
	{"large", 16, 14},           // N(0, σ), σ up to 1e38: legal, then overflowing
	{"huge", 4, 4},              // values near ±FLT_MAX
	{"nan", 8, 6},               // N(0, 1) with one to three NaNs
	{"nan-in-zero-group", 3, 3}, // zeros and one NaN
	{"inf", 8, 6},               // N(0, 1) with ±Inf
	{"half-grid", 40, 24},       // k/2 with the extreme element ±nmax: exact .5 ties
	{"int-grid", 12, 8},         // integers in [-nmax, nmax]
	{"ramp", 6, 4},              // evenly spaced values
	{"random-bits", 12, 6},      // random finite bit patterns
	{"fp16-edge", 12, 6},        // scales at fp16's overflow and subnormal edges
	{"mxfp4-edge", 4 * N_MX_BINADES, 0}, // largest magnitude at MXFP4's exponent edges
	{"mxfp4-ties", 8, 0},        // values halfway between E2M1 points
};
#define NCATS (int)(sizeof categories / sizeof categories[0])

static void gen_block(const char *cat, int idx, float *x, int n) {
	if (!strcmp(cat, "normal")) {
		fill_gauss(x, n, 1);
	} else if (!strcmp(cat, "normal-scaled")) {
		fill_gauss(x, n, pow(10, unif() * 12 - 6));
	} else if (!strcmp(cat, "positive") || !strcmp(cat, "negative")) {
		double s = pow(10, unif() * 6 - 3) * (cat[0] == 'n' ? -1 : 1);
		for (int i = 0; i < n; i++) {
			x[i] = (float)(unif() * s);
		}
	} else if (!strcmp(cat, "outliers")) {
		fill_gauss(x, n, 1);
		for (int k = irange(1, 4); k > 0; k--) {
			x[irange(0, n - 1)] = (float)(gauss() * pow(10, 1 + 3 * unif()));
		}
	} else if (!strcmp(cat, "zero")) {
		memset(x, 0, n * sizeof *x);
	} else if (!strcmp(cat, "negative-zero")) {
		for (int i = 0; i < n; i++) {
			x[i] = -0.0f;
		}
	} else if (!strcmp(cat, "constant")) {
		static const float c[] = {1, -1, 0.37f, -2.5e-3f, 1e-20f, 3e5f, 7, -7, 0.5f, -15, 1e-10f, 65504};
		for (int i = 0; i < n; i++) {
			x[i] = c[idx % 12];
		}
	} else if (!strcmp(cat, "one-nonzero")) {
		memset(x, 0, n * sizeof *x);
		x[idx % 2 ? irange(0, n - 1) : 0] = (float)(gauss() * pow(10, unif() * 4 - 2));
	} else if (!strcmp(cat, "sparse")) {
		for (int i = 0; i < n; i++) {
			x[i] = unif() < 0.9 ? 0 : (float)gauss();
		}
	} else if (!strcmp(cat, "group-scales")) {
		for (int g = 0; g < n; g += 16) {
			fill_gauss(x + g, 16, pow(10, unif() * 12 - 8));
		}
	} else if (!strcmp(cat, "tiny")) {
		static const double m[] = {1e-30, 1e-35, 1e-36, 5e-37, 4e-37, 2e-37, 1e-37, 3e-38,
			1.2e-38, 1e-39, 1e-41, 1e-44, 1e-20, 1e-25, 3e-37, 6e-38, 2e-38, 8e-39, 5e-40, 1e-42,
			2e-45, 1e-33, 1e-34, 1e-38};
		fill_gauss(x, n, 1);
		scale_to(x, n, m[idx % 24]);
	} else if (!strcmp(cat, "q8-tiny-edge")) {
		// d = amax/127 and id = 1/d: id overflows when d < 2^-128 (amax ≈ 3.73e-37).
		static const double m[] = {3.80e-37, 3.75e-37, 3.735e-37, 3.732e-37, 3.7317e-37,
			3.7316e-37, 3.731e-37, 3.73e-37, 3.72e-37, 3.7e-37, 3.6e-37, 1.5e-36};
		fill_gauss(x, n, 1);
		scale_to(x, n, m[idx % 12]);
	} else if (!strcmp(cat, "subnormal")) {
		for (int i = 0; i < n; i++) {
			x[i] = bitsf((uint32_t)irange(1, 0x7fffff) | (rnd() & 1) << 31);
		}
	} else if (!strcmp(cat, "subnormal-mix")) {
		for (int i = 0; i < n; i++) {
			x[i] = i % 2 ? bitsf((uint32_t)irange(1, 0x7fffff) | (rnd() & 1) << 31)
			             : (float)(gauss() * 1e-37);
		}
	} else if (!strcmp(cat, "eps-edge")) {
		static const double m[] = {0.999e-15, 1.0001e-15, 1e-15, 1.1e-15, 0.9e-15, 2e-15};
		fill_gauss(x, n, 1);
		scale_to(x, n, m[idx % 6]);
	} else if (!strcmp(cat, "large")) {
		static const double m[] = {1e4, 1e6, 4e6, 1e9, 1e12, 1e15, 1e18, 1e19, 1e20, 1e25,
			1e30, 1e37, 1e38, 3e38, 5e5, 2e7};
		fill_gauss(x, n, 1);
		scale_to(x, n, m[idx % 16]);
	} else if (!strcmp(cat, "huge")) {
		for (int i = 0; i < n; i++) {
			x[i] = (float)((1 - unif() * 1e-3) * FLT_MAX * (rnd() & 1 ? 1 : -1));
		}
	} else if (!strcmp(cat, "nan")) {
		fill_gauss(x, n, 1);
		x[idx % 2 ? irange(0, n - 1) : 0] = NAN;
		for (int k = irange(0, 2); k > 0; k--) {
			x[irange(0, n - 1)] = bitsf(0x7f800000u | (uint32_t)irange(1, 0x7fffff) | (rnd() & 1) << 31);
		}
	} else if (!strcmp(cat, "nan-in-zero-group")) {
		memset(x, 0, n * sizeof *x);
		x[idx == 0 ? 0 : idx == 1 ? 5 : n - 1] = NAN;
	} else if (!strcmp(cat, "inf")) {
		fill_gauss(x, n, 1);
		x[irange(0, n - 1)] = idx % 2 ? INFINITY : -INFINITY;
		if (idx % 4 == 3) {
			x[irange(0, n - 1)] = -x[0] / 0.0f;
		}
	} else if (!strcmp(cat, "half-grid")) {
		int nmax = tie_nmax[idx % 8];
		for (int i = 0; i < n; i++) {
			x[i] = (float)irange(-2 * nmax, 2 * nmax) / 2;
		}
		// The extreme element: ±nmax, placed first or at random, negative or positive.
		x[idx % 3 ? irange(0, n - 1) : 0] = (float)((idx / 8) % 2 ? nmax : -nmax);
		if (idx % 5 == 4) {
			for (int i = 0; i < n; i++) { // a power-of-two scale keeps the ties exact
				x[i] = ldexpf(x[i], irange(-20, 20));
			}
		}
	} else if (!strcmp(cat, "int-grid")) {
		int nmax = tie_nmax[idx % 8];
		for (int i = 0; i < n; i++) {
			x[i] = (float)irange(-nmax, nmax);
		}
	} else if (!strcmp(cat, "ramp")) {
		double a = gauss() * 10, b = gauss() * 10;
		for (int i = 0; i < n; i++) {
			x[i] = (float)(a + (b - a) * i / (n - 1));
		}
	} else if (!strcmp(cat, "random-bits")) {
		for (int i = 0; i < n; i++) {
			uint32_t b;
			do {
				b = (uint32_t)rnd();
			} while ((b & 0x7f800000u) == 0x7f800000u);
			x[i] = bitsf(b);
		}
	} else if (!strcmp(cat, "fp16-edge")) {
		// Largest magnitudes putting d = amax/127 (Q8_0), amax/8 (Q4_0) and the K-quants'
		// super-block scales at fp16's largest finite value and in its subnormals.
		static const double m[] = {65504.0 * 127, 65520.0 * 127, 65504.0 * 8, 65520.0 * 8,
			6e-8 * 127, 3e-8 * 127, 1e-9, 1e-7, 65504.0 * 15 * 3, 65504.0 * 63, 2e-6, 1e6};
		fill_gauss(x, n, 1);
		scale_to(x, n, m[idx % 12]);
	} else if (!strcmp(cat, "mxfp4-edge")) {
		int E = mx_binades[(idx / 4) % N_MX_BINADES];
		float t = mx_threshold(E), m;
		switch (idx % 4) {
		case 0:
			m = t;
			break;
		case 1:
			m = nextafterf(t, 0);
			break;
		case 2:
			m = ldexpf(1.0f, E);
			break;
		default:
			m = nextafterf(ldexpf(1.0f, E), 0);
			break;
		}
		if (isinf(m)) {
			m = nextafterf(ldexpf(1.0f, E + 1), 0);
		}
		for (int i = 0; i < n; i++) {
			x[i] = (float)(unif() * 2 - 1) * m;
		}
		x[irange(0, n - 1)] = rnd() & 1 ? m : -m;
	} else if (!strcmp(cat, "mxfp4-ties")) {
		// amax = 6·2^s gives d = 2^(s-1); halfway points between doubled E2M1 values.
		static const float mid[] = {0.25f, 0.75f, 1.25f, 1.75f, 2.5f, 3.5f, 5};
		int s = irange(-10, 10);
		for (int i = 0; i < n; i++) {
			x[i] = ldexpf(mid[irange(0, 6)] * (rnd() & 1 ? 1 : -1), s);
		}
		x[irange(0, n - 1)] = ldexpf(6, s);
	} else {
		fprintf(stderr, "unknown category %s\n", cat);
		exit(1);
	}
}

// ---- files

static FILE *create(const char *dir, const char *name) {
	char path[4096];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	FILE *f = fopen(path, "wb");
	if (!f) {
		perror(path);
		exit(1);
	}
	return f;
}

static FILE *open_read(const char *dir, const char *name) {
	char path[4096];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	FILE *f = fopen(path, "rb");
	if (!f) {
		perror(path);
		exit(1);
	}
	return f;
}

static void skip_line(FILE *f) {
	int c;
	while ((c = fgetc(f)) != '\n') {
		if (c == EOF) {
			fprintf(stderr, "truncated header\n");
			exit(1);
		}
	}
}

static void must_read(void *p, size_t n, FILE *f) {
	if (fread(p, 1, n, f) != n) {
		fprintf(stderr, "short read\n");
		exit(1);
	}
}

struct inputs {
	int n, count;
	float *x; // count × n
};

static struct inputs in32, in256;

static void generate_inputs(void) {
	struct inputs *ins[2] = {&in32, &in256};
	for (int s = 0; s < 2; s++) {
		struct inputs *in = ins[s];
		in->n = s ? 256 : 32;
		in->count = 0;
		for (int c = 0; c < NCATS; c++) {
			in->count += s ? categories[c].count256 : categories[c].count32;
		}
		in->x = calloc((size_t)in->count * in->n, sizeof(float));
	}
}

static void write_inputs(const char *dir) {
	struct inputs *ins[2] = {&in32, &in256};
	for (int s = 0; s < 2; s++) {
		struct inputs *in = ins[s];
		char name[64];
		snprintf(name, sizeof name, "quant_inputs_%d.bin", in->n);
		FILE *f = create(dir, name);
		fprintf(f, "ndview ggml quant inputs v1 ggml %s block=%d blocks=%d\n", GGML_COMMIT, in->n, in->count);
		fprintf(f, "categories");
		for (int c = 0; c < NCATS; c++) {
			fprintf(f, " %s", categories[c].name);
		}
		fprintf(f, "\n");
		int b = 0;
		for (int c = 0; c < NCATS; c++) {
			int count = s ? categories[c].count256 : categories[c].count32;
			for (int k = 0; k < count; k++, b++) {
				if (fwrite(&(uint8_t){(uint8_t)c}, 1, 1, f) != 1 ||
				    fwrite(in->x + (size_t)b * in->n, sizeof(float), in->n, f) != (size_t)in->n) {
					perror(name);
					exit(1);
				}
			}
		}
		fclose(f);
	}
}

static void make_inputs(void) {
	generate_inputs();
	struct inputs *ins[2] = {&in32, &in256};
	for (int s = 0; s < 2; s++) {
		struct inputs *in = ins[s];
		int b = 0;
		for (int c = 0; c < NCATS; c++) {
			int count = s ? categories[c].count256 : categories[c].count32;
			for (int k = 0; k < count; k++, b++) {
				gen_block(categories[c].name, k, in->x + (size_t)b * in->n, in->n);
			}
		}
	}
}

static void read_inputs(const char *dir) {
	generate_inputs(); // sizes only; the values come from the files
	struct inputs *ins[2] = {&in32, &in256};
	for (int s = 0; s < 2; s++) {
		struct inputs *in = ins[s];
		char name[64];
		snprintf(name, sizeof name, "quant_inputs_%d.bin", in->n);
		FILE *f = open_read(dir, name);
		skip_line(f);
		skip_line(f);
		for (int b = 0; b < in->count; b++) {
			uint8_t c;
			must_read(&c, 1, f);
			must_read(in->x + (size_t)b * in->n, sizeof(float) * in->n, f);
		}
		fclose(f);
	}
}

// blocks gives the number of blocks of type t and block i's input.
static int blocks(const struct qtype *t) {
	return t->block == 32 ? in32.count + in256.count * 8 : in256.count;
}
static const float *block_input(const struct qtype *t, int i) {
	if (t->block == 256) {
		return in256.x + (size_t)i * 256;
	}
	if (i < in32.count) {
		return in32.x + (size_t)i * 32;
	}
	return in256.x + (size_t)(i - in32.count) * 32;
}

// quantize_block runs ggml's quantizer on block i; it reports 0 if the check build
// refused it.
static int quantize_block(const struct qtype *t, int i, uint8_t *out) {
	memset(out, 0, t->bytes);
	if (setjmp(refuse_jmp)) {
		refusing = 0;
		memset(out, 0, t->bytes);
		return 0;
	}
	refusing = 1;
	t->fn(block_input(t, i), out, t->block);
	refusing = 0;
	return 1;
}

// write_type writes quant_<T>.bin; flags is NULL in check mode (decide here) or the check
// build's verdicts.
static void write_type(const char *dir, const struct qtype *t, const uint8_t *flags, uint8_t *verdicts) {
	char name[64];
	snprintf(name, sizeof name, "quant_%s.bin", t->name);
	FILE *f = create(dir, name);
	int n = blocks(t);
	fprintf(f, "ndview ggml quant vectors v1 ggml %s %s block=%d bytes=%d blocks=%d\n", GGML_COMMIT, t->name, t->block, t->bytes, n);
	uint8_t out[512];
	int refused = 0;
	for (int i = 0; i < n; i++) {
		uint8_t flag;
		if (flags) {
			flag = flags[i];
			memset(out, 0, t->bytes);
			if (!flag) {
				t->fn(block_input(t, i), out, t->block);
			}
		} else {
			flag = !quantize_block(t, i, out);
		}
		if (verdicts) {
			verdicts[i] = flag;
		}
		refused += flag;
		if (fwrite(&flag, 1, 1, f) != 1 || fwrite(out, 1, t->bytes, f) != (size_t)t->bytes) {
			perror(name);
			exit(1);
		}
	}
	fclose(f);
	fprintf(stderr, "%-6s %5d blocks, %4d refused\n", t->name, n, refused);
}

// read_flags reads the refusal flags of quant_<T>.bin in dir.
static uint8_t *read_flags(const char *dir, const struct qtype *t) {
	char name[64];
	snprintf(name, sizeof name, "quant_%s.bin", t->name);
	FILE *f = open_read(dir, name);
	skip_line(f);
	int n = blocks(t);
	uint8_t *flags = malloc(n), buf[512];
	for (int i = 0; i < n; i++) {
		must_read(&flags[i], 1, f);
		must_read(buf, t->bytes, f);
	}
	fclose(f);
	return flags;
}

// ---- F16 and BF16

static void write_plain(const char *dir) {
	float v[20000];
	int n = 0;
	rng_state = 0x6e64766965772d66ull; // its own stream, the same in every mode
	static const uint32_t special[] = {
		0x00000000, 0x80000000, 0x7f800000, 0xff800000, 0x7fc00000, 0xffc00000, 0x7f800001,
		0xff800001, 0x7fa00000, 0x7fffffff, 0xffffffff, 0x7fbfffff, 0x7f7fffff, 0xff7fffff,
		0x00000001, 0x80000001, 0x007fffff, 0x00800000, 0x3f800000, 0xbf800000,
		0x477fe000, // 65504
		0x477fefff, // just below 65520: rounds to 65504
		0x477ff000, // 65520: ties to even, overflows to +Inf
		0x33800000, // 2^-24, the smallest fp16 subnormal
		0x33000000, // 2^-25: ties to even, to 0
		0x33000001, // just above 2^-25: to 2^-24
		0x33c00000, // 1.5·2^-24: ties to even, to 2^-23
		0x38800000, // 2^-14, the smallest fp16 normal
		0x387fc000, // the largest fp16 subnormal
		0x7f7f8000, // bf16 tie at the top: to +Inf
		0x3f808000, // 1 + 2^-8: bf16 tie to even, to 1
		0x3f818000, // 1 + 3·2^-8: bf16 tie to even, up
	};
	for (size_t i = 0; i < sizeof special / sizeof special[0]; i++) {
		v[n++] = bitsf(special[i]);
	}
	// Every fp16 value's neighbourhood, sampled: the value, the tie with its successor and
	// the floats either side of the tie.
	for (int k = 0; k < 3000; k++) {
		uint16_t h = (uint16_t)irange(0, 0x7bfe) | (uint16_t)((rnd() & 1) << 15);
		float a = ggml_compute_fp16_to_fp32(h), b = ggml_compute_fp16_to_fp32((uint16_t)(h + 1));
		float mid = (float)(((double)a + (double)b) / 2); // exact: fp16 has 11 bits
		v[n++] = a;
		v[n++] = mid;
		v[n++] = nextafterf(mid, 0);
		v[n++] = nextafterf(mid, INFINITY * mid);
	}
	// bf16 ties: the halfway point between two bf16 values, and its neighbours.
	for (int k = 0; k < 1000; k++) {
		uint32_t b = ((uint32_t)rnd() & 0x7f7f0000u) | 0x8000u;
		v[n++] = bitsf(b);
		v[n++] = bitsf(b - 1);
		v[n++] = bitsf(b + 1);
	}
	// Random bit patterns, NaNs included, and random values in fp16's range.
	for (int k = 0; k < 2000; k++) {
		v[n++] = bitsf((uint32_t)rnd());
		v[n++] = (float)(gauss() * pow(10, unif() * 12 - 8));
	}
	FILE *f = create(dir, "quant_plain.bin");
	fprintf(f, "ndview ggml quant vectors v1 ggml %s F16 BF16 values=%d\n", GGML_COMMIT, n);
	for (int i = 0; i < n; i++) {
		uint16_t h = ggml_compute_fp32_to_fp16(v[i]);
		uint16_t bf = ggml_compute_fp32_to_bf16(v[i]).bits;
		if (fwrite(&v[i], 4, 1, f) != 1 || fwrite(&h, 2, 1, f) != 1 || fwrite(&bf, 2, 1, f) != 1) {
			perror("quant_plain.bin");
			exit(1);
		}
	}
	fclose(f);
	fprintf(stderr, "F16/BF16 %d values\n", n);
}

// ---- compare

static void compare(const char *a, const char *b) {
	read_inputs(a);
	for (int k = 0; k < NTYPES; k++) {
		const struct qtype *t = &qtypes[k];
		char name[64];
		snprintf(name, sizeof name, "quant_%s.bin", t->name);
		FILE *fa = open_read(a, name), *fb = open_read(b, name);
		skip_line(fa);
		skip_line(fb);
		int n = blocks(t), differ = 0, accepted = 0;
		uint8_t ra[513], rb[513];
		for (int i = 0; i < n; i++) {
			must_read(ra, 1 + t->bytes, fa);
			must_read(rb, 1 + t->bytes, fb);
			if (!ra[0]) {
				accepted++;
				differ += memcmp(ra, rb, 1 + t->bytes) != 0;
			}
		}
		printf("%-6s %4d of %5d accepted blocks differ\n", t->name, differ, accepted);
		fclose(fa);
		fclose(fb);
	}
}

int main(int argc, char **argv) {
	if (fbits(1.0f) != 0x3f800000u || *(uint16_t *)"\x01\x00" != 1) {
		fprintf(stderr, "little-endian IEEE hosts only\n");
		return 1;
	}
	if (argc == 3 && !strcmp(argv[1], "check")) {
#ifndef QV_CHECK
		fprintf(stderr, "check needs the instrumented build (-DQV_CHECK)\n");
		return 1;
#else
		make_inputs();
		write_inputs(argv[2]);
		for (int k = 0; k < NTYPES; k++) {
			write_type(argv[2], &qtypes[k], NULL, NULL);
		}
		write_plain(argv[2]);
		return 0;
#endif
	}
	if (argc == 4 && !strcmp(argv[1], "write")) {
		read_inputs(argv[2]);
		write_inputs(argv[3]);
		for (int k = 0; k < NTYPES; k++) {
			uint8_t *flags = read_flags(argv[2], &qtypes[k]);
			write_type(argv[3], &qtypes[k], flags, NULL);
			free(flags);
		}
		write_plain(argv[3]);
		return 0;
	}
	if (argc == 4 && !strcmp(argv[1], "compare")) {
		compare(argv[2], argv[3]);
		return 0;
	}
	fprintf(stderr, "usage: quant_vectors check DIR | write DIR OUT | compare A B\n");
	return 2;
}
