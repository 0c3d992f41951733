// A squashfs image as a FUSE low-level file system, served by libsquashfuse behind libfuse3's session
// API, shared by the cold-path server (squashfs_serve.cpp) and the warm image server.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <string>

struct fuse_session;
struct sqfs;

#include "namespaces/squashfs/squashfs_read.hpp"

namespace skiff::ns {

struct SquashfsFuse;
class BlockPrefetch;
class ReadRecorder;

// What one server may use: threads answering the kernel at once (0: one per CPU the server
// may run on, default_serving_threads in usable_cpus.hpp), and bytes of decompressed blocks kept for them
// (block_cache.hpp).
struct ServeLimits {
    unsigned threads = 0;
    std::size_t cache_bytes = std::size_t{32} << 20;
};

// Opens the image, checks its superblock, parses its tables and reads its root directory
// whole; nullptr, with what is wrong in `problem`, if it cannot be served. Every file is
// reported as owned by `uid`/`gid` (ids as seen in the mounting user namespace).
SquashfsFuse* open_squashfs_fuse(const std::string& image, uid_t uid, gid_t gid, const ServeLimits& limits,
                                 std::string& problem);

// Frees what open_squashfs_fuse() made and closes the image (servers exit instead).
void close_squashfs_fuse(SquashfsFuse* fs);

sqfs& squashfs_of(SquashfsFuse* fs);

// The data path of the server's reads: the image, its block cache and the read hints.
BlockSource block_source(SquashfsFuse* fs);

// Reads then take blocks from `prefetch` first and note them in `recorder` (either may be
// nullptr); both must outlive the session.
void use_read_hints(SquashfsFuse* fs, BlockPrefetch* prefetch, ReadRecorder* recorder);

// A session that serves `fs` on `fuse_fd`, a /dev/fuse fd already mounted by someone.
fuse_session* start_fuse_session(SquashfsFuse* fs, int fuse_fd);

// Answers the kernel with up to the limit's threads (libfuse starts them as requests wait)
// until the mount is gone; libfuse's status (0 when the mount went away).
int serve_fuse_session(SquashfsFuse* fs, fuse_session* session);

}  // namespace skiff::ns
