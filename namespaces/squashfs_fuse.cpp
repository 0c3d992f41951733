// Prefix legend: sqfs_ libsquashfuse, fuse_ libfuse3 low-level API.
#include "namespaces/squashfs_fuse.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cfloat>
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "namespaces/squashfs_read.hpp"
#include "namespaces/squashfuse_c.hpp"


namespace skiff::ns {

// The FUSE userdata. libsquashfuse's ops read it as a sqfs_ll*, so `ll` must come first.
struct SquashfsFuse {
    sqfs_ll ll;
    uid_t uid;
    gid_t gid;
    BlockSource blocks;  // the data path of reads (squashfs_read.hpp)
    // One buffer for every read: the kernel sends at most max_pages (32) pages per request, and
    // an allocation per read costs a launch 2-3 ms (fast-start.md).
    char read_buffer[1 << 20];
};
static_assert(offsetof(SquashfsFuse, ll) == 0);

namespace {

// The image never changes under a mount, so the kernel may cache entries and attributes for
// ever; without this every path walk of a launch would be a FUSE round trip.
constexpr double forever = DBL_MAX;

SquashfsFuse& state_of(fuse_req_t req) { return *static_cast<SquashfsFuse*>(fuse_req_userdata(req)); }

void own(SquashfsFuse& state, struct stat& st) {
    // Only one id is mapped in the container; reporting every file as the container user's
    // keeps overlayfs copy-up possible (an unmapped owner makes it fail with EOVERFLOW).
    st.st_uid = state.uid;
    st.st_gid = state.gid;
}

void op_getattr(fuse_req_t req, fuse_ino_t ino, fuse_file_info*) {
    sqfs_ll_i lli;
    if (sqfs_ll_iget(req, &lli, ino)) return;  // it replied already
    struct stat st {};
    if (sqfs_stat(&lli.ll->fs, &lli.inode, &st)) {
        fuse_reply_err(req, ENOENT);
        return;
    }
    st.st_ino = ino;
    own(state_of(req), st);
    fuse_reply_attr(req, &st, forever);
}

void op_lookup(fuse_req_t req, fuse_ino_t parent, const char* name) {
    sqfs_ll_i lli;
    if (sqfs_ll_iget(req, &lli, parent)) return;
    if (!S_ISDIR(lli.inode.base.mode)) {
        fuse_reply_err(req, ENOTDIR);
        return;
    }
    sqfs_name name_buffer;
    sqfs_dir_entry entry;
    sqfs_dentry_init(&entry, name_buffer);
    bool found = false;
    if (sqfs_dir_lookup(&lli.ll->fs, &lli.inode, name, strlen(name), &entry, &found)) {
        fuse_reply_err(req, EIO);
        return;
    }
    fuse_entry_param reply{};
    reply.attr_timeout = reply.entry_timeout = forever;  // ino 0: a cached negative entry
    sqfs_inode inode;
    if (found) {
        if (sqfs_inode_get(&lli.ll->fs, &inode, sqfs_dentry_inode(&entry)) ||
            sqfs_stat(&lli.ll->fs, &inode, &reply.attr)) {
            fuse_reply_err(req, EIO);
            return;
        }
        reply.ino = lli.ll->ino_register(lli.ll, &entry);
        reply.attr.st_ino = reply.ino;
        own(state_of(req), reply.attr);
    }
    fuse_reply_entry(req, &reply);
}

void op_read(fuse_req_t req, fuse_ino_t ino, size_t size, off_t offset, fuse_file_info* fi) {
    SquashfsFuse& state = state_of(req);
    if (size > sizeof state.read_buffer) {
        sqfs_ll_op_read(req, ino, size, offset, fi);
        return;
    }
    sqfs_ll_i lli;
    if (sqfs_ll_iget(req, &lli, ino)) return;  // it replied already
    (void)fi;
    if (!read_file_range(state.blocks, lli.inode, offset, size, state.read_buffer)) {
        fuse_reply_err(req, EIO);
        return;
    }
    fuse_reply_buf(req, state.read_buffer, size);
}

// ENOSYS from open and opendir tells the kernel (FUSE_NO_OPEN(DIR)_SUPPORT, Linux 4.19/5.1)
// never to send OPEN, OPENDIR, RELEASE or RELEASEDIR again: four round trips fewer for every
// file a launch opens. The kernel then keeps the page cache across opens (verified: a warm
// launch reads nothing), as keep_cache did.
void op_open(fuse_req_t req, fuse_ino_t, fuse_file_info*) { fuse_reply_err(req, ENOSYS); }

void op_readdir(fuse_req_t req, fuse_ino_t ino, size_t size, off_t offset, fuse_file_info*) {
    sqfs_ll_i lli;
    if (sqfs_ll_iget(req, &lli, ino)) return;  // it replied already
    sqfs_dir dir;
    if (sqfs_dir_open(&lli.ll->fs, &lli.inode, &dir, offset)) {
        fuse_reply_err(req, EINVAL);
        return;
    }
    SquashfsFuse& state = state_of(req);
    size = std::min(size, sizeof state.read_buffer);
    std::size_t used = 0;
    sqfs_name name;
    sqfs_dir_entry entry;
    sqfs_dentry_init(&entry, name);
    sqfs_err err = SQFS_OK;
    while (sqfs_dir_next(&lli.ll->fs, &dir, &entry, &err)) {
        struct stat st {};
        st.st_mode = sqfs_dentry_mode(&entry);
        st.st_ino = lli.ll->ino_fuse_num(lli.ll, &entry);
        auto next = static_cast<off_t>(sqfs_dentry_next_offset(&entry));
        std::size_t n = fuse_add_direntry(req, state.read_buffer + used, size - used, sqfs_dentry_name(&entry), &st, next);
        if (n > size - used) break;  // full: the kernel asks again from `next`
        used += n;
    }
    if (err != SQFS_OK) {
        fuse_reply_err(req, EIO);
        return;
    }
    fuse_reply_buf(req, state.read_buffer, used);
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
    ops.open = op_open;
    ops.read = op_read;
    ops.readlink = sqfs_ll_op_readlink;
    // No getxattr/listxattr: overlayfs asks the lower layer for its own xattrs on every lookup,
    // and the kernel stops asking a FUSE server after its first ENOSYS (fc->no_getxattr),
    // which saves a round trip per path component. File capabilities would be inert anyway
    // (no_new_privs, empty bounding set).
    ops.forget = sqfs_ll_op_forget;
    ops.statfs = stfs_ll_op_statfs;
    return ops;
}

// libsquashfuse keeps one decompressed data block. A launch's readahead interleaves the
// loader, libc and the command, so with one slot the same block is inflated up to four times;
// a few slots make every block inflate once (fast-start.md: 2-4 blocks, more do not help).
constexpr std::size_t data_blocks_cached = 4;

bool widen_data_cache(sqfs& fs) {
    sqfs_cache_destroy(&fs.data_cache);
    return sqfs_block_cache_init(&fs.data_cache, data_blocks_cached) == SQFS_OK;
}

}  // namespace

SquashfsFuse* open_squashfs_fuse(const std::string& image, uid_t uid, gid_t gid) {
    auto* state = new SquashfsFuse;  // not value-initialised: zeroing the read buffer costs page faults
    std::memset(&state->ll, 0, sizeof state->ll);
    state->uid = uid;
    state->gid = gid;
    state->blocks.fs = &state->ll.fs;
    if (sqfs_open_image(&state->ll.fs, image.c_str(), 0) != SQFS_OK || sqfs_ll_init(&state->ll) ||
        !widen_data_cache(state->ll.fs))
        return nullptr;
    return state;
}

sqfs& squashfs_of(SquashfsFuse* fs) { return fs->ll.fs; }

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

}  // namespace skiff::ns
