// What the image store promises (README "Images from registries"): the void store leaves
// nothing behind, `image rm` keeps the blob cache, and a second puller of one image waits for
// the first and uses its file.
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>

#include <fstream>
#include <thread>

#include "launcher/image/store.hpp"
#include "tests/e2e/registry/pull_fixture.hpp"

namespace skiff::test {
namespace {

namespace fs = std::filesystem;

struct FileId {
    ino_t inode = 0;
    std::int64_t mtime_ns = 0;
    bool operator==(const FileId&) const = default;
};

FileId file_id(const std::string& path) {
    struct stat st {};
    EXPECT_EQ(::stat(path.c_str(), &st), 0) << path;
    return {st.st_ino, st.st_mtim.tv_sec * 1'000'000'000LL + st.st_mtim.tv_nsec};
}

// Whether /proc/locks shows process `pid` waiting ("->") for a flock on inode `inode`.
bool waits_for_flock(pid_t pid, ino_t inode) {
    std::ifstream locks("/proc/locks");
    for (std::string line; std::getline(locks, line);)
        if (line.find("-> FLOCK") != std::string::npos && line.find(" " + std::to_string(pid) + " ") != std::string::npos &&
            line.find(":" + std::to_string(inode) + " ") != std::string::npos)
            return true;
    return false;
}

// Whether process `pid` has exited (a zombie, not yet reaped).
bool exited(pid_t pid) {
    std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
    std::string line;
    std::getline(stat, line);
    auto paren = line.rfind(')');
    return paren == std::string::npos || line.substr(paren + 2, 1) == "Z";
}

// EDF_IMAGESTORE=void: each launch pulls into a file in TMPDIR that is unlinked once open, so
// the container already runs from an unnamed file, and no image, blob or store stays behind.
TEST_F(Pull, VoidStorePullsEachLaunchAndLeavesNothing) {
    TempDir tmp("void-tmp", "/var/tmp");
    std::string home = work_ / "home";
    fs::create_directories(home);
    EnvMap extra{{"TMPDIR", tmp.path()}, {"HOME", home}, {"XDG_CACHE_HOME", ""}, {"SCRATCH", ""}};
    std::string ref = repo_http("multi") + ":1";
    for (int launch = 0; launch < 2; ++launch) {
        auto run = skiff({"run", "--mount", tmp.path() + ":/host-tmp", "--image", ref, "--", "/bin/sh", "-c",
                          "ls -A /host-tmp; cat /skiff-fixture"},
                         true, "void", extra);
        ASSERT_EQ(run.status, 0) << run;
        EXPECT_EQ(run.out, "multi\n") << "TMPDIR must be empty while the container runs";
        EXPECT_NE(run.err.find("skiff: pulling "), std::string::npos) << "launch " << launch << " pulls\n" << run;
        EXPECT_NE(run.err.find("downloading"), std::string::npos) << "no blob cache is kept\n" << run;
        EXPECT_EQ(entries(tmp.path()), std::vector<std::string>{});
    }
    EXPECT_EQ(entries(home), std::vector<std::string>{}) << "no default store was made";
    EXPECT_EQ(store_entries(), std::vector<std::string>{});
}

// `skiff image rm` removes the image file only: STORE/.blobs/sha256/ keeps every blob, and the
// next pull of the image downloads none of them again.
TEST_F(Pull, ImageRmKeepsTheBlobCache) {
    std::string ref = repo_http("multi") + ":1";
    auto pull = skiff({"image", "pull", ref});
    ASSERT_EQ(pull.status, 0) << pull;
    std::string blobs = store_ + "/.blobs/sha256";
    auto cached = entries(blobs);
    ASSERT_GE(cached.size(), 4u) << "a manifest, a config and three layers";
    auto rm = skiff({"image", "rm", ref});
    ASSERT_EQ(rm.status, 0) << rm;
    auto left = store_entries();
    EXPECT_TRUE(std::none_of(left.begin(), left.end(), [](const auto& n) { return n.ends_with(".sqsh"); }))
        << ::testing::PrintToString(left);
    EXPECT_EQ(entries(blobs), cached);
    auto again = skiff({"image", "pull", ref});
    ASSERT_EQ(again.status, 0) << again;
    EXPECT_NE(again.err.find("already cached"), std::string::npos) << again;
    EXPECT_EQ(again.err.find("downloading"), std::string::npos) << again;
}

// `<file>.lock` serializes pulls of one image: a pull that finds the lock held waits for it,
// then uses the file the holder made and pulls nothing. The test plays the first puller: it
// holds the lock and makes the file with `skiff-pull pull REF -o FILE`, the same conversion.
TEST_F(Pull, ASecondPullerWaitsThenUsesTheFirstOnesFile) {
    std::string ref = repo_http("multi") + ":1";
    auto parsed = image::parse_reference(ref);
    ASSERT_TRUE(parsed) << parsed.error().message;
    std::string file = image::store_file({false, store_, ""}, *parsed, image::machine_architecture());
    auto lock = image::lock_store_file(file);
    ASSERT_TRUE(lock) << lock.error().message;
    auto second = start_process({skiff_binary(), "image", "pull", ref}, run_options(env(), std::chrono::seconds(240)));
    ino_t lock_inode = file_id(file + ".lock").inode;
    bool waiting = false;
    for (int i = 0; i < 600 && !waiting && !exited(second.pid()); ++i) {
        waiting = waits_for_flock(second.pid(), lock_inode);
        if (!waiting) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    ASSERT_TRUE(waiting) << "the second pull does not wait for the lock\n" << second.wait();
    std::string pull_helper = fs::path(skiff_binary()).parent_path() / "skiff-pull";
    auto first = run_process({pull_helper, "pull", ref, "-o", file}, run_options(env(), std::chrono::seconds(240)));
    ASSERT_EQ(first.status, 0) << first;
    FileId made = file_id(file);
    lock->reset();
    auto r = second.wait();
    EXPECT_EQ(r.status, 0) << r;
    EXPECT_EQ(r.out, file + "\n") << r;
    EXPECT_EQ(r.err.find("pulling"), std::string::npos) << "it pulled again\n" << r;
    EXPECT_TRUE(file_id(file) == made) << "the first puller's file was replaced";
}

}  // namespace
}  // namespace skiff::test
