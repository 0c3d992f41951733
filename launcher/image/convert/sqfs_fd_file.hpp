// A libsquashfs output file (sqfs_file_t) over a file descriptor we own elsewhere, which keeps
// the errno of the first failed write: libsquashfs only reports SQFS_ERROR_IO, and "disk
// full" must reach the user as ENOSPC with the file's name.
#pragma once

#include <sqfs/io.h>
#include <sqfs/predef.h>

#include <cstdint>

namespace skiff::image::convert {

struct FdFile {
    sqfs_file_t base;    // first member: libsquashfs casts between the two
    int fd = -1;
    std::uint64_t size = 0;
    int error = 0;       // errno of the first failed read or write, 0 if none
};

// Sets up the function table; `file.fd` must be an empty file open for reading and writing.
void init_fd_file(FdFile& file, int fd);

}  // namespace skiff::image::convert
