// Opening an image's libsquashfuse handle, with skiff's own gzip decompressor.
#pragma once

#include "namespaces/squashfs/squashfuse_c.hpp"

namespace skiff::ns::squashfs {

// sqfs_init on `fd`; a gzip image's blocks are then inflated by libdeflate instead of zlib's
// uncompress(), 2.4 times faster on a Python stack's blocks (bench/README.md). The handle's
// decompressor stays stateless and thread-safe, as the server's threads need.
sqfs_err init(sqfs& fs, int fd);

}  // namespace skiff::ns::squashfs
