// A read profile: which squashfs data and fragment blocks the last cold launch of an image
// needed, in the order it first needed them. The next cold launch's server decompresses them
// in a helper thread while the launcher builds its namespaces and while the kernel's first
// requests are served (squashfs_prefetch.hpp).
//
// A profile is only a hint. A block is used only when the image's own metadata asks for that
// exact position and header, and it is read from the served image itself, so a stale,
// corrupt or foreign profile can waste work but never serve wrong data. It is still ignored
// unless it names the served image's identity (device, inode, size, mtime, and the
// superblock's size and block size): a replaced image starts without one.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace skiff::ns {

struct ImageIdentity {
    std::uint64_t device = 0;
    std::uint64_t inode = 0;
    std::uint64_t size = 0;
    std::int64_t mtime_ns = 0;
    std::uint64_t bytes_used = 0;   // superblock: the image's length
    std::uint32_t block_size = 0;   // superblock: the uncompressed data block size
    bool operator==(const ImageIdentity&) const = default;
};

// A block as the image's metadata names it: its offset and its on-disk header (compressed
// size and the uncompressed bit), the key of libsquashfuse's block caches.
struct BlockRef {
    std::uint64_t position = 0;
    std::uint32_t header = 0;
    bool operator==(const BlockRef&) const = default;
};

struct ReadProfile {
    ImageIdentity image;
    std::vector<BlockRef> blocks;  // in order of first use, no duplicates
};

// At most this many bytes of decompressed blocks are prefetched (and recorded) per image.
// `import numpy, scipy.linalg, scipy.sparse` needs 60 MiB of a Debian image's blocks; at the
// former 16 MiB a fresh server's first such launch took 732 ms, with the whole profile 526
// (bench/README.md, "bench/workload").
inline constexpr std::uint64_t profile_byte_limit = 128u << 20;
std::size_t profile_block_limit(const ImageIdentity& image);

// The size a block occupies in the image, from its header.
std::uint32_t stored_size(std::uint32_t header);

std::string encode_profile(const ReadProfile& profile);
// nullopt unless `bytes` is a complete profile of `image` whose every block lies inside it.
std::optional<ReadProfile> decode_profile(std::string_view bytes, const ImageIdentity& image);

// The profile file of `image` in `directory`.
std::string profile_file(const std::string& directory, const ImageIdentity& image);
std::optional<ReadProfile> load_profile(const std::string& directory, const ImageIdentity& image);
// Best effort, write-then-rename: a profile that cannot be written is simply not used.
void store_profile(const std::string& directory, const ReadProfile& profile);

}  // namespace skiff::ns
