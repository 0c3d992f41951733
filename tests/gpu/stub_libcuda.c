/* A stand-in libcuda.so.1 for the ns and e2e tests (no GPU in CI): the driver API calls
 * gpu_smoke.c makes, backed by host memory. A "GPU" is a /dev/nvidiaN node the container has,
 * in the order of N, so the count says which GPUs the hook put in the container's /dev. As
 * the real one, it shows only the devices CUDA_VISIBLE_DEVICES lists by index, up to the
 * first that does not exist. Glibc-linked, as the real one. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int minors[64];
static int gpus = -1;

static int by_number(const void *a, const void *b) { return *(const int *)a - *(const int *)b; }

static void keep_visible(void) {
    const char *visible = getenv("CUDA_VISIBLE_DEVICES");
    int kept[64], count = 0;
    if (!visible) return;
    for (char *end; *visible && count < 64; visible = *end == ',' ? end + 1 : end) {
        long index = strtol(visible, &end, 10);
        if (end == visible || (*end && *end != ',') || index < 0 || index >= gpus) break;
        kept[count++] = minors[index];
    }
    memcpy(minors, kept, (size_t)count * sizeof kept[0]);
    gpus = count;
}

int cuInit(unsigned flags) {
    DIR *dev = opendir("/dev");
    if (flags != 0 || !dev) return 100;
    gpus = 0;
    for (struct dirent *entry; (entry = readdir(dev)) && gpus < 64;) {
        int minor;
        char rest;
        if (sscanf(entry->d_name, "nvidia%d%c", &minor, &rest) == 1) minors[gpus++] = minor;
    }
    closedir(dev);
    qsort(minors, (size_t)gpus, sizeof minors[0], by_number);
    keep_visible();
    return 0;
}

int cuDeviceGetCount(int *count) { return gpus < 0 ? 3 : (*count = gpus, 0); }
int cuDeviceGet(int *device, int ordinal) { return ordinal < 0 || ordinal >= gpus ? 101 : (*device = ordinal, 0); }
int cuDeviceGetName(char *name, int length, int device) {
    snprintf(name, (size_t)length, "stub /dev/nvidia%d", minors[device]);
    return 0;
}
int cuCtxCreate_v2(void **context, unsigned flags, int device) {
    (void)flags;
    *context = &minors[device];
    return 0;
}
int cuCtxDestroy_v2(void *context) { return context ? 0 : 201; }
int cuMemAlloc_v2(unsigned long long *pointer, size_t size) {
    void *memory = malloc(size);
    *pointer = (unsigned long long)memory;
    return memory ? 0 : 2;
}
int cuMemFree_v2(unsigned long long pointer) {
    free((void *)pointer);
    return 0;
}
int cuMemcpyHtoD_v2(unsigned long long to, const void *from, size_t size) {
    memcpy((void *)to, from, size);
    return 0;
}
int cuMemcpyDtoH_v2(void *to, unsigned long long from, size_t size) {
    memcpy(to, (const void *)from, size);
    return 0;
}
