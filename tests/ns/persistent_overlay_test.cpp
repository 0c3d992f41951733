// skiff run --overlay DIR: the writable layer on disk, kept for the next launch with the same
// DIR, with either driver; one container at a time per DIR; one image per DIR unless --force.
#include <sys/stat.h>

#include <chrono>
#include <cstdio>

#include "tests/support/launch_fixture.hpp"
#include "tests/support/temp_dir.hpp"

namespace skiff::test {
namespace {

using namespace std::chrono_literals;

class PersistentOverlay : public NsTest {
protected:
    static RunOptions with_driver(const std::string& driver) {
        RunOptions run;
        run.env = current_environment();
        (*run.env)["SKIFF_OVERLAY"] = driver;
        return run;
    }
    static bool exists(const std::string& path) {
        struct stat st {};
        return ::lstat(path.c_str(), &st) == 0;
    }
    static std::string in_use(const std::string& dir, pid_t pid) {
        return "skiff: error: --overlay '" + dir + "' is in use by another container (pid " + std::to_string(pid) +
               "); wait for it, or use another DIR\n";
    }
};

TEST_F(PersistentOverlay, WritesAndDeletionsReachTheNextLaunchWithTheSameDir) {
    const std::string musl = image("musl.sqsh");
    for (const std::string driver : {"kernel", "fuse"}) {
        TempDir tmp("overlay-" + driver);
        const std::string dir = tmp / "layer";
        auto first = sh(musl, "echo kept > /opt/note && rm /skiff-fixture /etc/os-release && chmod 750 /opt && echo ok",
                        {"--overlay", dir}, with_driver(driver));
        ASSERT_EQ(first.status, 0) << driver << "\n" << first;
        EXPECT_EQ(first.out, "ok\n") << driver;
        auto second = sh(musl, "cat /opt/note; test -e /skiff-fixture || echo fixture gone; "
                               "test -e /etc/os-release || echo release gone; stat -c %a /opt",
                         {"--overlay", dir}, with_driver(driver));
        ASSERT_EQ(second.status, 0) << driver << "\n" << second;
        EXPECT_EQ(second.out, "kept\nfixture gone\nrelease gone\n750\n") << driver;
        EXPECT_EQ(tmp.read_file("layer/upper/opt/note"), "kept\n") << driver << ": the layer is DIR/upper";
        EXPECT_EQ(tmp.read_file("layer/image").rfind("skiff-overlay-image 1\nkind squashfs\n", 0), 0u) << driver;
        auto other = sh(musl, "test -e /opt/note || echo independent; cat /skiff-fixture >/dev/null && echo fixture",
                        {"--overlay", tmp / "other"}, with_driver(driver));
        EXPECT_EQ(other.out, "independent\nfixture\n") << driver << "\n" << other;
        auto in_memory = sh(musl, "test -e /opt/note || echo in memory", {}, with_driver(driver));
        EXPECT_EQ(in_memory.out, "in memory\n") << driver << "\n" << in_memory;
    }
}

// The root's mode comes from the upper layer's directory: a new DIR starts with the image's,
// and a kept one keeps what a container made of it.
TEST_F(PersistentOverlay, TheRootStartsWithTheImagesModeAndKeepsTheContainersChange) {
    const std::string musl = image("musl.sqsh");
    for (const std::string driver : {"kernel", "fuse"}) {
        TempDir tmp("overlay-mode-" + driver);
        auto plain = sh(musl, "stat -c %a /", {}, with_driver(driver));
        auto fresh = sh(musl, "stat -c %a / && chmod 751 /", {"--overlay", tmp / "d"}, with_driver(driver));
        ASSERT_EQ(fresh.status, 0) << driver << "\n" << fresh;
        EXPECT_EQ(fresh.out, plain.out) << driver;
        auto kept = sh(musl, "stat -c %a /", {"--overlay", tmp / "d"}, with_driver(driver));
        EXPECT_EQ(kept.out, "751\n") << driver << "\n" << kept;
    }
}

// The first launch holds DIR until its command ends; a second is refused with one line and
// exit 125, before it changes anything, whether it plans afresh or recalls its plan.
TEST_F(PersistentOverlay, ASecondLaunchOnTheSameDirIsRefusedWhileTheFirstRuns) {
    const std::string musl = image("musl.sqsh");
    for (const std::string driver : {"kernel", "fuse"}) {
        TempDir tmp("overlay-lock-" + driver);
        const std::string dir = tmp / "layer";
        tmp.write_file("sync/.keep", "");
        auto remembered = sh(musl, "true", {"--overlay", dir}, with_driver(driver));  // the plan memory's
        ASSERT_EQ(remembered.status, 0) << driver << "\n" << remembered;
        auto first = start_process({skiff_binary(), "run", "--image", musl, "--overlay", dir, "-m", tmp / "sync" + ":/sync",
                                    "--", "/bin/sh", "-c",
                                    "echo one > /opt/first; echo ready; while [ ! -e /sync/go ]; do sleep 0.05; done; "
                                    "cat /opt/first"},
                                   with_driver(driver));
        ASSERT_TRUE(first.wait_for_output("ready\n", 30s)) << driver << "\n" << first.err_so_far();
        auto second = sh(musl, "true", {"--overlay", dir}, with_driver(driver));
        EXPECT_EQ(second.status, 125) << driver << "\n" << second;
        EXPECT_EQ(second.err, in_use(dir, first.pid())) << driver;
        auto verbose = sh(musl, "echo two > /opt/second", {"-v", "--overlay", dir}, with_driver(driver));
        EXPECT_EQ(verbose.status, 125) << driver << "\n" << verbose;
        EXPECT_NE(verbose.err.find(in_use(dir, first.pid())), std::string::npos) << driver << "\n" << verbose;
        EXPECT_FALSE(exists(dir + "/upper/opt/second")) << driver;
        tmp.write_file("sync/go", "");
        auto done = first.wait(30s);
        EXPECT_EQ(done.status, 0) << driver << "\n" << done;
        EXPECT_EQ(done.out, "ready\none\n") << driver;
        auto after = sh(musl, "cat /opt/first", {"--overlay", dir}, with_driver(driver));
        EXPECT_EQ(after.status, 0) << driver << "\n" << after;
        EXPECT_EQ(after.out, "one\n") << driver;
    }
}

TEST_F(PersistentOverlay, ADirOfAnotherImageIsRefusedUnlessForced) {
    const std::string musl = image("musl.sqsh"), other = image("musl-nopath.sqsh");
    TempDir tmp("overlay-image");
    const std::string dir = tmp / "layer";
    ASSERT_EQ(sh(musl, "echo a > /opt/a", {"--overlay", dir}).status, 0);
    const std::string record = tmp.read_file("layer/image");
    auto refused = sh(other, "true", {"--overlay", dir});
    EXPECT_EQ(refused.status, 125) << refused;
    EXPECT_EQ(refused.err, "skiff: error: --overlay '" + dir + "': it holds changes to image '" + musl + "', not '" +
                               other + "'; use a new DIR, or --force to use it anyway\n");
    EXPECT_EQ(tmp.read_file("layer/image"), record) << "a refusal changes nothing";
    auto forced = sh(other, "cat /opt/a", {"--overlay", dir, "--force"});
    EXPECT_EQ(forced.status, 0) << forced;
    EXPECT_EQ(forced.out, "a\n");
    EXPECT_NE(tmp.read_file("layer/image").find("\npath " + other + "\n"), std::string::npos) << "--force rewrote it";
    EXPECT_EQ(sh(other, "true", {"--overlay", dir}).status, 0);
    EXPECT_EQ(sh(musl, "true", {"--overlay", dir}).status, 125);
}

TEST_F(PersistentOverlay, DryRunShowsTheAbsoluteDirAndCreatesNothing) {
    TempDir tmp("overlay-dry");
    RunOptions run;
    run.cwd = tmp.path();
    auto r = run_in(image("musl.sqsh"), {"--dry-run", "--overlay", "rel/layer"}, {"true"}, run);
    ASSERT_EQ(r.status, 0) << r;
    EXPECT_NE(r.out.find("writes go to " + tmp.path() + "/rel/layer/upper and stay"), std::string::npos) << r;
    EXPECT_FALSE(exists(tmp / "rel"));
}

// `--overlay ~/overlays/app` on first use: the missing parents are made, as by `mkdir -p`.
TEST_F(PersistentOverlay, AMissingParentIsMadeOnFirstUse) {
    const std::string musl = image("musl.sqsh");
    TempDir tmp("overlay-parents");
    const std::string dir = tmp / "overlays/app";
    auto first = sh(musl, "echo kept > /etc/motd", {"--overlay", dir});
    ASSERT_EQ(first.status, 0) << first;
    auto again = sh(musl, "cat /etc/motd", {"--overlay", dir});
    EXPECT_EQ(again.out, "kept\n") << again;
    struct stat st {};
    ASSERT_EQ(::stat(dir.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 07777, 0700u);
}

TEST_F(PersistentOverlay, MisuseIsOneLine) {
    const std::string musl = image("musl.sqsh");
    TempDir tmp("overlay-misuse");
    auto read_only = sh(musl, "true", {"--read-only", "--overlay", tmp / "a"});
    EXPECT_EQ(read_only.status, 125) << read_only;
    EXPECT_EQ(read_only.err, "skiff: error: --overlay '" + tmp / "a" +
                                 "' keeps the writes of a writable root, but --read-only asks for a read-only one; "
                                 "drop one of the two\n");
    tmp.write_file("data/results.csv", "1,2\n");
    auto foreign = sh(musl, "true", {"--overlay", tmp / "data"});
    EXPECT_EQ(foreign.status, 125) << foreign;
    EXPECT_EQ(foreign.err, "skiff: error: --overlay '" + tmp / "data" + "' holds files but no image record (" +
                               tmp / "data" + "/image): it is not an overlay skiff made; use a new or empty DIR\n");
    EXPECT_FALSE(exists(tmp / "data/upper") || exists(tmp / "data/lock")) << "nothing added to a directory that is not an overlay";
    ASSERT_EQ(::chmod(tmp.path().c_str(), 0777), 0);
    auto shared = sh(musl, "true", {"--overlay", tmp.path()});
    EXPECT_EQ(shared.status, 125) << shared;
    EXPECT_EQ(shared.err, "skiff: error: --overlay '" + tmp.path() +
                              "' may be written by others; chmod go-w it, or use another DIR\n");
}

}  // namespace
}  // namespace skiff::test
