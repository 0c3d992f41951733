// The image facts cache (launcher/gather/facts_cache.hpp): later launches of an unchanged squashfs
// image skip reading its metadata; a replaced image is read again.
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "tests/ns/warm_fixture.hpp"

namespace skiff::test {
namespace {

class FactsCache : public WarmTest {
protected:
    void SetUp() override {
        WarmTest::SetUp();
        if (IsSkipped()) return;
        copy(image("musl.sqsh"));
    }

    void copy(const std::string& from) {
        std::filesystem::copy_file(from, image_path_, std::filesystem::copy_options::overwrite_existing);
    }

    ProcessResult launch(const std::string& script) { return sh(image_path_, unremembered(script), {"-v"}, options()); }

    // The script with a comment no other launch of the test has: a launch repeated after
    // plan_memory.hpp's racy_ns would take its plan from the plan memory and gather nothing.
    std::string unremembered(const std::string& script) { return script + "  # launch " + std::to_string(++launches_); }

    static bool cached(const ProcessResult& r) {
        return r.err.find("read the image's metadata (cached)") != std::string::npos;
    }

    TempDir images_{"images"};
    std::string image_path_ = images_ / "image.sqsh";
    int launches_ = 0;
};

TEST_F(FactsCache, SecondLaunchUsesTheCacheInThePrivateRuntimeDirectory) {
    auto first = launch("true");
    ASSERT_EQ(first.status, 0) << first.err;
    EXPECT_FALSE(cached(first)) << first.err;
    auto second = launch("true");
    ASSERT_EQ(second.status, 0) << second.err;
    EXPECT_TRUE(cached(second)) << second.err;
    struct stat st {};
    ASSERT_EQ(::stat((runtime_ / "skiff/image-facts").c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0700u);
}

TEST_F(FactsCache, ReplacedImageIsReadAgain) {
    ASSERT_EQ(launch("true").status, 0);
    copy(image("debian.sqsh"));  // same path, rewritten in place: new size and mtime
    // /etc/passwd in the container is built from the image's: stale facts would show musl's.
    auto r = launch("grep -c '^_apt:' /etc/passwd");
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_FALSE(cached(r)) << r.err;
    EXPECT_EQ(r.out, "1\n");
}

// A launch that injects libraries needs the image's C library (libc_cache.hpp): the second
// launch takes it from the cache; a damaged entry is read again, and a rewritten image too.
TEST_F(FactsCache, TheImagesCLibraryIsCachedForLaunchesThatInjectLibraries) {
    copy(image("debian.sqsh"));
    auto libc_of = [this] {
        const std::vector<std::string> flags{"-v", "--mount", image("musl-rootfs") + "/opt/lib:/opt/lib:ro+ldcache"};
        auto r = sh(image_path_, unremembered("echo ok"), flags, options());
        EXPECT_EQ(r.out, "ok\n") << r;
        for (const char* said : {"the image's C library: cached", "the image's C library: read"})
            if (r.err.find(said) != std::string::npos) return std::string(said).substr(23);
        return std::string("not said");
    };
    EXPECT_EQ(libc_of(), "read");
    EXPECT_EQ(libc_of(), "cached");
    std::filesystem::path entry;
    for (const auto& file : std::filesystem::directory_iterator(runtime_ / "skiff/image-facts"))
        if (file.path().extension() == ".libc") entry = file.path();
    ASSERT_FALSE(entry.empty());
    std::ofstream(entry) << "skiff-image-libc 1\n4:echo,1:1,99";  // cut short
    EXPECT_EQ(libc_of(), "read");
    EXPECT_EQ(libc_of(), "cached");
    copy(image("musl.sqsh"));
    EXPECT_EQ(libc_of(), "read");
}

TEST_F(FactsCache, ForeignRuntimeDirectoryIsReportedAndNotUsed) {
    ASSERT_EQ(::mkdir((runtime_ / "skiff").c_str(), 0755), 0);
    auto r = launch("true");
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_NE(r.err.find("warning: skiff's runtime directory '" + runtime_ / "skiff" + "' is not a private directory"),
              std::string::npos) << r.err;
    EXPECT_FALSE(std::filesystem::exists(runtime_ / "skiff/image-facts"));
}

// --dry-run writes nothing: no runtime directory, no facts cache, no image store; it still
// names the server a launch would use. After a launch, a dry run reads the launch's cache.
TEST_F(FactsCache, DryRunWritesNothing) {
    TempDir home("home");
    RunOptions o = options();
    (*o.env)["HOME"] = home.path();
    for (const char* name : {"XDG_CACHE_HOME", "SCRATCH", "EDF_IMAGESTORE"}) o.env->erase(name);
    auto dry = run_process({skiff_binary(), "run", "--dry-run", "-v", "--image", image_path_, "--", "true"}, o);
    ASSERT_EQ(dry.status, 0) << dry;
    EXPECT_NE(dry.out.find("server   warm: the image server at " + runtime_ / "skiff/servers/"), std::string::npos)
        << dry.out;
    auto registry = run_process({skiff_binary(), "run", "--dry-run", "--image", "ubuntu:24.04", "--", "true"}, o);
    EXPECT_EQ(registry.status, 125) << registry;
    EXPECT_TRUE(std::filesystem::is_empty(runtime_.path())) << "no runtime directory";
    EXPECT_TRUE(std::filesystem::is_empty(home.path())) << "no image store";
    ASSERT_EQ(launch("true").status, 0);
    auto again = run_process({skiff_binary(), "run", "--dry-run", "-v", "--image", image_path_, "--", "true"}, o);
    ASSERT_EQ(again.status, 0) << again;
    EXPECT_TRUE(cached(again)) << again.err;
}

}  // namespace
}  // namespace skiff::test
