// libFuzzer target: skiff's squashfs readers on arbitrary image bytes (images come from
// registries and colleagues). It reads the bytes as the launcher does (SquashfsImage: the
// superblock check, then path lookups of the files a launch reads) and as the FUSE servers do
// (every directory listed and every name looked up through the directory index, every inode
// read, every file's data and every symlink's target), through skiff's bounded readers.
// Besides no crash, no out-of-bounds access (ASan) and no undefined behaviour (UBSan), a name
// found by listing a directory must be found again by looking it up.
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <deque>
#include <string>
#include <vector>

#include "launcher/image/squashfs_reader.hpp"
#include "namespaces/squashfs/block_cache.hpp"
#include "namespaces/squashfs/squashfs_dir.hpp"
#include "namespaces/squashfs/squashfs_init.hpp"
#include "namespaces/squashfs/squashfs_meta.hpp"
#include "namespaces/squashfs/squashfs_read.hpp"
#include "namespaces/squashfs/squashfs_superblock.hpp"

namespace {

namespace sq = skiff::ns::squashfs;

constexpr std::size_t max_inodes_visited = 256;  // a crafted image can hold loops

void check(bool ok) {
    if (!ok) __builtin_trap();  // libFuzzer reports it as a crash and keeps the input
}

void read_launch_files(const std::string& path) {
    auto image = skiff::image::SquashfsImage::open(path);
    if (!image) return;
    for (const char* file : {"/etc/passwd", "/etc/group", "/.skiff/metadata.json", "/usr/bin/../../etc/os-release"}) {
        (void)image->read_file(file, 4096);
        (void)image->stat_path(file, skiff::image::FollowLast::no);
        (void)image->read_link(file);
    }
}

void read_file(sqfs& fs, sqfs_inode& inode) {
    static char buffer[1 << 17];
    skiff::ns::BlockCache cache(0, fs.sb.block_size, 1);
    for (off_t start : {off_t{0}, off_t{5000}, off_t{1 << 17}}) {
        std::size_t size = sizeof buffer;
        (void)skiff::ns::read_file_range(skiff::ns::BlockSource{&fs, &cache}, inode, start, size, buffer);
    }
}

// Lists the directory `inode`, queueing its subdirectories; every listed name must look up.
void list(sqfs& fs, const sqfs_inode& inode, std::deque<sqfs_inode_id>& pending) {
    sq::DirReader dir;
    if (!sq::open_directory(fs, inode, 0, dir)) return;
    sqfs_name name;
    sqfs_dir_entry entry{};
    sqfs_dentry_init(&entry, name);
    bool sorted = true;
    std::string previous;
    while (sq::next_entry(fs, dir, entry) == sq::Step::entry) {
        std::string current(name, entry.name_size);
        sorted = sorted && (previous.empty() || previous < current);
        previous = current;
        sq::DirReader again;  // a readdir that resumes after this entry
        (void)sq::open_directory(fs, inode, static_cast<std::uint64_t>(entry.next_offset), again);
        sqfs_name found_name;
        sqfs_dir_entry found{};
        sqfs_dentry_init(&found, found_name);
        auto step = sq::lookup_entry(fs, inode, current, found);
        // mkfs writes sorted listings and indexes; only there must a lookup find each name.
        if (sorted && inode.xtra.dir.idx_count == 0) check(step == sq::Step::entry);
        pending.push_back(entry.inode);
    }
}

void serve_all(sqfs& fs) {
    (void)sq::root_reads_whole(fs);
    std::deque<sqfs_inode_id> pending{fs.sb.root_inode};
    for (std::size_t visited = 0; !pending.empty() && visited < max_inodes_visited; ++visited) {
        sqfs_inode inode;
        bool ok = sq::read_inode(fs, pending.front(), inode);
        pending.pop_front();
        if (!ok) continue;
        (void)sq::stat_of(inode);
        std::string target;
        if (S_ISDIR(inode.base.mode)) list(fs, inode, pending);
        if (S_ISREG(inode.base.mode)) read_file(fs, inode);
        if (S_ISLNK(inode.base.mode)) (void)sq::read_symlink(fs, inode, target);
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const int fd = ::memfd_create("image", MFD_CLOEXEC);
    check(fd >= 0 && ::ftruncate(fd, 0) == 0);
    check(::pwrite(fd, data, size, 0) == static_cast<ssize_t>(size));
    read_launch_files("/proc/self/fd/" + std::to_string(fd));
    if (!sq::superblock_problem(fd).empty()) return 0;
    sqfs fs;
    if (sq::init(fs, fd) != SQFS_OK) return 0;
    serve_all(fs);
    sqfs_destroy(&fs);
    return 0;
}
