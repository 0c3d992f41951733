// Prefix legend: sqfs_ libsquashfuse (its entry struct only).
#include "namespaces/squashfs/squashfs_dir.hpp"

#include <sys/stat.h>

#include "namespaces/squashfs/squashfs_meta.hpp"

namespace skiff::ns::squashfs {
namespace {

constexpr std::size_t header_size = 12;    // struct squashfs_dir_header
constexpr std::size_t entry_size = 8;      // struct squashfs_dir_entry, before the name
constexpr std::size_t index_size = 12;     // struct squashfs_dir_index, before the name
constexpr std::uint32_t header_limit = 256;  // SQUASHFS_DIR_COUNT: entries under one header
constexpr std::uint16_t last_type = 14;      // SQUASHFS_LSOCKET_TYPE

bool read(sqfs& fs, DirReader& dir, void* out, std::size_t size) {
    dir.offset += size;
    return read_metadata(fs, dir.cursor, out, size);
}

// An extended directory's index names the first entry of every header, with the header's
// offset in the listing and its metadata block. Moves `dir` to the last header before the
// first index entry for which stop(offset, name) holds.
template <class Stop>
bool skip_by_index(sqfs& fs, const sqfs_inode& inode, DirReader& dir, Stop stop) {
    sqfs_md_cursor cursor = inode.next;
    std::uint64_t skipped = 0;
    for (std::uint16_t i = 0; i < inode.xtra.dir.idx_count; ++i) {
        unsigned char index[index_size];
        char name[SQUASHFS_NAME_LEN];
        if (!read_metadata(fs, cursor, index, sizeof index)) return false;
        std::size_t name_size = std::size_t{le32(index + 8)} + 1;
        if (name_size > SQUASHFS_NAME_LEN || !read_metadata(fs, cursor, name, name_size)) return false;
        if (stop(le32(index), std::string_view(name, name_size))) break;
        dir.cursor.block = static_cast<sqfs_off_t>(fs.sb.directory_table_start + le32(index + 4));
        skipped = le32(index);
    }
    dir.offset = skipped;
    dir.cursor.offset = (inode.xtra.dir.offset + skipped) % metadata_block_size;
    return true;
}

bool next_header(sqfs& fs, DirReader& dir) {
    unsigned char header[header_size];
    if (!read(fs, dir, header, sizeof header) || le32(header) >= header_limit) return false;
    dir.left = le32(header) + 1;  // stored as count - 1
    dir.start_block = le32(header + 4);
    dir.inode_number = le32(header + 8);
    return true;
}

}  // namespace

bool open_directory(sqfs& fs, const sqfs_inode& inode, std::uint64_t offset, DirReader& dir) {
    if (!S_ISDIR(inode.base.mode)) return false;
    const auto& d = inode.xtra.dir;
    dir = {};
    dir.cursor = {static_cast<sqfs_off_t>(fs.sb.directory_table_start + d.start_block), d.offset};
    dir.total = d.dir_size <= 3 ? 0 : d.dir_size - 3;  // the size counts "." and ".." as 3 bytes
    if (offset == 0) return true;
    if (!skip_by_index(fs, inode, dir, [offset](std::uint64_t at, std::string_view) { return at >= offset; }))
        return false;
    sqfs_dir_entry entry{};
    sqfs_dentry_init(&entry, nullptr);
    while (dir.offset < offset)
        if (next_entry(fs, dir, entry) != Step::entry) return false;
    return dir.offset == offset;
}

Step next_entry(sqfs& fs, DirReader& dir, sqfs_dir_entry& entry) {
    entry.offset = static_cast<sqfs_off_t>(dir.offset);
    while (dir.left == 0) {
        if (dir.offset >= dir.total) return Step::end;
        if (!next_header(fs, dir)) return Step::damaged;
    }
    unsigned char bytes[entry_size];
    if (!read(fs, dir, bytes, sizeof bytes)) return Step::damaged;
    --dir.left;
    entry.type = le16(bytes + 4);
    entry.name_size = std::size_t{le16(bytes + 6)} + 1;  // stored as size - 1
    if (entry.type < 1 || entry.type > last_type || entry.name_size > SQUASHFS_NAME_LEN) return Step::damaged;
    entry.inode = (std::uint64_t{dir.start_block} << 16) + le16(bytes);
    entry.inode_number = dir.inode_number + static_cast<std::uint32_t>(static_cast<std::int16_t>(le16(bytes + 2)));
    if (!read(fs, dir, entry.name, entry.name_size)) return Step::damaged;  // no buffer: skipped
    if (entry.name) entry.name[entry.name_size] = '\0';
    entry.next_offset = static_cast<sqfs_off_t>(dir.offset);
    return Step::entry;
}

// Entries are sorted by name (bytes compared unsigned, as strcmp does and string_view does).
Step lookup_entry(sqfs& fs, const sqfs_inode& inode, std::string_view name, sqfs_dir_entry& entry) {
    DirReader dir;
    if (!open_directory(fs, inode, 0, dir) ||
        !skip_by_index(fs, inode, dir, [name](std::uint64_t, std::string_view first) { return first > name; }))
        return Step::damaged;
    for (;;) {
        if (Step step = next_entry(fs, dir, entry); step != Step::entry) return step;
        int order = std::string_view(entry.name, entry.name_size).compare(name);
        if (order == 0) return Step::entry;
        if (order > 0) return Step::end;
    }
}

bool root_reads_whole(sqfs& fs) {
    sqfs_inode root;
    DirReader dir;
    if (!read_inode(fs, fs.sb.root_inode, root) || !open_directory(fs, root, 0, dir)) return false;
    sqfs_dir_entry entry{};
    sqfs_dentry_init(&entry, nullptr);
    Step step;
    while ((step = next_entry(fs, dir, entry)) == Step::entry) {}
    return step == Step::end;
}

}  // namespace skiff::ns::squashfs
