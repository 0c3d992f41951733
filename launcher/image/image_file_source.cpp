#include "launcher/image/image_file_source.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "launcher/image/squashfs_reader.hpp"
#include "namespaces/path_in_root.hpp"

namespace skiff::image {
namespace {

bool missing(int code) { return code == ENOENT || code == ENOTDIR; }

class DirectorySource : public ldcache::FileSource {
public:
    DirectorySource(UniqueFd root, std::string name) : root_(std::move(root)), name_(std::move(name)) {}

    Result<std::optional<std::string>> read(const std::string& path, std::size_t limit) override {
        // An O_PATH probe first: a FIFO or device in the image is never opened for reading.
        auto probe = ns::open_in_root(root_.get(), path, O_PATH);
        if (!probe) return absent_or_error(probe.error());
        struct stat st {};
        if (::fstat(probe->get(), &st) != 0) return Unexpected(SysError{errno, "fstat", path}.to_error(name_));
        if (!S_ISREG(st.st_mode)) return fail(name_ + ": '" + path + "' is not a regular file");
        auto data = ns::read_file_in_root(root_.get(), path, limit);
        if (!data) return absent_or_error(data.error());
        return std::optional<std::string>(std::move(*data));
    }

    Result<std::optional<std::string>> readlink(const std::string& path) override {
        auto slash = path.rfind('/');
        std::string dir = slash == std::string::npos || slash == 0 ? "/" : path.substr(0, slash);
        std::string base = slash == std::string::npos ? path : path.substr(slash + 1);
        if (base.empty()) return std::optional<std::string>{};
        auto parent = ns::open_in_root(root_.get(), dir, O_PATH | O_DIRECTORY);
        if (!parent) return absent_or_error(parent.error());
        char buffer[4096];
        ssize_t n = ::readlinkat(parent->get(), base.c_str(), buffer, sizeof buffer);
        if (n < 0 && (errno == EINVAL || missing(errno))) return std::optional<std::string>{};
        if (n < 0) return Unexpected(SysError{errno, "readlink", path}.to_error(name_));
        return std::optional<std::string>(std::string(buffer, static_cast<std::size_t>(n)));
    }

private:
    Result<std::optional<std::string>> absent_or_error(const SysError& error) const {
        if (missing(error.code)) return std::optional<std::string>{};
        return Unexpected(error.to_error(name_));
    }

    UniqueFd root_;
    std::string name_;
};

class SquashfsSource : public ldcache::FileSource {
public:
    explicit SquashfsSource(SquashfsImage image) : image_(std::move(image)) {}

    Result<std::optional<std::string>> read(const std::string& path, std::size_t limit) override {
        return image_.read_file(path, limit);
    }

    Result<std::optional<std::string>> readlink(const std::string& path) override {
        auto kind = image_.stat_path(path, FollowLast::no);
        if (!kind) return Unexpected(kind.error());
        if (!*kind || **kind != FileKind::symlink) return std::optional<std::string>{};
        return image_.read_link(path);
    }

private:
    SquashfsImage image_;
};

}  // namespace

Result<std::unique_ptr<ldcache::FileSource>> open_file_source(const ImageSource& image) {
    std::string name = "image '" + image.path + "'";
    if (image.kind == ImageSource::Kind::directory) {
        auto root = ns::open_root(image.path);
        if (!root) return Unexpected(root.error().to_error(name));
        return std::unique_ptr<ldcache::FileSource>(std::make_unique<DirectorySource>(std::move(*root), name));
    }
    auto opened = SquashfsImage::open(image.path);
    if (!opened) return Unexpected(opened.error());
    return std::unique_ptr<ldcache::FileSource>(std::make_unique<SquashfsSource>(std::move(*opened)));
}

}  // namespace skiff::image
