// Read profiles (namespaces/squashfs/squashfs_profile.hpp): a profile is used only when it is complete,
// names the served image and every block lies inside that image.
#include "namespaces/squashfs/squashfs_profile.hpp"

#include <gtest/gtest.h>

#include "tests/support/temp_dir.hpp"

namespace skiff::ns {
namespace {

constexpr std::uint32_t uncompressed = 1u << 24;

ImageIdentity sample_image() { return {2049, 1234, 58859520, 1700000000123456789, 58859520 - 4096, 131072}; }

ReadProfile sample_profile() {
    return {sample_image(), {{96, 40000}, {40096, 131072 | uncompressed}, {500000, 812}}};
}

TEST(ReadProfile, RoundTrips) {
    auto decoded = decode_profile(encode_profile(sample_profile()), sample_image());
    ASSERT_TRUE(decoded.has_value());
    EXPECT_EQ(decoded->image, sample_image());
    EXPECT_EQ(decoded->blocks, sample_profile().blocks);
}

TEST(ReadProfile, AnotherImageIdentityIsRejected) {
    auto bytes = encode_profile(sample_profile());
    for (auto change : {+[](ImageIdentity& i) { ++i.device; }, +[](ImageIdentity& i) { ++i.inode; },
                        +[](ImageIdentity& i) { ++i.size; }, +[](ImageIdentity& i) { ++i.mtime_ns; },
                        +[](ImageIdentity& i) { ++i.bytes_used; }, +[](ImageIdentity& i) { i.block_size = 4096; }}) {
        ImageIdentity other = sample_image();
        change(other);
        EXPECT_FALSE(decode_profile(bytes, other).has_value());
    }
}

TEST(ReadProfile, DamagedProfilesAreRejected) {
    auto good = encode_profile(sample_profile());
    const auto image = sample_image();
    EXPECT_FALSE(decode_profile("", image).has_value());
    EXPECT_FALSE(decode_profile(good.substr(0, good.size() - 4), image).has_value()) << "no end line";
    EXPECT_FALSE(decode_profile(good.substr(0, good.size() - 1), image).has_value()) << "end line cut";
    EXPECT_FALSE(decode_profile(good + "7 7\n", image).has_value()) << "bytes after the end";
    EXPECT_FALSE(decode_profile("skiff-read-profile 2" + good.substr(good.find('\n')), image).has_value());
    auto with_line = [&](const std::string& line) {
        auto at = good.rfind("end\n");
        return good.substr(0, at) + line + "\n" + good.substr(at);
    };
    EXPECT_TRUE(decode_profile(with_line("700000 900"), image).has_value()) << "the helper itself";
    EXPECT_FALSE(decode_profile(with_line("96 40000"), image).has_value()) << "a duplicate";
    EXPECT_FALSE(decode_profile(with_line("700000"), image).has_value());
    EXPECT_FALSE(decode_profile(with_line("700000 900 1"), image).has_value());
    EXPECT_FALSE(decode_profile(with_line("-5 900"), image).has_value());
    EXPECT_FALSE(decode_profile(with_line("x 900"), image).has_value());
    EXPECT_FALSE(decode_profile(with_line("700000 0"), image).has_value()) << "an empty block";
    EXPECT_FALSE(decode_profile(with_line("700000 131073"), image).has_value()) << "larger than a block";
    EXPECT_FALSE(decode_profile(with_line("700000 " + std::to_string(1u << 25 | 10)), image).has_value()) << "unknown header bits";
    EXPECT_FALSE(decode_profile(with_line(std::to_string(image.bytes_used - 10) + " 11"), image).has_value())
        << "past the image's end";
    EXPECT_FALSE(decode_profile(with_line("18446744073709551615 11"), image).has_value()) << "overflowing the image";
}

TEST(ReadProfile, AtMostTheByteLimitOfBlocks) {
    ReadProfile profile{sample_image(), {}};
    std::size_t limit = profile_block_limit(profile.image);
    EXPECT_EQ(limit, profile_byte_limit / 131072);
    for (std::uint64_t i = 0; i < limit; ++i) profile.blocks.push_back({4096 + i * 100, 100});
    EXPECT_TRUE(decode_profile(encode_profile(profile), profile.image).has_value());
    profile.blocks.push_back({4096 + limit * 100, 100});
    EXPECT_FALSE(decode_profile(encode_profile(profile), profile.image).has_value());
}

TEST(ReadProfile, StoredAndLoadedByImageIdentity) {
    test::TempDir dir{"profiles"};
    store_profile(dir.path(), sample_profile());
    auto loaded = load_profile(dir.path(), sample_image());
    ASSERT_TRUE(loaded.has_value());
    EXPECT_EQ(loaded->blocks, sample_profile().blocks);
    ImageIdentity replaced = sample_image();
    ++replaced.mtime_ns;  // the same file rewritten: another profile file, none yet
    EXPECT_NE(profile_file(dir.path(), replaced), profile_file(dir.path(), sample_image()));
    EXPECT_FALSE(load_profile(dir.path(), replaced).has_value());
}

}  // namespace
}  // namespace skiff::ns
