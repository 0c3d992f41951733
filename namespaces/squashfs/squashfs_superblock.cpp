#include "namespaces/squashfs/squashfs_superblock.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <bit>
#include <cstdint>
#include <cstring>

#include "namespaces/squashfs/squashfs_format.hpp"

namespace skiff::ns::squashfs {
namespace {

constexpr std::uint32_t magic = 0x73717368;  // "hsqs", little-endian
constexpr std::uint64_t absent = ~std::uint64_t{0};  // SQUASHFS_INVALID_BLK: a table not written

// The superblock's fields (squashfs_fs.h), read little-endian whatever the host's order.
struct Superblock {
    std::uint32_t magic, inodes, block_size, fragments;
    std::uint16_t compression, block_log, no_ids, major, minor;
    std::uint64_t root_inode, bytes_used, id_table, xattr_table, inode_table, directory_table,
        fragment_table, lookup_table;
};

Superblock parse(const unsigned char* b) {
    return {le32(b),      le32(b + 4),  le32(b + 12), le32(b + 16), le16(b + 20), le16(b + 22),
            le16(b + 26), le16(b + 28), le16(b + 30), le64(b + 32), le64(b + 40), le64(b + 48),
            le64(b + 56), le64(b + 64), le64(b + 72), le64(b + 80), le64(b + 88)};
}

// `bytes` at `start` lie between the directory table's start and the image's end: mkfs writes
// the other tables after the inode and directory tables.
bool span_fits(const Superblock& sb, std::uint64_t start, std::uint64_t bytes) {
    return start >= sb.directory_table && start <= sb.bytes_used && bytes <= sb.bytes_used - start;
}

// A table's index: one 64-bit block position per 8 KiB of entries. No overflow: count < 2^32
// and each <= 16.
bool index_fits(const Superblock& sb, std::uint64_t start, std::uint64_t count, std::uint64_t each) {
    return span_fits(sb, start, (count * each + metadata_block_size - 1) / metadata_block_size * 8);
}

std::string layout_problem(const Superblock& sb) {
    if (sb.inode_table < superblock_size || sb.inode_table >= sb.directory_table ||
        sb.directory_table >= sb.bytes_used)
        return "the inode and directory tables are out of order or outside the image";
    if ((sb.root_inode >> 16) >= sb.directory_table - sb.inode_table || (sb.root_inode & 0xffff) >= metadata_block_size)
        return "the root inode lies outside the inode table";
    if (sb.inodes == 0) return "it has no inodes";
    if (sb.fragments > sb.inodes) return "it claims more fragments than inodes";
    if (sb.no_ids == 0 || !index_fits(sb, sb.id_table, sb.no_ids, 4))
        return "its id table is missing or outside the image";
    if (sb.fragments > 0 && !index_fits(sb, sb.fragment_table, sb.fragments, 16))
        return "its fragment table lies outside the image";
    if (sb.lookup_table != absent && !index_fits(sb, sb.lookup_table, sb.inodes, 8))
        return "its export table lies outside the image";
    if (sb.xattr_table != absent && !span_fits(sb, sb.xattr_table, 16))
        return "its xattr table lies outside the image";
    return {};
}

std::string problem_of(const Superblock& sb, std::uint64_t file_size) {
    if (sb.magic != magic) return "not a squashfs file";
    if (sb.major != 4 || sb.minor != 0)
        return "unsupported squashfs version " + std::to_string(sb.major) + "." + std::to_string(sb.minor) +
               " (only 4.0 is read)";
    if (!std::has_single_bit(sb.block_size) || sb.block_size < 4096 || sb.block_size > (1u << 20) ||
        sb.block_log != std::countr_zero(sb.block_size))
        return "block size " + std::to_string(sb.block_size) + " is not a power of two from 4 KiB to 1 MiB";
    if (sb.compression == 0 || sb.compression > 6)  // gzip, lzma, lzo, xz, lz4, zstd
        return "unknown compression " + std::to_string(sb.compression);
    if (sb.bytes_used > file_size)
        return "truncated: the superblock says " + std::to_string(sb.bytes_used) + " bytes, the file has " +
               std::to_string(file_size);
    return layout_problem(sb);
}

}  // namespace

std::string superblock_problem(int fd) {
    struct stat st {};
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) return "not a regular file";
    unsigned char bytes[superblock_size];
    if (::pread(fd, bytes, sizeof bytes, 0) != static_cast<ssize_t>(sizeof bytes)) return "not a squashfs file";
    return problem_of(parse(bytes), static_cast<std::uint64_t>(st.st_size));
}

}  // namespace skiff::ns::squashfs
