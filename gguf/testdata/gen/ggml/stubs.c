// ggml.c refers to these ggml-backend functions (for tensors that live in backend buffers);
// reading a GGUF file with no_alloc never calls them, so verdict links these stand-ins
// instead of ggml-backend.cpp and everything it pulls in.
#include <stdlib.h>

void ggml_backend_tensor_get(void) { abort(); }
void ggml_backend_tensor_set(void) { abort(); }
void ggml_backend_tensor_memset(void) { abort(); }
int ggml_backend_buffer_get_usage(void) { abort(); }
