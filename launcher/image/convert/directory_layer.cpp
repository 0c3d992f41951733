#include "launcher/image/convert/directory_layer.hpp"

#include <sys/stat.h>

#include <filesystem>
#include <map>
#include <utility>

#include "common/sys_error.hpp"

namespace skiff::image::convert {
namespace {

namespace fs = std::filesystem;

LayerEntry entry_for(const struct stat& st, const std::string& relative, const std::string& host_path) {
    LayerEntry entry;
    entry.path = relative;
    entry.mode = st.st_mode & 07777;
    entry.mtime = st.st_mtim.tv_sec;
    if (S_ISDIR(st.st_mode)) {
        entry.type = LayerEntry::Type::directory;
    } else if (S_ISREG(st.st_mode)) {
        entry.type = LayerEntry::Type::file;
        entry.data.kind = DataRef::Kind::host_file;
        entry.data.host_path = host_path;
        entry.data.size = static_cast<std::uint64_t>(st.st_size);
    } else if (S_ISLNK(st.st_mode)) {
        entry.type = LayerEntry::Type::symlink;
        std::error_code ec;
        entry.link = fs::read_symlink(host_path, ec).string();
    } else {
        entry.type = LayerEntry::Type::other;
    }
    return entry;
}

}  // namespace

Result<void> read_directory_tree(const LayerSource& layer, std::size_t index, LayerTree& tree) {
    std::map<std::pair<dev_t, ino_t>, std::string> first_name;  // hard links
    struct stat root {};
    if (::stat(layer.path.c_str(), &root) != 0)
        return Unexpected(SysError{errno, "stat", layer.path}.to_error(layer.name));
    if (auto r = tree.apply(entry_for(root, ".", layer.path), index, false); !r) return fail(layer.name + ": " + r.error().message);
    std::error_code ec;
    fs::recursive_directory_iterator it(layer.path, fs::directory_options::none, ec);
    if (ec) return Unexpected(SysError{ec.value(), "opendir", layer.path}.to_error(layer.name));
    for (; it != fs::recursive_directory_iterator(); it.increment(ec)) {
        if (ec) return Unexpected(SysError{ec.value(), "readdir", layer.path}.to_error(layer.name));
        std::string host_path = it->path().string();
        struct stat st {};
        if (::lstat(host_path.c_str(), &st) != 0)
            return Unexpected(SysError{errno, "lstat", host_path}.to_error(layer.name));
        std::string relative = it->path().lexically_relative(layer.path).string();
        LayerEntry entry = entry_for(st, relative, host_path);
        if (entry.type == LayerEntry::Type::file && st.st_nlink > 1) {
            auto [known, inserted] = first_name.emplace(std::pair{st.st_dev, st.st_ino}, relative);
            if (!inserted) {
                entry.type = LayerEntry::Type::hardlink;
                entry.link = known->second;
            }
        }
        if (auto r = tree.apply(entry, index, layer.whiteouts); !r) return fail(layer.name + ": " + r.error().message);
    }
    if (ec) return Unexpected(SysError{ec.value(), "readdir", layer.path}.to_error(layer.name));
    return {};
}

}  // namespace skiff::image::convert
