// Bounded reads of a squashfs image's metadata: metadata blocks, inodes and symlink targets,
// from an image whose superblock squashfs_superblock.hpp has checked. Every length and offset an image stores is checked before it is used.
//
// Why not libsquashfuse's own readers: version 0.1.105 (Debian 12) trusts them. Its
// sqfs_md_read copies from a cached block at an offset taken from the image (up to 64 KiB into
// an 8 KiB block), its tables index their block lists with an unchecked id, uid or fragment
// number, and a superblock with block_size 0 divides by zero. Upstream bounded the names
// (commit 67c9bb8) and the tables (e1f8f3c) in 2026; until Debian ships that, skiff calls only
// the library's block cache and decompressors, and reads everything else here.
#pragma once

#include <sys/stat.h>

#include <cstdint>
#include <mutex>
#include <string>

#include "namespaces/squashfs/squashfs_format.hpp"
#include "namespaces/squashfs/squashfuse_c.hpp"

namespace skiff::ns::squashfs {

// libsquashfuse's metadata and block-index caches (fs.md_cache, fs.blockidx) are not
// thread-safe: read_metadata() and every call into the library that reads metadata (its block
// lists) hold this lock. Data blocks never take it (block_cache.hpp).
std::mutex& library_cache_lock();

// Copies `size` bytes of metadata at `cursor` into `out` (nullptr: skips them) and advances
// the cursor. false: a read error, or an offset outside its block.
bool read_metadata(sqfs& fs, sqfs_md_cursor& cursor, void* out, std::size_t size);

// The inode `id`, as sqfs_inode_get fills it, after checking every field that later reads
// follow: its place in the inode table, its type, its fragment, its directory's place in the
// directory table and its symlink's length.
bool read_inode(sqfs& fs, sqfs_inode_id id, sqfs_inode& inode);

// Fragment `index`'s entry: where its block is and its stored size. false: no such fragment.
bool read_fragment(sqfs& fs, std::uint32_t index, squashfs_fragment_entry& fragment);

// The stat of `inode`, without owners: callers report their own.
struct stat stat_of(const sqfs_inode& inode);

// The target of the symlink `inode`.
bool read_symlink(sqfs& fs, const sqfs_inode& inode, std::string& target);

}  // namespace skiff::ns::squashfs
