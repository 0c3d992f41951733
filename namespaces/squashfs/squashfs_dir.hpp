// Bounded reads of a squashfs directory: its entries in order, and the lookup of one name
// through the directory's index. libsquashfuse 0.1.105's sqfs_dir_next and sqfs_dir_lookup
// copy a name of the length the image claims (up to 64 KiB from an entry, 4 GiB from an index)
// into a 257-byte buffer on the caller's stack; these check every length first
// (squashfs_meta.hpp says more).
#pragma once

#include <string_view>

#include "namespaces/squashfs/squashfuse_c.hpp"

namespace skiff::ns::squashfs {

// A directory being read, entry by entry.
struct DirReader {
    sqfs_md_cursor cursor{};
    std::uint64_t offset = 0;  // bytes of the listing read so far: the readdir offset
    std::uint64_t total = 0;   // the listing's size
    std::uint32_t left = 0;    // entries left under the current header
    std::uint32_t start_block = 0;
    std::uint32_t inode_number = 0;
};

enum class Step { entry, end, damaged };

// Starts reading the directory `inode` at the readdir offset `offset` (0 or an entry's
// next_offset). false: not a directory, or damaged.
bool open_directory(sqfs& fs, const sqfs_inode& inode, std::uint64_t offset, DirReader& dir);

// The next entry into `entry`, whose name buffer (sqfs_dentry_init) must hold a sqfs_name.
Step next_entry(sqfs& fs, DirReader& dir, sqfs_dir_entry& entry);

// Looks up `name` in the directory `inode`: Step::entry (found, in `entry`), Step::end (absent)
// or Step::damaged.
Step lookup_entry(sqfs& fs, const sqfs_inode& inode, std::string_view name, sqfs_dir_entry& entry);

// Whether the image's root inode is a directory whose listing reads to its end: a served image
// whose root cannot be read fails its launch instead of showing an empty mount point.
bool root_reads_whole(sqfs& fs);

}  // namespace skiff::ns::squashfs
