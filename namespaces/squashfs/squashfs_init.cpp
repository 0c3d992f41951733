#include "namespaces/squashfs/squashfs_init.hpp"

#include <libdeflate.h>

#include <memory>

namespace skiff::ns::squashfs {
namespace {

struct FreeDecompressor {
    void operator()(libdeflate_decompressor* d) const { libdeflate_free_decompressor(d); }
};

// A squashfs gzip block is one whole zlib stream; libdeflate checks its Adler-32, never
// writes past `*out_size` and, like uncompress(), stops at the stream's end. A decompressor
// (its decoding tables) may not be shared between threads, so each thread has its own.
sqfs_err inflate_zlib(void* in, std::size_t in_size, void* out, std::size_t* out_size) {
    thread_local std::unique_ptr<libdeflate_decompressor, FreeDecompressor> decompressor(
        libdeflate_alloc_decompressor());
    std::size_t produced = 0;
    if (!decompressor ||
        libdeflate_zlib_decompress(decompressor.get(), in, in_size, out, *out_size, &produced) != LIBDEFLATE_SUCCESS)
        return SQFS_ERR;
    *out_size = produced;
    return SQFS_OK;
}

}  // namespace

sqfs_err init(sqfs& fs, int fd) {
    sqfs_err err = sqfs_init(&fs, fd, 0);
    if (err == SQFS_OK && fs.sb.compression == ZLIB_COMPRESSION) fs.decompressor = inflate_zlib;
    return err;
}

}  // namespace skiff::ns::squashfs
