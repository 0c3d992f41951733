// Prefix legend: sqfs_ libsquashfuse, fuse_ libfuse3 low-level API. Metadata is read by skiff's
// bounded readers (squashfs_meta.hpp, squashfs_dir.hpp), never by libsquashfuse's own.
#include "namespaces/squashfs/squashfs_fuse.hpp"

#include <fcntl.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <algorithm>
#include <cfloat>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <cstdlib>
#include <memory>
#include <thread>
#include <vector>

#include "namespaces/squashfs/block_cache.hpp"
#include "namespaces/squashfs/scratch_buffer.hpp"
#include "namespaces/squashfs/squashfs_dir.hpp"
#include "namespaces/squashfs/squashfs_init.hpp"
#include "namespaces/squashfs/squashfs_meta.hpp"
#include "namespaces/squashfs/squashfs_read.hpp"
#include "namespaces/squashfs/squashfs_superblock.hpp"
#include "namespaces/squashfs/squashfuse_c.hpp"
#include "namespaces/squashfs/usable_cpus.hpp"
#include "common/sys_error.hpp"
#include "common/unique_fd.hpp"


namespace skiff::ns {

// The FUSE userdata. libsquashfuse's ops read it as a sqfs_ll*, so `ll` must come first.
struct SquashfsFuse {
    sqfs_ll ll;
    uid_t uid;
    gid_t gid;
    unsigned threads;
    std::unique_ptr<BlockCache> cache;
    BlockSource blocks;  // the data path of reads (squashfs_read.hpp)
};
static_assert(offsetof(SquashfsFuse, ll) == 0);

namespace {

// One reply buffer per server thread: an allocation per read costs a launch 2-3 ms
// (fast-start.md).
thread_local ScratchBuffer reply_buffer;

// The image never changes under a mount, so the kernel may cache entries and attributes for
// ever; without this every path walk of a launch would be a FUSE round trip.
constexpr double forever = DBL_MAX;

SquashfsFuse& state_of(fuse_req_t req) { return *static_cast<SquashfsFuse*>(fuse_req_userdata(req)); }

// An inode's attributes as the kernel gets them, under FUSE inode number `ino`.
struct stat attributes_of(const SquashfsFuse& state, const sqfs_inode& inode, fuse_ino_t ino) {
    struct stat st = squashfs::stat_of(inode);
    st.st_ino = ino;
    // Only one id is mapped in the container; reporting every file as the container user's
    // keeps overlayfs copy-up possible (an unmapped owner makes it fail with EOVERFLOW).
    st.st_uid = state.uid;
    st.st_gid = state.gid;
    return st;
}

// A directory entry that was found, for LOOKUP and READDIRPLUS alike.
fuse_entry_param found_entry(SquashfsFuse& state, sqfs_dir_entry& entry, const sqfs_inode& inode) {
    fuse_entry_param reply{};
    reply.ino = state.ll.ino_register(&state.ll, &entry);
    reply.attr = attributes_of(state, inode, reply.ino);
    reply.attr_timeout = reply.entry_timeout = forever;
    return reply;
}

// The inode behind a FUSE inode number (libsquashfuse's 64-bit mapping: the inode id itself,
// the root as FUSE_ROOT_ID), read by skiff's bounded reader; replies EIO itself if damaged.
bool inode_of(fuse_req_t req, fuse_ino_t ino, sqfs_inode& inode) {
    sqfs_ll& ll = state_of(req).ll;
    if (squashfs::read_inode(ll.fs, ll.ino_sqfs(&ll, ino), inode)) return true;
    fuse_reply_err(req, EIO);
    return false;
}

void op_getattr(fuse_req_t req, fuse_ino_t ino, fuse_file_info*) {
    sqfs_inode inode;
    if (!inode_of(req, ino, inode)) return;
    struct stat st = attributes_of(state_of(req), inode, ino);
    fuse_reply_attr(req, &st, forever);
}

void op_lookup(fuse_req_t req, fuse_ino_t parent, const char* name) {
    sqfs_inode directory;
    if (!inode_of(req, parent, directory)) return;
    if (!S_ISDIR(directory.base.mode)) {
        fuse_reply_err(req, ENOTDIR);
        return;
    }
    SquashfsFuse& state = state_of(req);
    sqfs_name name_buffer;
    sqfs_dir_entry entry;
    sqfs_dentry_init(&entry, name_buffer);
    auto found = squashfs::lookup_entry(state.ll.fs, directory, name, entry);
    fuse_entry_param reply{};
    reply.attr_timeout = reply.entry_timeout = forever;  // ino 0: a cached negative entry
    sqfs_inode inode;
    if (found == squashfs::Step::damaged ||
        (found == squashfs::Step::entry && !squashfs::read_inode(state.ll.fs, sqfs_dentry_inode(&entry), inode))) {
        fuse_reply_err(req, EIO);
        return;
    }
    if (found == squashfs::Step::entry) reply = found_entry(state, entry, inode);
    fuse_reply_entry(req, &reply);
}

// The kernel asks for at most max_pages (256) pages a read, its own bound.
void op_read(fuse_req_t req, fuse_ino_t ino, size_t size, off_t offset, fuse_file_info*) {
    SquashfsFuse& state = state_of(req);
    sqfs_inode inode;
    if (!inode_of(req, ino, inode)) return;
    char* buffer = reply_buffer.get(size);
    if (!buffer) {
        fuse_reply_err(req, ENOMEM);
        return;
    }
    if (!read_file_range(state.blocks, inode, offset, size, buffer)) {
        fuse_reply_err(req, EIO);
        return;
    }
    fuse_reply_buf(req, buffer, size);
}

void op_readlink(fuse_req_t req, fuse_ino_t ino) {
    sqfs_inode inode;
    if (!inode_of(req, ino, inode)) return;
    std::string target;
    if (!squashfs::read_symlink(state_of(req).ll.fs, inode, target)) {
        fuse_reply_err(req, EIO);
        return;
    }
    fuse_reply_readlink(req, target.c_str());
}

// ENOSYS from open and opendir tells the kernel (FUSE_NO_OPEN(DIR)_SUPPORT, Linux 4.19/5.1)
// never to send OPEN, OPENDIR, RELEASE or RELEASEDIR again: four round trips fewer for every
// file a launch opens. The kernel then keeps the page cache across opens (verified: a warm
// launch reads nothing), as keep_cache did.
void op_open(fuse_req_t req, fuse_ino_t, fuse_file_info*) { fuse_reply_err(req, ENOSYS); }

constexpr std::size_t max_listing_size = 1 << 20;

// Replies with the directory's entries from `offset`, as many as `size` bytes hold;
// add(buffer, room, name, entry, next) writes one and returns its size (more than `room`:
// it did not fit, and the kernel asks again from there).
template <typename AddEntry>
void reply_listing(fuse_req_t req, fuse_ino_t ino, size_t size, off_t offset, AddEntry add) {
    sqfs_inode inode;
    if (!inode_of(req, ino, inode)) return;
    SquashfsFuse& state = state_of(req);
    squashfs::DirReader dir;
    if (offset < 0 || !squashfs::open_directory(state.ll.fs, inode, static_cast<std::uint64_t>(offset), dir)) {
        fuse_reply_err(req, EINVAL);
        return;
    }
    size = std::min(size, max_listing_size);
    char* buffer = reply_buffer.get(size);
    if (!buffer) {
        fuse_reply_err(req, ENOMEM);
        return;
    }
    std::size_t used = 0;
    sqfs_name name;
    sqfs_dir_entry entry;
    sqfs_dentry_init(&entry, name);
    squashfs::Step step;
    while ((step = squashfs::next_entry(state.ll.fs, dir, entry)) == squashfs::Step::entry) {
        auto next = static_cast<off_t>(sqfs_dentry_next_offset(&entry));
        std::size_t n = add(buffer + used, size - used, name, entry, next);
        if (n > size - used) break;
        used += n;
    }
    if (step == squashfs::Step::damaged) {
        fuse_reply_err(req, EIO);
        return;
    }
    fuse_reply_buf(req, buffer, used);
}

void op_readdir(fuse_req_t req, fuse_ino_t ino, size_t size, off_t offset, fuse_file_info*) {
    SquashfsFuse& state = state_of(req);
    reply_listing(req, ino, size, offset, [&](char* at, size_t room, const char* name, sqfs_dir_entry& entry, off_t next) {
        struct stat st {};
        st.st_mode = sqfs_dentry_mode(&entry);
        st.st_ino = state.ll.ino_fuse_num(&state.ll, &entry);
        return fuse_add_direntry(req, at, room, name, &st, next);
    });
}

// Each entry with its attributes: the kernel then knows every name of a listed directory, and
// the stat()s that follow a listing (Python's imports: one per module it finds) need no LOOKUP
// each. An entry whose inode is damaged goes without (ino 0): listed, and EIO when looked up.
void op_readdirplus(fuse_req_t req, fuse_ino_t ino, size_t size, off_t offset, fuse_file_info*) {
    SquashfsFuse& state = state_of(req);
    reply_listing(req, ino, size, offset, [&](char* at, size_t room, const char* name, sqfs_dir_entry& entry, off_t next) {
        sqfs_inode inode;
        fuse_entry_param reply{};
        if (squashfs::read_inode(state.ll.fs, sqfs_dentry_inode(&entry), inode)) {
            reply = found_entry(state, entry, inode);
        } else {
            reply.attr.st_mode = sqfs_dentry_mode(&entry);
            reply.attr.st_ino = state.ll.ino_fuse_num(&state.ll, &entry);
        }
        return fuse_add_direntry_plus(req, at, room, name, &reply, next);
    });
}

// libsquashfuse's forget and statfs write a global of its own (an idle timer) unlocked. Its
// 64-bit inode numbers are the inode ids themselves: there is nothing to forget.
void op_forget(fuse_req_t req, fuse_ino_t, std::uint64_t) { fuse_reply_none(req); }

void op_statfs(fuse_req_t req, fuse_ino_t) {
    const sqfs& fs = state_of(req).ll.fs;
    struct statvfs st {};
    st.f_bsize = st.f_frsize = fs.sb.block_size;
    st.f_blocks = fs.sb.bytes_used / fs.sb.block_size + 1;
    st.f_files = fs.sb.inodes;
    st.f_namemax = SQUASHFS_NAME_LEN;
    fuse_reply_statfs(req, &st);
}

void op_init(void*, fuse_conn_info* connection) {
    // An image's symlinks never change: the kernel may keep their targets in its page cache,
    // which spares a warm launch one READLINK round trip per symlink on its paths (/bin, /lib).
    if (connection->capable & FUSE_CAP_CACHE_SYMLINKS) connection->want |= FUSE_CAP_CACHE_SYMLINKS;
}

fuse_lowlevel_ops operations() {
    fuse_lowlevel_ops ops{};
    ops.init = op_init;
    ops.getattr = op_getattr;
    ops.lookup = op_lookup;
    ops.opendir = op_open;
    ops.readdir = op_readdir;
    ops.readdirplus = op_readdirplus;
    ops.open = op_open;
    ops.read = op_read;
    ops.readlink = op_readlink;
    // No getxattr/listxattr: overlayfs asks the lower layer for its own xattrs on every lookup,
    // and the kernel stops asking a FUSE server after its first ENOSYS (fc->no_getxattr),
    // which saves a round trip per path component. File capabilities would be inert anyway
    // (no_new_privs, empty bounding set).
    ops.forget = op_forget;
    ops.statfs = op_statfs;
    return ops;
}

// One thread's loop: each request goes to one of the threads reading /dev/fuse. All of them
// start with the session, so that the first requests of a launch wait for no thread to be
// created (libfuse's threaded loop starts them as requests queue, during the launch: measured
// slower than one thread on two CPUs). 0 when the mount is gone (ENODEV).
int serve_requests(fuse_session* session) {
    fuse_buf buffer{};
    int rc = 0;
    for (;;) {
        int n = fuse_session_receive_buf(session, &buffer);
        if (n == -EINTR || n == -EAGAIN) continue;
        if (n <= 0 || fuse_session_exited(session)) {
            rc = n == -ENODEV || n == 0 ? 0 : n;
            break;
        }
        fuse_session_process_buf(session, &buffer);
    }
    std::free(buffer.mem);
    return rc;
}

}  // namespace

// O_NONBLOCK: a FIFO in place of the image must not hang the server (the check refuses it).
SquashfsFuse* open_squashfs_fuse(const std::string& image, uid_t uid, gid_t gid, const ServeLimits& limits,
                                 std::string& problem) {
    UniqueFd fd(::open(image.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK));
    if (!fd.valid()) {
        problem = SysError{errno, "open", image}.describe();
        return nullptr;
    }
    problem = squashfs::superblock_problem(fd.get());
    if (!problem.empty()) return nullptr;
    auto state = std::make_unique<SquashfsFuse>();
    std::memset(&state->ll, 0, sizeof state->ll);
    state->uid = uid;
    state->gid = gid;
    // The served image keeps its fd for the life of the process, as sqfs_open_image would.
    problem = "libsquashfuse cannot read it";
    if (squashfs::init(state->ll.fs, fd.get()) != SQFS_OK) return nullptr;  // it freed what it took
    // After a successful init every refusal frees the image's tables and caches.
    auto refuse = [&](const char* why) {
        problem = why;
        sqfs_ll_destroy(&state->ll);
        return nullptr;
    };
    if (sqfs_ll_init(&state->ll)) return refuse("libsquashfuse cannot read it");
    if (!squashfs::root_reads_whole(state->ll.fs)) return refuse("its root directory is damaged");
    // A thread holds one block at a time while it copies, so one slot more than threads
    // always leaves a block to evict.
    state->threads = limits.threads ? limits.threads : default_serving_threads(usable_cpus());
    state->cache = std::make_unique<BlockCache>(limits.cache_bytes, state->ll.fs.sb.block_size, state->threads + 1);
    state->blocks = BlockSource{&state->ll.fs, state->cache.get()};
    problem.clear();
    (void)fd.release();
    return state.release();
}

void close_squashfs_fuse(SquashfsFuse* fs) {
    if (!fs) return;
    int fd = fs->ll.fs.fd;
    sqfs_ll_destroy(&fs->ll);
    ::close(fd);
    delete fs;
}

sqfs& squashfs_of(SquashfsFuse* fs) { return fs->ll.fs; }

BlockSource block_source(SquashfsFuse* fs) { return fs->blocks; }

void use_read_hints(SquashfsFuse* fs, BlockPrefetch* prefetch, ReadRecorder* recorder) {
    fs->blocks.prefetch = prefetch;
    fs->blocks.recorder = recorder;
}

fuse_session* start_fuse_session(SquashfsFuse* fs, int fuse_fd) {
    char arg0[] = "skiff-squashfs";
    char* argv[] = {arg0, nullptr};
    fuse_args args = FUSE_ARGS_INIT(1, argv);
    auto ops = operations();
    fuse_session* session = fuse_session_new(&args, &ops, sizeof ops, fs);
    if (!session) return nullptr;
    std::string device = "/dev/fd/" + std::to_string(fuse_fd);  // libfuse adopts an open fd
    if (fuse_session_mount(session, device.c_str()) != 0) {
        fuse_session_destroy(session);
        return nullptr;
    }
    return session;
}

int serve_fuse_session(SquashfsFuse* fs, fuse_session* session) {
    std::vector<std::thread> others;
    for (unsigned i = 1; i < fs->threads; ++i) others.emplace_back([session] { (void)serve_requests(session); });
    int rc = serve_requests(session);
    for (auto& thread : others) thread.join();
    return rc;
}

}  // namespace skiff::ns
