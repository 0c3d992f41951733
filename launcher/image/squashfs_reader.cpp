// Prefix legend: sqfs_ is libsquashfuse (squashfuse/*.h), sqfs is its open-filesystem handle.
// Every read of the image's metadata goes through skiff's bounded readers
// (namespaces/squashfs/squashfs_meta.hpp): libsquashfuse 0.1.105 trusts lengths stored in the image.
#include "launcher/image/squashfs_reader.hpp"

#include <fcntl.h>
#include <sys/stat.h>

#include <cerrno>
#include <algorithm>
#include <cstdint>
#include <deque>
#include <string_view>
#include <vector>

#include "namespaces/squashfs/block_cache.hpp"
#include "namespaces/squashfs/squashfs_dir.hpp"
#include "namespaces/squashfs/squashfs_init.hpp"
#include "namespaces/squashfs/squashfs_meta.hpp"
#include "namespaces/squashfs/squashfs_read.hpp"
#include "namespaces/squashfs/squashfs_superblock.hpp"
#include "namespaces/squashfs/squashfuse_c.hpp"
#include "common/sys_error.hpp"
#include "common/unique_fd.hpp"

namespace skiff::image {
namespace {

constexpr int max_symlinks = 40;                // Linux MAXSYMLINKS

using Inode = sqfs_inode;

std::string describe(sqfs_err err) {
    switch (err) {
        case SQFS_OK: return "no error";
        case SQFS_BADFORMAT: return "not a squashfs file";
        case SQFS_BADVERSION: return "unsupported squashfs version (only 4.0 is read)";
        case SQFS_BADCOMP: return "the squashfs compression is not supported by libsquashfuse";
        case SQFS_UNSUP: return "unsupported squashfs feature";
        case SQFS_ERR: break;
    }
    return "read error or corrupt squashfs";
}

// Path components in order; "" and "." dropped, ".." kept (handled against the walk stack).
void push_front_components(std::deque<std::string>& pending, std::string_view path) {
    std::vector<std::string> parts;
    for (std::size_t start = 0; start <= path.size();) {
        std::size_t slash = std::min(path.find('/', start), path.size());
        std::string_view part = path.substr(start, slash - start);
        if (!part.empty() && part != ".") parts.emplace_back(part);
        start = slash + 1;
    }
    pending.insert(pending.begin(), parts.begin(), parts.end());
}

FileKind kind_of(const Inode& inode) {
    auto mode = static_cast<mode_t>(inode.base.mode);
    if (S_ISREG(mode)) return FileKind::regular;
    if (S_ISDIR(mode)) return FileKind::directory;
    if (S_ISLNK(mode)) return FileKind::symlink;
    return FileKind::other;
}

}  // namespace

struct SquashfsImage::State {
    std::string image_path;
    UniqueFd fd;
    sqfs fs{};
    bool initialised = false;
    std::unique_ptr<ns::BlockCache> cache;  // one block: files are read whole, once

    State() = default;
    State(const State&) = delete;
    State& operator=(const State&) = delete;
    ~State() {
        if (initialised) sqfs_destroy(&fs);  // sqfs_destroy does not close the fd; UniqueFd does
    }

    std::string context() const { return "image '" + image_path + "'"; }
    Unexpected<Error> bad(const std::string& path, const std::string& what) const {
        return fail(context() + ": '" + path + "': " + what);
    }

    Result<Inode> inode(sqfs_inode_id id, const std::string& path) {
        Inode result{};
        if (!ns::squashfs::read_inode(fs, id, result)) return bad(path, "damaged inode");
        return result;
    }

    Result<std::string> link_target(Inode& link, const std::string& path) {
        std::string target;
        if (!ns::squashfs::read_symlink(fs, link, target)) return bad(path, "damaged symlink");
        return target;
    }

    // One directory entry; nullopt if absent.
    Result<std::optional<Inode>> lookup(Inode& dir, const std::string& name, const std::string& path) {
        if (name.size() > SQUASHFS_NAME_LEN) return std::optional<Inode>();
        sqfs_name buffer{};
        sqfs_dir_entry entry{};
        sqfs_dentry_init(&entry, buffer);
        auto step = ns::squashfs::lookup_entry(fs, dir, name, entry);
        if (step == ns::squashfs::Step::damaged) return bad(path, "damaged directory");
        if (step == ns::squashfs::Step::end) return std::optional<Inode>();
        auto child = inode(sqfs_dentry_inode(&entry), path);
        if (!child) return Unexpected(std::move(child).error());
        return std::optional<Inode>(*child);
    }

    // The walk keeps the chain of directories from the root, so ".." pops it and an absolute
    // symlink target restarts from the image root: no path can climb out of the image.
    Result<std::optional<Inode>> resolve(const std::string& path, FollowLast follow) {
        auto root = inode(sqfs_inode_root(&fs), path);
        if (!root) return Unexpected(std::move(root).error());
        std::vector<Inode> chain{*root};
        std::deque<std::string> pending;
        push_front_components(pending, path);
        int links = 0;
        while (!pending.empty()) {
            std::string name = std::move(pending.front());
            pending.pop_front();
            if (name == "..") {
                if (chain.size() > 1) chain.pop_back();
                continue;
            }
            auto child = lookup(chain.back(), name, path);
            if (!child || !*child) return child;
            bool last = pending.empty();
            if (kind_of(**child) == FileKind::symlink && (!last || follow == FollowLast::yes)) {
                if (++links > max_symlinks) return bad(path, "too many levels of symbolic links");
                auto target = link_target(**child, path);
                if (!target) return Unexpected(std::move(target).error());
                if (target->starts_with('/')) chain.resize(1);
                push_front_components(pending, *target);
                continue;
            }
            if (!last && kind_of(**child) != FileKind::directory)
                return std::optional<Inode>();  // ENOTDIR, reported as missing
            chain.push_back(**child);
        }
        return std::optional<Inode>(chain.back());
    }

    Result<std::string> read_range(Inode& file, std::size_t limit, const std::string& path) {
        std::size_t size = static_cast<std::size_t>(std::min<std::uint64_t>(file.xtra.reg.file_size, limit));
        std::string data(size, '\0');
        if (!ns::read_file_range(ns::BlockSource{&fs, cache.get()}, file, 0, size, data.data()))
            return bad(path, "damaged file data");
        data.resize(size);
        return data;
    }
};

SquashfsImage::SquashfsImage(std::unique_ptr<State> state) : state_(std::move(state)) {}
SquashfsImage::SquashfsImage(SquashfsImage&&) noexcept = default;
SquashfsImage& SquashfsImage::operator=(SquashfsImage&&) noexcept = default;
SquashfsImage::~SquashfsImage() = default;

// O_NONBLOCK: a FIFO in place of the image must not hang the launcher.
Result<SquashfsImage> SquashfsImage::open(const std::string& image_path) {
    auto state = std::make_unique<State>();
    state->image_path = image_path;
    state->fd.reset(::open(image_path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK));
    if (!state->fd.valid())
        return Unexpected(SysError{errno, "open", image_path}.to_error(state->context()));
    struct stat st {};
    if (::fstat(state->fd.get(), &st) != 0)
        return Unexpected(SysError{errno, "fstat", image_path}.to_error(state->context()));
    if (!S_ISREG(st.st_mode)) return fail(state->context() + ": not a squashfs file");
    if (auto problem = ns::squashfs::superblock_problem(state->fd.get()); !problem.empty())
        return fail(state->context() + ": " + problem);
    // init frees what it allocated when it fails, so only a successful init is destroyed.
    if (sqfs_err err = ns::squashfs::init(state->fs, state->fd.get()); err != SQFS_OK)
        return fail(state->context() + ": " + describe(err));
    state->initialised = true;
    state->cache = std::make_unique<ns::BlockCache>(0, state->fs.sb.block_size, 1);
    return SquashfsImage(std::move(state));
}

Result<std::optional<std::string>> SquashfsImage::read_file(const std::string& path, std::size_t limit) {
    auto inode = state_->resolve(path, FollowLast::yes);
    if (!inode) return Unexpected(std::move(inode).error());
    if (!*inode) return std::optional<std::string>();
    if (kind_of(**inode) != FileKind::regular) return state_->bad(path, "not a regular file");
    auto data = state_->read_range(**inode, limit, path);
    if (!data) return Unexpected(std::move(data).error());
    return std::optional<std::string>(std::move(*data));
}

Result<std::optional<FileKind>> SquashfsImage::stat_path(const std::string& path, FollowLast follow) {
    auto inode = state_->resolve(path, follow);
    if (!inode) return Unexpected(std::move(inode).error());
    if (!*inode) return std::optional<FileKind>();
    return std::optional<FileKind>(kind_of(**inode));
}

Result<std::optional<std::string>> SquashfsImage::read_link(const std::string& path) {
    auto inode = state_->resolve(path, FollowLast::no);
    if (!inode) return Unexpected(std::move(inode).error());
    if (!*inode) return std::optional<std::string>();
    if (kind_of(**inode) != FileKind::symlink) return state_->bad(path, "not a symbolic link");
    auto target = state_->link_target(**inode, path);
    if (!target) return Unexpected(std::move(target).error());
    return std::optional<std::string>(std::move(*target));
}

Result<std::optional<std::string>> read_file(const std::string& image_path,
                                             const std::string& path_in_image, std::size_t limit) {
    auto image = SquashfsImage::open(image_path);
    if (!image) return Unexpected(std::move(image).error());
    return image->read_file(path_in_image, limit);
}

Result<std::optional<FileKind>> stat_path(const std::string& image_path,
                                          const std::string& path_in_image, FollowLast follow) {
    auto image = SquashfsImage::open(image_path);
    if (!image) return Unexpected(std::move(image).error());
    return image->stat_path(path_in_image, follow);
}

}  // namespace skiff::image
