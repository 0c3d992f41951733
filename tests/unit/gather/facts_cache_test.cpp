#include "launcher/gather/facts_cache.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include "tests/support/temp_dir.hpp"

namespace skiff::gather {
namespace {

plan::ImageFacts awkward_facts() {
    plan::ImageFacts facts;
    facts.env = {{"PATH", "/usr/bin:/bin"}, {"ODD", "a,b:c\n12:x,\"'$`\\ é"}, {"EMPTY", ""}};
    facts.workdir = "/work dir";
    facts.entrypoint = {"/bin/sh", "-c", ""};
    facts.cmd = {"3:abc,"};
    facts.passwd = "root:x:0:0:root:/root:/bin/sh\n";
    facts.group = std::string("wheel:x:10:\0binary", 18);
    return facts;
}

void expect_same(const plan::ImageFacts& a, const plan::ImageFacts& b) {
    EXPECT_EQ(a.env, b.env);
    EXPECT_EQ(a.workdir, b.workdir);
    EXPECT_EQ(a.entrypoint, b.entrypoint);
    EXPECT_EQ(a.cmd, b.cmd);
    EXPECT_EQ(a.passwd, b.passwd);
    EXPECT_EQ(a.group, b.group);
}

TEST(FactsCache, RoundTripKeepsEveryByte) {
    auto facts = awkward_facts();
    auto decoded = decode_facts(encode_facts(facts));
    ASSERT_TRUE(decoded);
    expect_same(facts, *decoded);
}

TEST(FactsCache, RoundTripOfAbsentFields) {
    plan::ImageFacts facts;
    auto decoded = decode_facts(encode_facts(facts));
    ASSERT_TRUE(decoded);
    EXPECT_FALSE(decoded->workdir);
    EXPECT_FALSE(decoded->passwd);
    EXPECT_TRUE(decoded->env.empty());
}

TEST(FactsCache, EveryTruncationIsRejected) {
    std::string bytes = encode_facts(awkward_facts());
    for (std::size_t n = 0; n < bytes.size(); ++n)
        EXPECT_FALSE(decode_facts(bytes.substr(0, n))) << "accepted the first " << n << " bytes";
}

TEST(FactsCache, TrailingBytesAndOtherFormatsAreRejected) {
    std::string bytes = encode_facts(awkward_facts());
    EXPECT_FALSE(decode_facts(bytes + "0:,"));
    std::string other_format = bytes;
    other_format[18] = '2';  // "skiff-image-facts 2"
    EXPECT_FALSE(decode_facts(other_format));
    EXPECT_FALSE(decode_facts("skiff-image-facts 1\n99999999999999999999999:x,"));
}

image::ImageSource image_with(std::int64_t mtime_ns) {
    image::ImageSource image;
    image.path = "/images/a.sqsh";
    image.device = 42;
    image.inode = 7;
    image.size = 4096;
    image.mtime_ns = mtime_ns;
    return image;
}

TEST(FactsCache, StoredEntryIsFoundForTheSameIdentityOnly) {
    test::TempDir dir("facts");
    auto facts = awkward_facts();
    store_cached_facts(dir.path(), image_with(1), facts);
    auto loaded = load_cached_facts(dir.path(), image_with(1));
    ASSERT_TRUE(loaded);
    expect_same(facts, *loaded);
    EXPECT_FALSE(load_cached_facts(dir.path(), image_with(2))) << "a rewritten image must not use the old entry";
}

TEST(FactsCache, CorruptEntryIsAMiss) {
    test::TempDir dir("facts");
    dir.write_file(facts_cache_file(dir.path(), image_with(1)).substr(dir.path().size() + 1), "skiff-image-facts 1\n5:ab");
    EXPECT_FALSE(load_cached_facts(dir.path(), image_with(1)));
}

}  // namespace
}  // namespace skiff::gather
