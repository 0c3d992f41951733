#include "launcher/image/convert/layer_tree.hpp"

#include <string_view>

namespace skiff::image::convert {
namespace {

constexpr std::string_view whiteout_prefix = ".wh.";
constexpr std::string_view opaque_marker = ".wh..wh..opq";
constexpr std::uint32_t permission_bits = 07777;
constexpr std::uint32_t set_id_bits = 06000;
constexpr std::uint32_t default_directory_mode = 0755;
constexpr int max_symlinks = 40;  // as the kernel's path walk (MAXSYMLINKS)

std::vector<std::string> split(std::string_view path) {
    std::vector<std::string> parts;
    std::size_t at = 0;
    while (at <= path.size()) {
        std::size_t slash = std::min(path.find('/', at), path.size());
        std::string_view part = path.substr(at, slash - at);
        if (!part.empty() && part != ".") parts.emplace_back(part);
        at = slash + 1;
    }
    return parts;
}

std::shared_ptr<Inode> new_directory(std::uint32_t mode, std::int64_t mtime) {
    auto dir = std::make_shared<Inode>();
    dir->type = Inode::Type::directory;
    dir->permissions = mode;
    dir->mtime = mtime;
    return dir;
}

// Removes what layers below `layer` put in `dir`, keeping what this layer named (and, in
// directories this layer named, removing their lower content too).
void prune_lower(Inode& dir, std::size_t layer) {
    for (auto it = dir.children.begin(); it != dir.children.end();) {
        if (it->second.layer < layer) {
            it = dir.children.erase(it);
            continue;
        }
        if (it->second.inode->type == Inode::Type::directory) prune_lower(*it->second.inode, layer);
        ++it;
    }
}

// A walk through the tree that follows symlinks inside it, as extracting the layer onto a
// real root would (with the root as a barrier for "..": nothing resolves outside the image).
class Walk {
public:
    Walk(Inode& root, std::size_t layer, bool create) : stack_{&root}, layer_(layer), create_(create) {}

    Result<void> go(const std::vector<std::string>& parts) {
        for (const auto& part : parts)
            if (auto r = step(part); !r) return r;
        return {};
    }
    Inode& here() const { return *stack_.back(); }

private:
    Result<void> step(const std::string& part) {
        if (part == "..") {
            if (stack_.size() > 1) stack_.pop_back();
            return {};
        }
        Inode& dir = here();
        auto it = dir.children.find(part);
        if (it == dir.children.end()) {
            if (!create_) return fail("'" + part + "' does not exist");
            it = dir.children.emplace(part, DirEntry{new_directory(default_directory_mode, 0), layer_}).first;
        }
        if (create_) it->second.layer = layer_;  // this layer has the directory
        Inode& next = *it->second.inode;
        if (next.type == Inode::Type::directory) {
            stack_.push_back(&next);
            return {};
        }
        if (next.type != Inode::Type::symlink) return fail("'" + part + "' is not a directory");
        if (++links_ > max_symlinks) return fail("too many levels of symbolic links");
        if (next.target.starts_with('/')) stack_.resize(1);
        return go(split(next.target));
    }

    std::vector<Inode*> stack_;
    std::size_t layer_;
    bool create_;
    int links_ = 0;
};

Result<std::shared_ptr<Inode>> make_inode(const LayerEntry& entry) {
    auto inode = std::make_shared<Inode>();
    inode->permissions = entry.mode & permission_bits & ~set_id_bits;
    inode->mtime = entry.mtime;
    switch (entry.type) {
        case LayerEntry::Type::directory: inode->type = Inode::Type::directory; break;
        case LayerEntry::Type::file:
            inode->type = Inode::Type::file;
            inode->data = entry.data;
            break;
        case LayerEntry::Type::symlink:
            inode->type = Inode::Type::symlink;
            inode->target = entry.link;
            break;
        case LayerEntry::Type::hardlink:
        case LayerEntry::Type::other: return fail("internal: no inode for this entry type");
    }
    return inode;
}

}  // namespace

Result<std::vector<std::string>> split_layer_path(const std::string& path) {
    auto parts = split(path);
    // umoci and some other writers name the root directory "/" rather than "./".
    if (path.starts_with('/') && !parts.empty())
        return fail("'" + path + "' is an absolute path; layers hold relative paths only");
    for (const auto& part : parts)
        if (part == "..") return fail("'" + path + "' contains '..'; a layer may not write outside the image");
    return parts;
}

LayerTree::LayerTree() : root_(new_directory(default_directory_mode, 0)) {}

Result<void> LayerTree::apply(const LayerEntry& entry, std::size_t layer, bool whiteouts) {
    auto parts = split_layer_path(entry.path);
    if (!parts) return Unexpected(parts.error());
    if (entry.type == LayerEntry::Type::other) {
        ++skipped_;
        return {};
    }
    if (parts->empty()) {  // "./": the root directory's own metadata
        if (entry.type != LayerEntry::Type::directory) return fail("'" + entry.path + "': the root must be a directory");
        root_->permissions = entry.mode & permission_bits & ~set_id_bits;
        root_->mtime = entry.mtime;
        return {};
    }
    std::string name = parts->back();
    parts->pop_back();
    Walk walk(*root_, layer, true);
    if (auto r = walk.go(*parts); !r) return fail("'" + entry.path + "': " + r.error().message);
    Inode& dir = walk.here();

    if (whiteouts && name.starts_with(whiteout_prefix)) {
        if (name == opaque_marker) {
            prune_lower(dir, layer);
            return {};
        }
        auto victim = dir.children.find(name.substr(whiteout_prefix.size()));
        if (victim != dir.children.end() && victim->second.layer < layer) dir.children.erase(victim);
        return {};
    }
    auto existing = dir.children.find(name);
    if (entry.type == LayerEntry::Type::hardlink) {
        auto target_parts = split_layer_path(entry.link);
        if (!target_parts || target_parts->empty())
            return fail("'" + entry.path + "': bad hard-link target '" + entry.link + "'");
        std::string target_name = target_parts->back();
        target_parts->pop_back();
        Walk target_walk(*root_, layer, false);
        auto found = target_walk.go(*target_parts);
        auto target = target_walk.here().children.find(target_name);
        if (!found || target == target_walk.here().children.end())
            return fail("'" + entry.path + "': hard-link target '" + entry.link + "' does not exist");
        if (target->second.inode->type == Inode::Type::directory)
            return fail("'" + entry.path + "': hard-link target '" + entry.link + "' is a directory");
        dir.children[name] = DirEntry{target->second.inode, layer};
        return {};
    }
    if (entry.type == LayerEntry::Type::directory && existing != dir.children.end() &&
        existing->second.inode->type == Inode::Type::directory) {
        existing->second.inode->permissions = entry.mode & permission_bits & ~set_id_bits;
        existing->second.inode->mtime = entry.mtime;
        existing->second.layer = layer;
        return {};
    }
    auto inode = make_inode(entry);
    if (!inode) return Unexpected(inode.error());
    dir.children[name] = DirEntry{std::move(*inode), layer};
    return {};
}

// The directory that holds `path`, and the name in it; nullopt for the root and for missing
// parents.
std::optional<std::pair<Inode*, std::string>> LayerTree::parent_of(const std::string& path) {
    auto parts = split(path);
    if (parts.empty() || parts.back() == "..") return std::nullopt;
    std::string name = parts.back();
    parts.pop_back();
    Walk walk(*root_, 0, false);
    if (!walk.go(parts)) return std::nullopt;
    return std::pair{&walk.here(), name};
}

Inode* LayerTree::find(const std::string& path) {
    if (split(path).empty()) return root_.get();
    auto parent = parent_of(path);
    if (!parent) return nullptr;
    auto it = parent->first->children.find(parent->second);
    return it == parent->first->children.end() ? nullptr : it->second.inode.get();
}

bool LayerTree::remove(const std::string& path) {
    auto parent = parent_of(path);
    return parent && parent->first->children.erase(parent->second) > 0;
}

void LayerTree::put_file(const std::string& path, std::string bytes, std::int64_t mtime) {
    auto parts = split(path);
    std::string name = parts.back();
    parts.pop_back();
    Inode* dir = root_.get();
    for (const auto& part : parts) {
        auto& child = dir->children[part];
        if (!child.inode || child.inode->type != Inode::Type::directory)
            child.inode = new_directory(default_directory_mode, mtime);
        dir = child.inode.get();
    }
    auto file = std::make_shared<Inode>();
    file->type = Inode::Type::file;
    file->permissions = 0644;
    file->mtime = mtime;
    file->data.kind = DataRef::Kind::inline_bytes;
    file->data.size = bytes.size();
    file->data.bytes = std::move(bytes);
    dir->children[name] = DirEntry{std::move(file), 0};
}

}  // namespace skiff::image::convert
