#include "launcher/image/convert/sqfs_fd_file.hpp"

#include <sqfs/error.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

namespace skiff::image::convert {
namespace {

FdFile& self(sqfs_file_t* file) { return *reinterpret_cast<FdFile*>(file); }
const FdFile& self(const sqfs_file_t* file) { return *reinterpret_cast<const FdFile*>(file); }

int record(FdFile& f, int code) {
    if (f.error == 0) f.error = code;
    return SQFS_ERROR_IO;
}

int read_at(sqfs_file_t* file, sqfs_u64 offset, void* buffer, size_t size) {
    FdFile& f = self(file);
    auto* out = static_cast<char*>(buffer);
    while (size > 0) {
        ssize_t n = ::pread(f.fd, out, size, static_cast<off_t>(offset));
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return record(f, errno);
        if (n == 0) return SQFS_ERROR_OUT_OF_BOUNDS;
        out += n;
        size -= static_cast<size_t>(n);
        offset += static_cast<sqfs_u64>(n);
    }
    return 0;
}

int write_at(sqfs_file_t* file, sqfs_u64 offset, const void* buffer, size_t size) {
    FdFile& f = self(file);
    const auto* in = static_cast<const char*>(buffer);
    while (size > 0) {
        ssize_t n = ::pwrite(f.fd, in, size, static_cast<off_t>(offset));
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return record(f, errno);
        in += n;
        size -= static_cast<size_t>(n);
        offset += static_cast<sqfs_u64>(n);
        f.size = std::max(f.size, offset);
    }
    return 0;
}

sqfs_u64 get_size(const sqfs_file_t* file) { return self(file).size; }

int truncate(sqfs_file_t* file, sqfs_u64 size) {
    FdFile& f = self(file);
    if (::ftruncate(f.fd, static_cast<off_t>(size)) != 0) return record(f, errno);
    f.size = size;
    return 0;
}

void destroy(sqfs_object_t*) {}  // the owner of the FdFile frees it

}  // namespace

void init_fd_file(FdFile& file, int fd) {
    file.base = {};
    file.base.base.destroy = destroy;
    file.base.base.copy = nullptr;
    file.base.read_at = read_at;
    file.base.write_at = write_at;
    file.base.get_size = get_size;
    file.base.truncate = truncate;
    file.fd = fd;
    file.size = 0;
    file.error = 0;
}

}  // namespace skiff::image::convert
