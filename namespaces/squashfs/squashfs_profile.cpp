#include "namespaces/squashfs/squashfs_profile.hpp"

#include <charconv>
#include <unordered_set>

#include "common/read_small_file.hpp"
#include "common/replace_file.hpp"

namespace skiff::ns {
namespace {

// Bump when the format or the meaning of an entry changes.
constexpr std::string_view header_line = "skiff-read-profile 1\n";
constexpr std::string_view end_line = "end\n";
// squashfs_fs.h: SQUASHFS_COMPRESSED_BIT_BLOCK marks a block stored uncompressed.
constexpr std::uint32_t uncompressed_bit = 1u << 24;

std::string identity_line(const ImageIdentity& image) {
    return "image " + std::to_string(image.device) + " " + std::to_string(image.inode) + " " +
           std::to_string(image.size) + " " + std::to_string(image.mtime_ns) + " " +
           std::to_string(image.bytes_used) + " " + std::to_string(image.block_size) + "\n";
}

// Cuts the next line (without its newline) off `rest`; nullopt if none is complete.
std::optional<std::string_view> next_line(std::string_view& rest) {
    auto end = rest.find('\n');
    if (end == std::string_view::npos) return std::nullopt;
    auto line = rest.substr(0, end);
    rest.remove_prefix(end + 1);
    return line;
}

template <typename T>
bool parse_number(std::string_view& text, T& value) {
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc{} || end == text.data()) return false;
    text.remove_prefix(static_cast<std::size_t>(end - text.data()));
    if (!text.empty() && text.front() == ' ') text.remove_prefix(1);
    return true;
}

std::optional<BlockRef> parse_block(std::string_view line, const ImageIdentity& image) {
    BlockRef block;
    if (!parse_number(line, block.position) || !parse_number(line, block.header) || !line.empty()) return std::nullopt;
    std::uint32_t size = stored_size(block.header);
    bool valid_header = (block.header & ~(uncompressed_bit | (uncompressed_bit - 1))) == 0;
    if (!valid_header || size == 0 || size > image.block_size) return std::nullopt;
    if (block.position > image.bytes_used || size > image.bytes_used - block.position) return std::nullopt;
    return block;
}

struct BlockHash {
    std::size_t operator()(const BlockRef& block) const { return std::hash<std::uint64_t>{}(block.position); }
};

}  // namespace

std::size_t profile_block_limit(const ImageIdentity& image) {
    return image.block_size == 0 ? 0 : static_cast<std::size_t>(profile_byte_limit / image.block_size);
}

std::uint32_t stored_size(std::uint32_t header) { return header & ~uncompressed_bit; }

std::string encode_profile(const ReadProfile& profile) {
    std::string out(header_line);
    out += identity_line(profile.image);
    for (const auto& block : profile.blocks)
        out += std::to_string(block.position) + " " + std::to_string(block.header) + "\n";
    out += end_line;
    return out;
}

std::optional<ReadProfile> decode_profile(std::string_view bytes, const ImageIdentity& image) {
    if (!bytes.starts_with(header_line)) return std::nullopt;
    bytes.remove_prefix(header_line.size());
    std::string identity = identity_line(image);
    if (!bytes.starts_with(identity)) return std::nullopt;
    bytes.remove_prefix(identity.size());
    ReadProfile profile{image, {}};
    std::unordered_set<BlockRef, BlockHash> seen;
    while (auto line = next_line(bytes)) {
        if (*line == end_line.substr(0, end_line.size() - 1)) return bytes.empty() ? std::optional(profile) : std::nullopt;
        auto block = parse_block(*line, image);
        if (!block || !seen.insert(*block).second || profile.blocks.size() >= profile_block_limit(image))
            return std::nullopt;
        profile.blocks.push_back(*block);
    }
    return std::nullopt;  // no end line: cut short
}

std::string profile_file(const std::string& directory, const ImageIdentity& image) {
    return directory + "/" + std::to_string(image.device) + "-" + std::to_string(image.inode) + "-" +
           std::to_string(image.size) + "-" + std::to_string(image.mtime_ns) + ".reads";
}

std::optional<ReadProfile> load_profile(const std::string& directory, const ImageIdentity& image) {
    // 1 MiB is far larger than any real profile.
    auto bytes = read_small_file(profile_file(directory, image), std::size_t{1} << 20);
    if (!bytes) return std::nullopt;
    return decode_profile(*bytes, image);
}

void store_profile(const std::string& directory, const ReadProfile& profile) {
    replace_file(profile_file(directory, profile.image), encode_profile(profile));
}

}  // namespace skiff::ns
