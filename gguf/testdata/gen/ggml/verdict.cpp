// verdict prints "accept <file>" or "reject <file>" for each file named on its command line,
// as ggml's own GGUF reader decides: gguf_init_from_file with no_alloc = true and a context
// for the tensors, as llama.cpp's loader calls it (src/llama-model-loader.cpp). ggml's
// messages go to stderr. Built by build.sh against ggml-org/ggml d99724f2.
#include "ggml.h"
#include "gguf.h"

#include <cstdio>

int main(int argc, char ** argv) {
    for (int i = 1; i < argc; i++) {
        struct ggml_context * ctx = nullptr;
        struct gguf_init_params params = {
            /*.no_alloc = */ true,
            /*.ctx      = */ &ctx,
        };
        struct gguf_context * g = gguf_init_from_file(argv[i], params);
        printf("%s %s\n", g ? "accept" : "reject", argv[i]);
        fflush(stdout);
        if (g) {
            gguf_free(g);
        }
        if (ctx) {
            ggml_free(ctx);
        }
    }
    return 0;
}
