/* The CUDA driver API through dlopen, with the prototypes declared here, so that building it
 * needs no CUDA toolkit: for each GPU, a context, an allocation and a round trip of 64 KiB.
 * Exit 0: every GPU answered; 1: no GPU; 2: no libcuda; 3: a missing symbol; 4: a CUDA error;
 * 5: the bytes came back changed. */
#include <dlfcn.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef int cu_result;
typedef int cu_device;
typedef void *cu_context;
typedef unsigned long long cu_pointer;

static void *libcuda;

static void *symbol(const char *name) {
    void *address = dlsym(libcuda, name);
    if (!address) {
        fprintf(stderr, "gpu-smoke: libcuda.so.1 has no %s\n", name);
        exit(3);
    }
    return address;
}

#define CHECK(call)                                                          \
    do {                                                                     \
        cu_result status_ = (call);                                          \
        if (status_ != 0) {                                                  \
            fprintf(stderr, "gpu-smoke: %s failed: CUDA error %d\n", #call, status_); \
            return 4;                                                        \
        }                                                                    \
    } while (0)

enum { bytes = 64 * 1024 };
static unsigned char sent[bytes], received[bytes];

int main(void) {
    libcuda = dlopen("libcuda.so.1", RTLD_NOW);
    if (!libcuda) {
        fprintf(stderr, "gpu-smoke: %s\n", dlerror());
        return 2;
    }
    cu_result (*init)(unsigned) = (cu_result (*)(unsigned))symbol("cuInit");
    cu_result (*count)(int *) = (cu_result (*)(int *))symbol("cuDeviceGetCount");
    cu_result (*get)(cu_device *, int) = (cu_result (*)(cu_device *, int))symbol("cuDeviceGet");
    cu_result (*name_of)(char *, int, cu_device) = (cu_result (*)(char *, int, cu_device))symbol("cuDeviceGetName");
    cu_result (*create)(cu_context *, unsigned, cu_device) =
        (cu_result (*)(cu_context *, unsigned, cu_device))symbol("cuCtxCreate_v2");
    cu_result (*destroy)(cu_context) = (cu_result (*)(cu_context))symbol("cuCtxDestroy_v2");
    cu_result (*alloc)(cu_pointer *, size_t) = (cu_result (*)(cu_pointer *, size_t))symbol("cuMemAlloc_v2");
    cu_result (*release)(cu_pointer) = (cu_result (*)(cu_pointer))symbol("cuMemFree_v2");
    cu_result (*to_device)(cu_pointer, const void *, size_t) =
        (cu_result (*)(cu_pointer, const void *, size_t))symbol("cuMemcpyHtoD_v2");
    cu_result (*to_host)(void *, cu_pointer, size_t) = (cu_result (*)(void *, cu_pointer, size_t))symbol("cuMemcpyDtoH_v2");

    int gpus = 0;
    CHECK(init(0));
    CHECK(count(&gpus));
    for (int i = 0; i < gpus; ++i) {
        cu_device device;
        cu_context context;
        cu_pointer memory;
        char name[256] = "";
        for (size_t k = 0; k < bytes; ++k) sent[k] = (unsigned char)(k * 31u + (unsigned)i);
        memset(received, 0, sizeof received);
        CHECK(get(&device, i));
        CHECK(name_of(name, (int)sizeof name, device));
        CHECK(create(&context, 0, device));
        CHECK(alloc(&memory, bytes));
        CHECK(to_device(memory, sent, bytes));
        CHECK(to_host(received, memory, bytes));
        CHECK(release(memory));
        CHECK(destroy(context));
        int same = memcmp(sent, received, bytes) == 0;
        printf("GPU %d %s: %s\n", i, name, same ? "round trip ok" : "round trip CHANGED the bytes");
        if (!same) return 5;
    }
    if (gpus == 0) fprintf(stderr, "gpu-smoke: no GPU\n");
    return gpus > 0 ? 0 : 1;
}
