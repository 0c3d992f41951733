#include "launcher/image/metadata.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <functional>
#include <memory>

#include "launcher/image/metadata_format.hpp"
#include "launcher/image/squashfs_reader.hpp"
#include "namespaces/path_in_root.hpp"

namespace skiff::image {
namespace {

// Metadata files are a few kilobytes; a bigger one is not what we think it is.
constexpr std::size_t max_metadata_file = std::size_t{1} << 20;

std::string context_of(const ImageSource& source) { return "image '" + source.path + "'"; }

Result<std::optional<std::string>> check_size(std::optional<std::string> data, const std::string& path,
                                              const std::string& context) {
    if (data && data->size() > max_metadata_file)
        return fail(context + ": '" + path + "' is larger than 1 MiB; it is not image metadata");
    return data;
}

// A directory image is read through openat2(RESOLVE_IN_ROOT), so its absolute symlinks stay in
// the image. The path is checked through an O_PATH fd first, so that a FIFO (which would block)
// or a device node in the image is not opened for reading.
Result<std::optional<std::string>> read_in_directory(int root, const std::string& path,
                                                     const std::string& context) {
    auto probe = ns::open_in_root(root, path, O_PATH);
    if (!probe) {
        int code = probe.error().code;
        if (code == ENOENT || code == ENOTDIR) return std::optional<std::string>();
        return Unexpected(probe.error().to_error(context));
    }
    struct stat st {};
    if (::fstat(probe->get(), &st) != 0)
        return Unexpected(SysError{errno, "fstat", path}.to_error(context));
    if (!S_ISREG(st.st_mode)) return std::optional<std::string>();
    auto data = ns::read_file_in_root(root, path, max_metadata_file + 1);
    if (!data) return Unexpected(data.error().to_error(context));
    return check_size(std::move(*data), path, context);
}

Result<FileReader> directory_reader(const ImageSource& source) {
    auto root = ns::open_root(source.path);
    if (!root) return Unexpected(root.error().to_error(context_of(source)));
    auto shared_root = std::make_shared<UniqueFd>(std::move(*root));
    return FileReader([shared_root, context = context_of(source)](const std::string& path) {
        return read_in_directory(shared_root->get(), path, context);
    });
}

Result<FileReader> squashfs_reader(const ImageSource& source) {
    auto image = SquashfsImage::open(source.path);
    if (!image) return Unexpected(std::move(image).error());
    auto shared = std::make_shared<SquashfsImage>(std::move(*image));
    return FileReader([shared, context = context_of(source)](const std::string& path)
                          -> Result<std::optional<std::string>> {
        auto kind = shared->stat_path(path);
        if (!kind) return Unexpected(std::move(kind).error());
        if (*kind != FileKind::regular) return std::optional<std::string>();
        auto data = shared->read_file(path, max_metadata_file + 1);
        if (!data) return Unexpected(std::move(data).error());
        return check_size(std::move(*data), path, context);
    });
}

Result<ImageMetadata> read_enroot_layout(const FileReader& read) {
    ImageMetadata md;
    auto environment = read(enroot_environment_path);
    if (!environment) return Unexpected(std::move(environment).error());
    auto rc = read(enroot_rc_path);
    if (!rc) return Unexpected(std::move(rc).error());
    if (!*environment && !*rc) return md;
    md.source = ImageMetadata::Source::enroot;
    if (*environment) md.env = parse_environment(**environment);
    if (*rc) {
        md.workdir = parse_rc_workdir(**rc);
        md.enroot_rc = true;
    }
    return md;
}

}  // namespace

Result<FileReader> open_image_files(const ImageSource& source) {
    return source.kind == ImageSource::Kind::directory ? directory_reader(source) : squashfs_reader(source);
}

Result<ImageMetadata> read_metadata(const ImageSource& source, const FileReader& read) {
    auto own = read(skiff_metadata_path);
    if (!own) return Unexpected(std::move(own).error());
    if (*own) return parse_skiff_metadata(**own, context_of(source));
    return read_enroot_layout(read);
}

Result<ImageMetadata> read_metadata(const ImageSource& source) {
    auto reader = open_image_files(source);
    if (!reader) return Unexpected(std::move(reader).error());
    return read_metadata(source, *reader);
}

}  // namespace skiff::image
