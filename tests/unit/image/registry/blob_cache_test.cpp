// The blob cache: a blob is named only once verified; failures leave no file at all.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "launcher/image/registry/blob_cache.hpp"
#include "tests/support/temp_dir.hpp"

namespace skiff::image {
namespace {

std::vector<std::string> entries(const std::string& dir) {
    std::vector<std::string> out;
    for (const auto& e : std::filesystem::directory_iterator(dir)) out.push_back(e.path().filename().string());
    return out;
}

TEST(BlobCache, VerifiedBlobGetsItsName) {
    test::TempDir dir("blobs");
    auto cache = BlobCache::open(dir.path());
    ASSERT_TRUE(cache) << cache.error().message;
    std::string digest = sha256_digest("hello");
    auto w = cache->writer(digest, 5);
    ASSERT_TRUE(w);
    EXPECT_TRUE(w->write("hel"));
    EXPECT_TRUE(w->write("lo"));
    ASSERT_TRUE(w->commit());
    EXPECT_TRUE(cache->has(digest, 5));
    EXPECT_FALSE(cache->has(digest, 6));
    EXPECT_EQ(*cache->read(digest, 100), "hello");
    EXPECT_EQ(entries(dir / "sha256"), std::vector<std::string>{digest.substr(7)});
}

TEST(BlobCache, MismatchTooLongAndRestart) {
    test::TempDir dir("blobs");
    auto cache = BlobCache::open(dir.path());
    ASSERT_TRUE(cache);
    std::string digest = sha256_digest("hello");
    {
        auto w = cache->writer(digest, 5);
        ASSERT_TRUE(w);
        EXPECT_TRUE(w->write("HELLO"));
        auto r = w->commit();
        ASSERT_FALSE(r);
        EXPECT_NE(r.error().message.find("digest mismatch: the registry sent bytes with " + sha256_digest("HELLO")),
                  std::string::npos)
            << r.error().message;
    }
    {
        auto w = cache->writer(digest, 5);
        ASSERT_TRUE(w);
        EXPECT_FALSE(w->write("hello!"));
        EXPECT_NE(w->error()->message.find("more than the 5 bytes"), std::string::npos);
        ASSERT_TRUE(w->restart());
        EXPECT_TRUE(w->write("hello"));
        EXPECT_TRUE(w->commit());
    }
    EXPECT_EQ(entries(dir / "sha256"), std::vector<std::string>{digest.substr(7)});
}

TEST(BlobCache, AbandonedWriterLeavesNothing) {
    test::TempDir dir("blobs");
    auto cache = BlobCache::open(dir.path());
    ASSERT_TRUE(cache);
    {
        auto w = cache->writer(sha256_digest("x"), 1);
        ASSERT_TRUE(w);
        EXPECT_TRUE(w->write("x"));
    }
    EXPECT_EQ(entries(dir / "sha256"), std::vector<std::string>{});
}

TEST(BlobCache, AFileThatDoesNotMatchItsNameIsNotRead) {
    test::TempDir dir("blobs");
    auto cache = BlobCache::open(dir.path());
    ASSERT_TRUE(cache);
    std::string digest = sha256_digest("good");
    std::ofstream(cache->path_of(digest)) << "evil";
    auto r = cache->read(digest, 100);
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().message.find("does not match its name; delete it"), std::string::npos);
}

}  // namespace
}  // namespace skiff::image
