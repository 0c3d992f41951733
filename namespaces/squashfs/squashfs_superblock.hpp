// The first check of every squashfs image skiff reads (launcher, servers, data mounts,
// `ldcache --image`): its superblock, before libsquashfuse sees it. The library divides by the
// block size, allocates and reads tables where the superblock says, and follows the root
// inode from it (squashfs_meta.hpp says why skiff does not trust it to check).
#pragma once

#include <string>

namespace skiff::ns::squashfs {

// What is wrong with the image file open at `fd`, or "" if its superblock is sound: magic and
// version, a block size that is a power of two from 4 KiB to 1 MiB, a known compressor,
// tables in order and inside the file, a root inode inside the inode table, counts that fit
// their tables.
std::string superblock_problem(int fd);

}  // namespace skiff::ns::squashfs
