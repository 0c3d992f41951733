// Reading squashfs's on-disk integers (little-endian whatever the host's order) and the
// format's limits, for skiff's bounded readers (squashfs_meta.hpp, squashfs_dir.hpp,
// squashfs_superblock.hpp).
#pragma once

#include <cstddef>
#include <cstdint>

namespace skiff::ns::squashfs {

inline constexpr std::size_t metadata_block_size = 8192;  // SQUASHFS_METADATA_SIZE
inline constexpr std::size_t max_symlink_size = 4096;     // PATH_MAX
// Nothing but the superblock lies below this offset. libsquashfuse's block caches take
// position 0 for an empty slot (SQFS_CACHE_IDX_INVALID) and hand out its null block as a hit.
inline constexpr std::size_t superblock_size = 96;

template <class T>
T little_endian(const unsigned char* bytes) {
    T value = 0;
    for (std::size_t i = sizeof(T); i-- > 0;) value = static_cast<T>((value << 8) | bytes[i]);
    return value;
}

inline std::uint16_t le16(const unsigned char* bytes) { return little_endian<std::uint16_t>(bytes); }
inline std::uint32_t le32(const unsigned char* bytes) { return little_endian<std::uint32_t>(bytes); }
inline std::uint64_t le64(const unsigned char* bytes) { return little_endian<std::uint64_t>(bytes); }

}  // namespace skiff::ns::squashfs
