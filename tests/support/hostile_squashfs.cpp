#include "tests/support/hostile_squashfs.hpp"

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <random>
#include <string_view>

namespace skiff::test {
namespace {

using Bytes = std::string;
using Expect = HostileImage::Expect;

constexpr std::size_t long_name_size = 250;
constexpr std::string_view root_prefix = "0-root-", etc_prefix = "0-etc-";
constexpr int bit_flip_images = 24;
constexpr int bits_flipped = 8;

std::uint64_t get(const Bytes& b, std::size_t at, std::size_t width) {
    std::uint64_t value = 0;
    for (std::size_t i = width; i-- > 0;) value = value << 8 | static_cast<unsigned char>(b[at + i]);
    return value;
}

void put(Bytes& b, std::size_t at, std::size_t width, std::uint64_t value) {
    for (std::size_t i = 0; i < width; ++i, value >>= 8) b[at + i] = static_cast<char>(value & 0xff);
}

// The superblock's fields that the corpus uses (squashfs_fs.h: offset in the superblock).
struct Layout {
    std::uint64_t bytes_used, inode_table, directory_table;
    explicit Layout(const Bytes& b) : bytes_used(get(b, 40, 8)), inode_table(get(b, 64, 8)), directory_table(get(b, 72, 8)) {}
};

// The first long name starting with `prefix` in [from, to) whose length field, `width` bytes
// just before it, holds its length - 1: a directory entry (u16) or an index entry (u32).
std::size_t find_length_field(const Bytes& b, std::string_view prefix, std::size_t from, std::size_t to,
                              std::size_t width) {
    for (std::size_t at = b.find(prefix, from); at != Bytes::npos && at < to; at = b.find(prefix, at + 1))
        if (at >= width && get(b, at - width, width) == long_name_size - 1) return at - width;
    return Bytes::npos;
}

struct Field {
    const char* what;
    std::size_t offset, width;
    std::uint64_t value;
};

std::vector<Field> superblock_fields(const Bytes& b, const Layout& l) {
    std::uint64_t end = l.bytes_used;
    return {{"magic = 0", 0, 4, 0},
            {"inodes = 0", 4, 4, 0},
            {"block_size = 0", 12, 4, 0},
            {"block_size = 1 GiB", 12, 4, 1u << 30},
            {"block_size = 3000", 12, 4, 3000},
            {"block_log disagrees with block_size", 22, 2, get(b, 22, 2) + 1},
            {"fragments > inodes", 16, 4, 0xffffffff},
            {"compression = 0", 20, 2, 0},
            {"compression = 99", 20, 2, 99},
            {"no_ids = 0", 26, 2, 0},
            {"version 3.0", 28, 2, 3},
            {"root inode outside the inode table", 32, 8, std::uint64_t{0xffffff} << 16},
            {"root inode offset past its block", 32, 8, get(b, 32, 8) | 0xfff0},
            {"bytes_used past the file", 40, 8, b.size() * 2},
            {"id table past the end", 48, 8, end - 2},
            {"xattr table past the end", 56, 8, end - 4},
            {"inode table after the directory table", 64, 8, l.directory_table + 1},
            {"directory table past the end", 72, 8, end + 10},
            {"fragment table past the end", 80, 8, end - 1},
            {"export table past the end", 88, 8, end - 1}};
}

class Writer {
public:
    Writer(std::string dir, std::vector<HostileImage>& out) : dir_(std::move(dir)), out_(out) {}
    void add(const std::string& what, const Bytes& bytes, Expect expect) {
        std::string path = dir_ + "/hostile-" + std::to_string(out_.size()) + ".sqsh";
        std::ofstream(path, std::ios::binary) << bytes;
        out_.push_back({what, path, expect});
    }

private:
    std::string dir_;
    std::vector<HostileImage>& out_;
};

// The bytes of a squashfs image; nullopt (and `why`) when it is not one.
std::optional<Bytes> read_image(const std::string& path, std::string& why) {
    std::ifstream in(path, std::ios::binary);
    Bytes bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    if (bytes.size() < 96 || get(bytes, 0, 4) != 0x73717368) return why = path + " is not a squashfs image", std::nullopt;
    return bytes;
}

void add_bit_flips(Writer& w, const Bytes& base, const Layout& l) {
    for (int seed = 1; seed <= bit_flip_images; ++seed) {
        std::mt19937_64 random(static_cast<std::uint64_t>(seed));
        std::uniform_int_distribution<std::uint64_t> place(l.inode_table, l.bytes_used - 1);
        Bytes flipped = base;
        for (int i = 0; i < bits_flipped; ++i) flipped[place(random)] ^= static_cast<char>(1 << (random() % 8));
        w.add("bit flips in the tables, seed " + std::to_string(seed), flipped, Expect::no_crash);
    }
}

}  // namespace

void add_long_names(const std::string& root) {
    auto add = [](const std::string& dir, std::string_view prefix, int count) {
        for (int i = 0; i < count; ++i) {
            std::string name = std::string(prefix) + std::to_string(1000 + i) + "-";
            name.resize(long_name_size, 'n');
            std::ofstream(dir + "/" + name).flush();
        }
    };
    add(root, root_prefix, 3);
    std::filesystem::create_directories(root + "/etc");
    add(root + "/etc", etc_prefix, 300);
}

std::vector<std::string> plain_metadata_options() { return {"-noI", "-noD", "-noF", "-noX", "-all-root", "-noappend", "-quiet"}; }

std::vector<HostileImage> write_hostile_corpus(const std::string& base_path, const std::string& out_dir, std::string& why) {
    std::vector<HostileImage> corpus;
    auto read = read_image(base_path, why);
    if (!read) return corpus;
    const Bytes& base = *read;
    const Layout l(base);
    std::size_t entry = find_length_field(base, root_prefix, l.directory_table, l.bytes_used, 2);
    std::size_t index = find_length_field(base, etc_prefix, l.inode_table, l.directory_table, 4);
    if (entry == Bytes::npos || index == Bytes::npos)
        return why = base_path + " has no long names in plain metadata (add_long_names, plain_metadata_options)", corpus;
    Writer w(out_dir, corpus);
    Bytes b = base;
    put(b, entry, 2, 0x0fff);
    w.add("a directory entry's name is 4096 bytes long", b, Expect::refused);
    b = base;
    put(b, index, 4, 0xffffffff);
    w.add("a directory index entry's name is 4 GiB long", b, Expect::refused_as_image);
    // libsquashfuse's caches take position 0, and number + 1 in 32 bits, for an empty slot.
    b = base;
    put(b, get(base, 80, 8), 8, 0);
    w.add("the fragment table's block at offset 0", b, Expect::refused_as_image);
    b = base;
    const std::uint64_t root = get(base, 32, 8);
    put(b, l.inode_table + (root >> 16) + 2 + (root & 0xffff) + 12, 4, 0xffffffff);
    w.add("the root inode's number is 0xffffffff", b, Expect::refused);
    for (const Field& f : superblock_fields(base, l)) {
        b = base;
        put(b, f.offset, f.width, f.value);
        w.add(std::string("superblock: ") + f.what, b, Expect::refused);
    }
    for (std::size_t size : {std::size_t{50}, std::size_t{96}, base.size() / 2, l.bytes_used - 1})
        w.add("truncated to " + std::to_string(size) + " bytes", base.substr(0, size), Expect::refused);
    add_bit_flips(w, base, l);
    return corpus;
}

bool write_damaged_entry_inode(const std::string& base_path, const std::string& out_path, std::string& why) {
    auto read = read_image(base_path, why);
    if (!read) return false;
    Bytes& b = *read;
    const Layout l(b);
    std::size_t size_field = find_length_field(b, root_prefix, l.directory_table, l.bytes_used, 2);
    if (size_field == Bytes::npos) return why = base_path + " has no long names in plain metadata", false;
    // squashfs_dir_entry: offset, inode_number, type, size (u16 each), then the name.
    put(b, size_field - 6, 2, 0xfff0);  // past the 8 KiB metadata block the inode is in
    std::ofstream(out_path, std::ios::binary) << b;
    return true;
}

}  // namespace skiff::test
