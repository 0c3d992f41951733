#include "launcher/image/convert/restore_from_image.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <optional>

#include "common/inode_identity.hpp"
#include "common/sys_error.hpp"
#include "namespaces/path_in_root.hpp"

namespace skiff::image::convert {
namespace {

// A path of the image, not following a symlink at its last component.
struct ImageEntry {
    UniqueFd parent;  // O_PATH of its directory
    std::string name;
    struct stat st {};
};

std::string parent_path(const std::string& path) {
    auto slash = path.find_last_of('/');
    return slash == std::string::npos || slash == 0 ? "/" : path.substr(0, slash);
}

std::string base_name(const std::string& path) { return path.substr(path.find_last_of('/') + 1); }

bool absent(int code) { return code == ENOENT || code == ENOTDIR; }

Result<std::optional<ImageEntry>> look_up(int image_fd, const std::string& path) {
    ImageEntry entry;
    entry.name = base_name(path);
    if (entry.name.empty() || entry.name == "." || entry.name == "..") return std::optional<ImageEntry>{};
    auto parent = ns::open_in_root(image_fd, parent_path(path), O_PATH | O_DIRECTORY);
    if (!parent && absent(parent.error().code)) return std::optional<ImageEntry>{};
    if (!parent) return Unexpected(parent.error().to_error("the image"));
    entry.parent = std::move(*parent);
    if (::fstatat(entry.parent.get(), entry.name.c_str(), &entry.st, AT_SYMLINK_NOFOLLOW) == 0)
        return std::optional<ImageEntry>(std::move(entry));
    if (absent(errno)) return std::optional<ImageEntry>{};
    return Unexpected(SysError{errno, "stat", path}.to_error("the image"));
}

// The image's file or symlink at `path`, as a layer entry whose bytes are read through `held`.
Result<LayerEntry> entry_from_image(const std::string& path, ImageEntry& found, std::vector<UniqueFd>& held) {
    LayerEntry entry;
    entry.path = path.substr(1);
    entry.mode = found.st.st_mode & 07777;
    entry.mtime = found.st.st_mtim.tv_sec;
    if (S_ISLNK(found.st.st_mode)) {
        char target[4096];
        auto n = ::readlinkat(found.parent.get(), found.name.c_str(), target, sizeof target);
        if (n < 0 || static_cast<std::size_t>(n) == sizeof target)
            return Unexpected(SysError{n < 0 ? errno : ENAMETOOLONG, "readlink", path}.to_error("the image"));
        entry.type = LayerEntry::Type::symlink;
        entry.link.assign(target, static_cast<std::size_t>(n));
    } else if (S_ISREG(found.st.st_mode)) {
        entry.type = LayerEntry::Type::file;
        entry.data.kind = DataRef::Kind::host_file;
        entry.data.host_path = "/proc/self/fd/" + std::to_string(found.parent.get()) + "/" + found.name;
        entry.data.size = static_cast<std::uint64_t>(found.st.st_size);
        held.push_back(std::move(found.parent));
    } else {
        entry.type = LayerEntry::Type::other;
    }
    return entry;
}

// Removes the parents of `path` that the image lacks and that are empty in the tree.
Result<void> prune_created_parents(LayerTree& tree, int image_fd, std::string path) {
    for (path = parent_path(path); path != "/"; path = parent_path(path)) {
        auto found = look_up(image_fd, path);
        if (!found) return Unexpected(found.error());
        Inode* dir = tree.find(path);
        if (*found || !dir || dir->type != Inode::Type::directory || !dir->children.empty()) return {};
        tree.remove(path);
    }
    return {};
}

Result<void> restore_one(LayerTree& tree, int image_fd, const std::string& path, std::vector<UniqueFd>& held) {
    auto found = look_up(image_fd, path);
    if (!found) return Unexpected(found.error());
    if (*found && S_ISDIR((*found)->st.st_mode)) return {};
    tree.remove(path);
    if (!*found) return prune_created_parents(tree, image_fd, path);
    auto entry = entry_from_image(path, **found, held);
    if (!entry) return Unexpected(entry.error());
    if (auto r = tree.apply(*entry, 1, false); !r) return fail("the image: " + r.error().message);
    return {};
}

// "INODE:CTIME_NS:PATH": PATH if the container's root has that very file there, unchanged.
std::optional<std::string> unchanged_path(int tree_fd, const std::string& entry) {
    auto first = entry.find(':');
    auto second = first == std::string::npos ? first : entry.find(':', first + 1);
    if (second == std::string::npos) return std::nullopt;
    std::string path = entry.substr(second + 1);
    auto file = ns::open_in_root(tree_fd, path, O_PATH | O_NOFOLLOW);
    struct stat st {};
    if (!file || ::fstat(file->get(), &st) != 0) return std::nullopt;
    if (entry.substr(0, second) != inode_identity(st)) return std::nullopt;
    return path;
}

}  // namespace

Result<void> restore_from_image(LayerTree& tree, const RestoreFromImage& restore, std::vector<UniqueFd>& held) {
    std::vector<std::string> paths = restore.paths;
    for (const auto& entry : restore.written)
        if (auto path = unchanged_path(restore.tree_fd, entry)) paths.push_back(*path);
    for (const auto& path : paths) {
        if (!path.starts_with('/')) return fail("internal: restore path '" + path + "' is not absolute");
        if (auto r = restore_one(tree, restore.image_fd, path, held); !r) return r;
    }
    return {};
}

}  // namespace skiff::image::convert
