// Prefix legend: sqfs_ libsquashfuse (its block cache and its inode struct only).
#include "namespaces/squashfs/squashfs_meta.hpp"

#include <sys/sysmacros.h>

#include <algorithm>
#include <cstring>

namespace skiff::ns::squashfs {
namespace {

constexpr std::uint32_t no_fragment = 0xffffffff;  // SQUASHFS_INVALID_FRAG
constexpr std::uint32_t no_xattr = 0xffffffff;     // SQUASHFS_INVALID_XATTR
constexpr std::size_t base_size = 16;              // struct squashfs_base_inode

// The on-disk inode types (squashfs_fs.h): basic 1-7, extended 8-14, in the same order.
enum Type : std::uint16_t { dir = 1, reg, symlink, blkdev, chrdev, fifo, socket, ldir, lreg, lsymlink, lblkdev,
                            lchrdev, lfifo, lsocket };

// The size of each type's whole on-disk struct, base included (a symlink's target and an
// extended symlink's xattr index follow it).
std::size_t struct_size(std::uint16_t type) {
    switch (type) {
        case dir: case reg: return 32;
        case ldir: return 40;
        case lreg: return 56;
        case symlink: case lsymlink: case blkdev: case chrdev: case lfifo: case lsocket: return 24;
        case lblkdev: case lchrdev: return 28;
        case fifo: case socket: return 20;
        default: return 0;
    }
}

mode_t file_type(std::uint16_t type) {
    static constexpr mode_t types[] = {S_IFDIR, S_IFREG, S_IFLNK, S_IFBLK, S_IFCHR, S_IFIFO, S_IFSOCK};
    return types[(type - 1) % 7];
}

struct Fields {
    const sqfs& fs;
    const unsigned char* bytes;
    template <class T>
    T at(std::size_t offset) const { return little_endian<T>(bytes + offset); }
};

// A file's block list (4 bytes a block) must fit in the inode table: each metadata block holds
// at most 8 KiB and costs at least its 2-byte header.
bool regular_fits(const sqfs& fs, sqfs_inode& inode) {
    auto& reg = inode.xtra.reg;
    const auto& sb = fs.sb;
    if (reg.frag_idx != no_fragment && (reg.frag_idx >= sb.fragments || reg.frag_off >= sb.block_size)) return false;
    std::uint64_t blocks = reg.file_size / sb.block_size;
    std::uint64_t table = sb.directory_table_start - sb.inode_table_start;
    return reg.start_block < sb.bytes_used && blocks <= table / 2 * metadata_block_size / 4;
}

bool fill_regular(const Fields& f, sqfs_inode& inode, bool extended) {
    auto& reg = inode.xtra.reg;
    inode.nlink = extended ? static_cast<int>(f.at<std::uint32_t>(40)) : 1;
    reg.start_block = extended ? f.at<std::uint64_t>(16) : f.at<std::uint32_t>(16);
    reg.file_size = extended ? f.at<std::uint64_t>(24) : f.at<std::uint32_t>(28);
    reg.frag_idx = f.at<std::uint32_t>(extended ? 44 : 20);
    reg.frag_off = f.at<std::uint32_t>(extended ? 48 : 24);
    if (extended) inode.xattr = f.at<std::uint32_t>(52);
    return regular_fits(f.fs, inode);
}

bool fill_directory(const Fields& f, sqfs_inode& inode, bool extended) {
    auto& d = inode.xtra.dir;
    inode.nlink = static_cast<int>(f.at<std::uint32_t>(extended ? 16 : 20));
    d.start_block = f.at<std::uint32_t>(extended ? 24 : 16);
    d.dir_size = extended ? f.at<std::uint32_t>(20) : f.at<std::uint16_t>(24);
    d.offset = f.at<std::uint16_t>(extended ? 34 : 26);
    d.parent_inode = f.at<std::uint32_t>(28);
    d.idx_count = extended ? f.at<std::uint16_t>(32) : 0;
    if (extended) inode.xattr = f.at<std::uint32_t>(36);
    return d.offset < metadata_block_size && f.fs.sb.directory_table_start + d.start_block < f.fs.sb.bytes_used;
}

// The Linux encoding of a device number: 12-bit major, 20-bit minor split around it.
void fill_device(const Fields& f, sqfs_inode& inode, bool extended) {
    auto rdev = f.at<std::uint32_t>(20);
    inode.nlink = static_cast<int>(f.at<std::uint32_t>(16));
    inode.xtra.dev.major = static_cast<int>((rdev >> 8) & 0xfff);
    inode.xtra.dev.minor = static_cast<int>((rdev & 0xff) | ((rdev >> 12) & 0xfff00));
    if (extended) inode.xattr = f.at<std::uint32_t>(24);
}

bool fill_symlink(sqfs& fs, const Fields& f, sqfs_inode& inode, bool extended) {
    inode.nlink = static_cast<int>(f.at<std::uint32_t>(16));
    inode.xtra.symlink_size = f.at<std::uint32_t>(20);
    if (inode.xtra.symlink_size > max_symlink_size) return false;
    if (!extended) return true;
    sqfs_md_cursor after_target = inode.next;
    unsigned char xattr[4];
    if (!read_metadata(fs, after_target, nullptr, inode.xtra.symlink_size) ||
        !read_metadata(fs, after_target, xattr, sizeof xattr))
        return false;
    inode.xattr = le32(xattr);
    return true;
}

bool fill_by_type(sqfs& fs, const Fields& f, sqfs_inode& inode) {
    const std::uint16_t type = inode.base.inode_type;
    const bool extended = type >= ldir;
    switch (type) {
        case reg: case lreg: return fill_regular(f, inode, extended);
        case dir: case ldir: return fill_directory(f, inode, extended);
        case symlink: case lsymlink: return fill_symlink(fs, f, inode, extended);
        case blkdev: case chrdev: case lblkdev: case lchrdev: fill_device(f, inode, extended); return true;
        default:  // fifo and socket: nlink, then the xattr index if extended
            inode.nlink = static_cast<int>(f.at<std::uint32_t>(16));
            if (extended) inode.xattr = f.at<std::uint32_t>(20);
            return true;
    }
}

}  // namespace

std::mutex& library_cache_lock() {
    static std::mutex lock;
    return lock;
}

// The lock is held while copying: another thread's miss may evict the cached block.
bool read_metadata(sqfs& fs, sqfs_md_cursor& cursor, void* out, std::size_t size) {
    std::lock_guard lock(library_cache_lock());
    auto* to = static_cast<char*>(out);
    while (size > 0) {
        sqfs_off_t next_block = cursor.block;
        sqfs_block* block = nullptr;
        if (next_block < static_cast<sqfs_off_t>(superblock_size) ||
            sqfs_md_cache(&fs, &next_block, &block) != SQFS_OK || !block)
            return false;
        if (cursor.offset >= block->size) return false;
        std::size_t take = std::min(size, block->size - cursor.offset);
        if (to) to = static_cast<char*>(std::memcpy(to, static_cast<const char*>(block->data) + cursor.offset, take)) + take;
        size -= take;
        cursor.offset += take;
        if (cursor.offset == block->size) cursor = {next_block, 0};
    }
    return true;
}

bool read_inode(sqfs& fs, sqfs_inode_id id, sqfs_inode& inode) {
    const auto& sb = fs.sb;
    std::uint64_t block = id >> 16, offset = id & 0xffff;
    if (block >= sb.directory_table_start - sb.inode_table_start || offset >= metadata_block_size) return false;
    inode = {};
    inode.xattr = no_xattr;
    inode.next = {static_cast<sqfs_off_t>(sb.inode_table_start + block), static_cast<std::size_t>(offset)};
    unsigned char bytes[56];
    sqfs_md_cursor base_cursor = inode.next;
    if (!read_metadata(fs, base_cursor, bytes, base_size)) return false;
    auto type = le16(bytes);
    std::size_t size = struct_size(type);
    if (size == 0 || !read_metadata(fs, inode.next, bytes, size)) return false;
    // The type decides the file type; mode bits of another type would confuse every caller.
    inode.base.inode_type = type;
    inode.base.mode = static_cast<std::uint16_t>((le16(bytes + 2) & 07777) | file_type(type));
    inode.base.uid = le16(bytes + 4);
    inode.base.guid = le16(bytes + 6);
    inode.base.mtime = le32(bytes + 8);
    inode.base.inode_number = le32(bytes + 12);
    // Numbers run from 1; libsquashfuse keys its block-index cache by number + 1 in 32 bits, so
    // 0xffffffff would hit an empty slot (squashfs_format.hpp, superblock_size).
    if (inode.base.inode_number == 0 || inode.base.inode_number > sb.inodes) return false;
    return fill_by_type(fs, Fields{fs, bytes}, inode);
}

// The table's index (block positions, one per 8 KiB of entries) was read by sqfs_init, with
// as many positions as the superblock's count needs.
bool read_fragment(sqfs& fs, std::uint32_t index, squashfs_fragment_entry& fragment) {
    constexpr std::size_t entry_size = 16;
    if (index >= fs.sb.fragments) return false;
    std::uint64_t at = std::uint64_t{index} * entry_size;
    sqfs_md_cursor cursor{static_cast<sqfs_off_t>(fs.frag_table.blocks[at / metadata_block_size]),
                          static_cast<std::size_t>(at % metadata_block_size)};
    unsigned char bytes[entry_size];
    if (!read_metadata(fs, cursor, bytes, sizeof bytes)) return false;
    fragment.start_block = le64(bytes);
    fragment.size = le32(bytes + 8);
    return true;
}

struct stat stat_of(const sqfs_inode& inode) {
    struct stat st {};
    st.st_mode = inode.base.mode;
    st.st_nlink = static_cast<nlink_t>(inode.nlink);
    st.st_mtime = st.st_ctime = st.st_atime = inode.base.mtime;
    if (S_ISREG(st.st_mode)) {
        st.st_size = static_cast<off_t>(inode.xtra.reg.file_size);
        st.st_blocks = st.st_size / 512;
    } else if (S_ISLNK(st.st_mode)) {
        st.st_size = static_cast<off_t>(inode.xtra.symlink_size);
    } else if (S_ISBLK(st.st_mode) || S_ISCHR(st.st_mode)) {
        st.st_rdev = makedev(static_cast<unsigned>(inode.xtra.dev.major), static_cast<unsigned>(inode.xtra.dev.minor));
    }
    // st_blksize stays 0, so the kernel reports its page size, as ext4 does. Programs size
    // each open file's buffer by it (stdio, Python's io): the image's 128 KiB block size made
    // `import numpy, scipy` fault in 350 more heap pages than from a directory.
    return st;
}

bool read_symlink(sqfs& fs, const sqfs_inode& inode, std::string& target) {
    if (!S_ISLNK(inode.base.mode) || inode.xtra.symlink_size > max_symlink_size) return false;
    target.assign(inode.xtra.symlink_size, '\0');
    sqfs_md_cursor cursor = inode.next;
    return read_metadata(fs, cursor, target.data(), target.size());
}

}  // namespace skiff::ns::squashfs
