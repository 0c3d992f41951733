// Cold-launch read profiles (namespaces/squashfs/squashfs_profile.hpp, squashfs_prefetch.hpp): the
// blocks a launch needed are recorded, the next cold launch's server decompresses them ahead,
// and no profile, however wrong, changes a byte that is served.
#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <set>
#include <fstream>
#include <sstream>
#include <thread>

#include "namespaces/squashfs/squashfs_fuse.hpp"
#include "namespaces/squashfs/squashfs_prefetch.hpp"
#include "namespaces/squashfs/squashfs_read.hpp"
#include "namespaces/squashfs/squashfuse_c.hpp"
#include "tests/ns/warm_fixture.hpp"
#include "tests/support/launch_fixture.hpp"

namespace skiff::test {
namespace {

// Files of the Debian fixture that span full data blocks, and small ones in fragments.
const std::vector<std::string> sample_files = {"usr/lib/x86_64-linux-gnu/libc.so.6", "usr/bin/true",
                                               "etc/debian_version", "usr/bin/dpkg", "usr/lib/os-release"};

std::string host_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream content;
    content << in.rdbuf();
    return content.str();
}

ns::SquashfsFuse* open_served(const std::string& image_path) {
    std::string problem;
    auto* fs = ns::open_squashfs_fuse(image_path, ::getuid(), ::getgid(), ns::ServeLimits{}, problem);
    EXPECT_EQ(problem, "");
    return fs;
}

// The inode of `path` in the image (libsquashfuse's lookup: one thread at a time).
std::optional<sqfs_inode> image_inode(ns::SquashfsFuse* fs, const std::string& path) {
    sqfs& image = ns::squashfs_of(fs);
    sqfs_inode inode;
    bool found = false;
    if (sqfs_inode_get(&image, &inode, sqfs_inode_root(&image)) != SQFS_OK ||
        sqfs_lookup_path(&image, &inode, ("/" + path).c_str(), &found) != SQFS_OK || !found)
        return std::nullopt;
    return inode;
}

// Reads a file through read_file_range in odd-sized pieces, as the kernel's readahead does;
// nullopt if the image cannot serve it. Safe from several threads, as the server's are.
std::optional<std::string> read_whole(const ns::BlockSource& source, sqfs_inode inode) {
    std::string content;
    std::vector<char> buffer(77777);
    for (;;) {
        std::size_t size = buffer.size();
        if (!ns::read_file_range(source, inode, static_cast<off_t>(content.size()), size, buffer.data())) return std::nullopt;
        if (size == 0) return content;
        content.append(buffer.data(), size);
    }
}

std::optional<std::string> image_file(ns::SquashfsFuse* fs, const ns::BlockSource& source, const std::string& path) {
    auto inode = image_inode(fs, path);
    return inode ? read_whole(source, *inode) : std::nullopt;
}

class ReadProfileBlocks : public NsTest {
protected:
    void SetUp() override {
        NsTest::SetUp();
        rootfs_ = image("debian-rootfs");
        fs_ = open_served(image("debian.sqsh"));
        ASSERT_NE(fs_, nullptr);
    }

    // The blocks that reading the sample files needs, in order, from a separate server state.
    std::vector<ns::BlockRef> recorded_profile() {
        auto* fresh = open_served(image("debian.sqsh"));
        EXPECT_NE(fresh, nullptr);
        ns::ReadRecorder recorder(1000);
        auto source = ns::block_source(fresh);
        source.recorder = &recorder;
        for (const auto& file : sample_files) EXPECT_TRUE(image_file(fresh, source, file).has_value()) << file;
        return recorder.blocks();
    }

    void expect_served_correctly(const ns::BlockSource& source) {
        for (const auto& file : sample_files) {
            auto served = image_file(fs_, source, file);
            ASSERT_TRUE(served.has_value()) << file;
            EXPECT_EQ(*served, host_file(rootfs_ + "/" + file)) << file;
        }
    }

    std::string rootfs_;
    ns::SquashfsFuse* fs_ = nullptr;  // the server state lives for the process, as in a server
};

TEST_F(ReadProfileBlocks, RecordsEveryBlockOnceInOrderOfFirstUse) {
    auto blocks = recorded_profile();
    ASSERT_GT(blocks.size(), 8u);  // libc alone spans more than eight 128 KiB blocks
    std::set<std::uint64_t> positions;
    for (const auto& block : blocks) EXPECT_TRUE(positions.insert(block.position).second);
    ns::ReadRecorder small(3);
    for (const auto& block : blocks) small.note(block);
    EXPECT_EQ(small.blocks(), std::vector<ns::BlockRef>(blocks.begin(), blocks.begin() + 3));
}

// A profile is a launch's start: what a server reads after the recorder's window is left out.
TEST_F(ReadProfileBlocks, BlocksReadAfterTheWindowAreNotRecorded) {
    auto blocks = recorded_profile();
    ASSERT_GT(blocks.size(), 2u);
    ns::ReadRecorder recorder(1000, std::chrono::milliseconds(300));
    recorder.note(blocks[0]);
    std::this_thread::sleep_for(std::chrono::milliseconds(400));
    recorder.note(blocks[1]);
    EXPECT_EQ(recorder.blocks(), std::vector<ns::BlockRef>{blocks[0]});
}

TEST_F(ReadProfileBlocks, PrefetchedBlocksAreServedAndMatchTheFiles) {
    auto blocks = recorded_profile();
    ns::BlockPrefetch prefetch(ns::squashfs_of(fs_), blocks);
    auto source = ns::block_source(fs_);
    source.prefetch = &prefetch;
    expect_served_correctly(source);
    // Blocks stored uncompressed are left to the ordinary path; every other one is prefetched.
    auto compressed = std::count_if(blocks.begin(), blocks.end(), [](const ns::BlockRef& b) { return (b.header & (1u << 24)) == 0; });
    ASSERT_GT(compressed, 8);
    EXPECT_GE(prefetch.found(), static_cast<std::size_t>(compressed)) << "the profiled blocks did not come from the prefetch";
}

// A warm server lives for minutes: once launches stop finding its prefetched blocks (the
// kernel's page cache has them), it gives them back, and reads go the ordinary way.
TEST_F(ReadProfileBlocks, PrefetchedBlocksAreReleasedOnceUnusedAndReadsStillServeTheFiles) {
    auto blocks = recorded_profile();
    ns::BlockPrefetch prefetch(ns::squashfs_of(fs_), blocks, std::chrono::milliseconds(200));
    auto source = ns::block_source(fs_);
    source.prefetch = &prefetch;
    expect_served_correctly(source);
    EXPECT_FALSE(prefetch.released()) << "released while launches were still reading its blocks";
    auto found = prefetch.found();
    ASSERT_GT(found, 0u);
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (!prefetch.released() && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    ASSERT_TRUE(prefetch.released()) << "the prefetched blocks were kept after 10 s without a lookup";
    expect_served_correctly(source);
    EXPECT_EQ(prefetch.found(), found) << "a released block was served";
}

// Serving threads copy from a block while the helper gives the blocks back (at once, here: as
// soon as it has inflated the last one, in the middle of the reads): a lookup must keep them
// mapped until its copy is done. A lookup that did not crashed this test 3 times in 3.
TEST_F(ReadProfileBlocks, ReadsRacingTheReleaseServeTheRightBytes) {
    auto blocks = recorded_profile();
    std::vector<std::string> expected;
    std::vector<sqfs_inode> inodes;
    for (const auto& file : sample_files) {
        expected.push_back(host_file(rootfs_ + "/" + file));
        auto inode = image_inode(fs_, file);
        ASSERT_TRUE(inode.has_value()) << file;
        inodes.push_back(*inode);
    }
    for (int round = 0; round < 20; ++round) {
        ns::BlockPrefetch prefetch(ns::squashfs_of(fs_), blocks, std::chrono::milliseconds(0));
        auto source = ns::block_source(fs_);
        source.prefetch = &prefetch;
        std::atomic<int> wrong{0};
        std::vector<std::thread> readers;
        for (int t = 0; t < 4; ++t)
            readers.emplace_back([&] {
                for (int pass = 0; pass < 5; ++pass)
                    for (std::size_t i = 0; i < sample_files.size(); ++i)
                        if (read_whole(source, inodes[i]) != expected[i]) ++wrong;
            });
        for (auto& reader : readers) reader.join();
        EXPECT_EQ(wrong.load(), 0) << "round " << round;
    }
}

TEST_F(ReadProfileBlocks, WrongProfilesServeTheRightBytes) {
    auto blocks = recorded_profile();
    std::vector<ns::BlockRef> wrong;
    for (std::size_t i = 0; i < blocks.size(); ++i) {
        wrong.push_back({blocks[i].position, blocks[(i + 1) % blocks.size()].header});  // another block's size
        wrong.push_back({blocks[i].position + 1, blocks[i].header});                    // a shifted position
    }
    wrong.push_back({ns::squashfs_of(fs_).sb.bytes_used - 7, 7});  // garbage at the end of the image
    ns::BlockPrefetch prefetch(ns::squashfs_of(fs_), wrong);
    auto source = ns::block_source(fs_);
    source.prefetch = &prefetch;
    expect_served_correctly(source);
    EXPECT_EQ(prefetch.found(), 0u);
}

// An image stored uncompressed (mksquashfs -noI -noD -noF -noX) is read straight from the file:
// blocks spanning reads, a fragment, a sparse file.
TEST(ReadUncompressed, ServesTheFilesBytes) {
    SKIFF_REQUIRE(::access("/usr/bin/mksquashfs", X_OK) == 0, "mksquashfs is missing (Debian package squashfs-tools)");
    TempDir dir{"uncompressed"};
    std::string big;
    for (int i = 0; big.size() < 700000; ++i) big += std::to_string(i * 7919) + ",";
    dir.write_file("tree/big", big);
    dir.write_file("tree/small", "a fragment\n");
    dir.write_file("tree/sparse", std::string(300000, '\0') + "end");
    auto made = run_process({"/usr/bin/mksquashfs", dir / "tree", dir / "image.sqsh", "-noI", "-noD", "-noF", "-noX", "-quiet"});
    ASSERT_EQ(made.status, 0) << made.err;
    auto* fs = open_served(dir / "image.sqsh");
    ASSERT_NE(fs, nullptr);
    ns::ReadRecorder recorder(100);
    auto source = ns::block_source(fs);
    source.recorder = &recorder;
    for (const char* file : {"big", "small", "sparse"}) {
        auto served = image_file(fs, source, file);
        ASSERT_TRUE(served.has_value()) << file;
        EXPECT_EQ(*served, host_file(dir / ("tree/" + std::string(file)))) << file;
    }
    EXPECT_TRUE(recorder.blocks().empty()) << "uncompressed blocks are no work to prefetch";
}

// End to end: real cold launches with the per-user runtime directory.
class ReadProfileLaunch : public WarmTest {
protected:
    void SetUp() override {
        WarmTest::SetUp();
        if (IsSkipped()) return;
        std::filesystem::copy_file(image("debian.sqsh"), image_path_);
    }

    ProcessResult launch(const std::string& script) { return sh(image_path_, script, {"--cold"}, options()); }

    // The image's profile file, once its server has written it (it does so when it exits,
    // just after the container).
    std::string await_profile(const std::string& not_content = {}) {
        for (int i = 0; i < 200; ++i) {
            for (const auto& entry : std::filesystem::directory_iterator(runtime_ / "skiff/image-facts"))
                if (entry.path().extension() == ".reads") {
                    auto content = host_file(entry.path());
                    if (content.ends_with("end\n") && content != not_content) return entry.path();
                }
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
        return {};
    }

    TempDir images_{"images"};
    std::string image_path_ = images_ / "image.sqsh";
};

const std::string checksum_script = "cat /usr/lib/x86_64-linux-gnu/libc.so.6 /usr/bin/dpkg /etc/debian_version | md5sum";

std::string host_checksum(const std::string& rootfs) {
    auto r = run_process({"/bin/sh", "-c", "cd " + rootfs + " && cat usr/lib/x86_64-linux-gnu/libc.so.6 usr/bin/dpkg etc/debian_version | md5sum"});
    return r.out;
}

TEST_F(ReadProfileLaunch, FirstLaunchRecordsAndLaterLaunchesServeTheSameBytes) {
    auto expected = host_checksum(image("debian-rootfs"));
    auto first = launch(checksum_script);
    ASSERT_EQ(first.status, 0) << first.err;
    EXPECT_EQ(first.out, expected);
    auto file = await_profile();
    ASSERT_FALSE(file.empty()) << "no read profile in " << runtime_ / "skiff/image-facts";
    struct stat st {};
    ASSERT_EQ(::stat(file.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u);
    auto second = launch(checksum_script);
    ASSERT_EQ(second.status, 0) << second.err;
    EXPECT_EQ(second.out, expected);
}

TEST_F(ReadProfileLaunch, CorruptProfileIsIgnoredAndReplaced) {
    ASSERT_EQ(launch("true").status, 0);
    auto file = await_profile();
    ASSERT_FALSE(file.empty());
    std::string corrupt = host_file(file);
    corrupt.replace(corrupt.find('\n', corrupt.find("image")) + 1, 4, "9x 1");  // a damaged entry
    { std::ofstream(file, std::ios::binary | std::ios::trunc) << corrupt; }
    auto r = launch(checksum_script);
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.out, host_checksum(image("debian-rootfs")));
    EXPECT_FALSE(await_profile(corrupt).empty()) << "the corrupt profile was not replaced";
}

TEST_F(ReadProfileLaunch, ReplacedImageGetsItsOwnProfile) {
    ASSERT_EQ(launch("true").status, 0);
    auto old_file = await_profile();
    ASSERT_FALSE(old_file.empty());
    std::filesystem::copy_file(image("musl.sqsh"), image_path_, std::filesystem::copy_options::overwrite_existing);
    auto r = launch("cat /etc/os-release");
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_NE(r.out.find("skiff musl fixture"), std::string::npos) << r.out;
    std::filesystem::remove(old_file);
    EXPECT_FALSE(await_profile().empty()) << "the replaced image recorded no profile of its own";
}

// A warm server records while it serves and writes the profile when it ends; the next server
// of the image starts by prefetching it, and its reads find those blocks (PREFETCHED).
TEST_F(ReadProfileLaunch, AnImageServerRecordsUntilItEndsAndTheNextOnePrefetches) {
    auto expected = host_checksum(image("debian-rootfs"));
    auto first = sh(image_path_, checksum_script, {}, options());
    ASSERT_EQ(first.status, 0) << first.err;
    EXPECT_EQ(first.out, expected);
    ASSERT_EQ(skiff({"image", "stop"}).status, 0);  // returns once the server has exited
    ASSERT_FALSE(await_profile().empty()) << "the image server wrote no read profile";
    auto second = sh(image_path_, checksum_script, {}, options());
    ASSERT_EQ(second.status, 0) << second.err;
    EXPECT_EQ(second.out, expected);
    auto servers = skiff({"image", "servers"});
    std::istringstream lines(servers.out);
    std::string header, pid, clients, idle, launches, spares, from_spare;
    long prefetched = 0;
    std::getline(lines, header);
    lines >> pid >> clients >> idle >> launches >> spares >> from_spare >> prefetched;
    EXPECT_GT(prefetched, 0) << servers.out;
}

}  // namespace
}  // namespace skiff::test
