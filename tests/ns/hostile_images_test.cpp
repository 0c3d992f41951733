// The hostile-image corpus (tests/support/hostile_squashfs.hpp), launched for real: each image
// as the container's image and as a `sqsh` data mount, on the cold path and through image
// servers. A refused image ends the launch with exit 125 and one line naming it, and leaves no
// process and no server behind; no image, however damaged, crashes skiff.
#include <algorithm>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include "tests/ns/warm_fixture.hpp"
#include "tests/support/hostile_squashfs.hpp"

namespace skiff::test {
namespace {

using Expect = HostileImage::Expect;

struct Mode {
    bool cold;
    bool as_data;
};
constexpr Mode modes[] = {{true, false}, {false, false}, {true, true}, {false, true}};

std::string describe(const HostileImage& hostile, const Mode& mode) {
    return hostile.what + (mode.as_data ? ", as a data mount" : ", as the image") + (mode.cold ? ", cold" : ", warm");
}

class HostileImages : public WarmTest {
protected:
    void SetUp() override {
        WarmTest::SetUp();
        if (HasFatalFailure() || IsSkipped()) return;
        namespace fs = std::filesystem;
        fs::copy(image("musl-rootfs"), tree.path(), fs::copy_options::recursive | fs::copy_options::copy_symlinks);
        add_long_names(tree.path());
        std::vector<std::string> argv{"/usr/bin/mksquashfs", tree.path(), work / "base.sqsh"};
        for (const auto& option : plain_metadata_options()) argv.push_back(option);
        auto made = run_process(argv);
        ASSERT_EQ(made.status, 0) << made;
        std::string why;
        corpus = write_hostile_corpus(work / "base.sqsh", work.path(), why);
        ASSERT_FALSE(corpus.empty()) << why;
    }

    ProcessResult launch(const std::string& image_path, const Mode& mode, bool verbose = false) const {
        std::vector<std::string> argv{skiff_binary(), "run"};
        if (verbose) argv.push_back("-v");
        if (mode.cold) argv.push_back("--cold");
        if (mode.as_data) {
            argv.insert(argv.end(), {"--image", image("musl.sqsh"), "-m", image_path + ":/data:sqsh", "--",
                                     "/bin/cat", "/data/etc/passwd"});
        } else {
            argv.insert(argv.end(), {"--image", image_path, "--", "/bin/cat", "/etc/passwd"});
        }
        RunOptions o = options();
        o.timeout = std::chrono::seconds(30);
        return run_process(argv, o);
    }

    TempDir tree{"tree"}, work{"corpus"};
    std::vector<HostileImage> corpus;
};

TEST_F(HostileImages, RefusedImagesEndInOneErrorLineAndLeaveNothing) {
    for (const auto& hostile : corpus) {
        if (hostile.expect == Expect::no_crash) continue;
        for (const Mode& mode : modes) {
            auto r = launch(hostile.path, mode);
            std::string context = describe(hostile, mode);
            EXPECT_EQ(r.term_signal, 0) << context << "\n" << r;
            if (hostile.expect == Expect::refused_as_image && mode.as_data) {
                // The root lists; /data/etc cannot be looked up, and cat says so.
                EXPECT_EQ(r.status, 1) << context << "\n" << r;
                continue;
            }
            EXPECT_EQ(r.status, 125) << context << "\n" << r;
            EXPECT_TRUE(r.err.starts_with("skiff: error: ")) << context << "\n" << r;
            EXPECT_NE(r.err.find(hostile.path), std::string::npos) << context << "\n" << r;
            EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << context << "\n" << r;
            EXPECT_TRUE(no_process_within(hostile.path, std::chrono::seconds(5))) << context;
        }
    }
    auto servers = skiff({"image", "servers"});
    EXPECT_EQ(servers.out.find(work.path()), std::string::npos) << "a server of a refused image:\n" << servers.out;
}

// A bit flip may leave an image that still launches, or one whose damage shows only when the
// command reads a file. What skiff does with it: never a crash. The -v narrative tells skiff's
// own steps from the command's: a signal after "exec" killed the command, which may read
// garbage from a damaged image like any program.
TEST_F(HostileImages, DamagedTablesNeverCrashSkiff) {
    int launched = 0, refused = 0;
    for (const auto& hostile : corpus) {
        if (hostile.expect != Expect::no_crash) continue;
        for (const Mode& mode : modes) {
            auto r = launch(hostile.path, mode, true);
            std::string context = describe(hostile, mode);
            bool execed = r.err.find("] exec ") != std::string::npos;
            EXPECT_FALSE(r.timed_out) << context << "\n" << r;
            EXPECT_TRUE(r.term_signal == 0 || execed) << context << "\n" << r;
            if (!execed) {
                EXPECT_EQ(r.status, 125) << context << "\n" << r;
                EXPECT_NE(r.err.find("skiff: error: "), std::string::npos) << context << "\n" << r;
            }
            (execed ? launched : refused) += 1;
        }
    }
    std::cout << "bit-flip launches: " << launched << " ran the command, " << refused << " refused\n";
}

// A listing carries each entry's attributes (READDIRPLUS, squashfs_fuse.cpp): an entry whose
// inode cannot be read is still listed, without them, and fails only when it is looked up.
TEST_F(HostileImages, AnEntryWithADamagedInodeListsAndFailsOnlyItsLookup) {
    std::string why, damaged = work / "damaged-entry.sqsh";
    ASSERT_TRUE(write_damaged_entry_inode(work / "base.sqsh", damaged, why)) << why;
    // (The shell's glob reads the listing alone; busybox's ls looks up every name it lists.)
    const std::string script = "set -- /0-root-*; echo $#; ls -l / >/dev/null 2>&1; echo $?; ls -l /etc/passwd | cut -c1-10";
    for (const char* mode : {"--cold", "-v"}) {
        auto r = run_process({skiff_binary(), "run", mode, "--image", damaged, "--", "/bin/sh", "-c", script}, options());
        ASSERT_EQ(r.status, 0) << mode << "\n" << r;
        EXPECT_EQ(r.out, "3\n1\n-rw-r--r--\n") << mode << "\n" << r;
        auto listed = run_process({skiff_binary(), "run", mode, "--image", damaged, "--", "/bin/ls", "-l", "/"}, options());
        EXPECT_EQ(listed.status, 1) << mode << "\n" << listed;
        EXPECT_NE(listed.err.find("0-root-1000-"), std::string::npos) << mode << "\n" << listed;
        EXPECT_NE(listed.out.find("etc"), std::string::npos) << mode << "\n" << listed;
    }
}

}  // namespace
}  // namespace skiff::test
