// The linker configuration of a launch from the hooks' contributions (launcher/gather/linker_facts.hpp).
#include "launcher/gather/linker_facts.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <memory>

#include "libfabric-bind/cache_reader.hpp"
#include "tests/unit/hooks/fake_host.hpp"
#include "tests/unit/ldcache/ldcache_test_support.hpp"

namespace skiff::gather {
namespace {

// CDI's update-ldcache: a library a hook's bind puts at its own path joins the cache.
TEST(LinkerFacts, CacheEntriesOfAContributionJoinTheGlibcCache) {
    hooks::ImageLinker linker{std::make_unique<ldtest::MemorySource>(), hooks::testing::glibc_image(), {}};
    plan::Contribution cdi;
    cdi.hook = "cdi";
    cdi.cache_entries = {{"libcuda.so.1", "/usr/lib64/libcuda.so.550.54.15"}};
    Diagnostics diag;
    auto config = read_linker_config(edf::Environment{}, &linker, {cdi}, "", diag);
    ASSERT_TRUE(config) << config.error().message;
    ASSERT_TRUE(*config) << "cache entries alone ask for a linker configuration";
    ASSERT_TRUE((*config)->glibc_cache);
    auto cache = ldcache::read_cache(*(*config)->glibc_cache, std::endian::little, "cache");
    ASSERT_TRUE(cache) << cache.error().message;
    auto& entries = cache->entries;
    auto found = std::find_if(entries.begin(), entries.end(), [](const auto& e) { return e.key == "libcuda.so.1"; });
    ASSERT_NE(found, entries.end());
    EXPECT_EQ(found->value, "/usr/lib64/libcuda.so.550.54.15");
}

// A musl image: CDI's glibc-linked libraries have no place in its path file, and neither has
// /.skiff/lib when no hook injects libraries there.
TEST(LinkerFacts, CacheEntriesAloneLeaveTheMuslPathAlone) {
    hooks::ImageLinker linker{std::make_unique<ldtest::MemorySource>(), hooks::testing::musl_image(), {}};
    plan::Contribution cdi;
    cdi.cache_entries = {{"libcuda.so.1", "/usr/lib64/libcuda.so.550.54.15"}};
    Diagnostics diag;
    auto config = read_linker_config(edf::Environment{}, &linker, {cdi}, "", diag);
    ASSERT_TRUE(config) << config.error().message;
    ASSERT_TRUE(*config);
    EXPECT_EQ((*config)->musl_path_content.find(plan::library_dir), std::string::npos) << (*config)->musl_path_content;
}

TEST(LinkerFacts, NothingInjectedNoConfiguration) {
    hooks::ImageLinker linker{std::make_unique<ldtest::MemorySource>(), hooks::testing::glibc_image(), {}};
    Diagnostics diag;
    auto config = read_linker_config(edf::Environment{}, &linker, {plan::Contribution{}}, "", diag);
    ASSERT_TRUE(config);
    EXPECT_FALSE(*config);
}

}  // namespace
}  // namespace skiff::gather
