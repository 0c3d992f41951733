#include "launcher/image/convert/image_source.hpp"

#include <sys/stat.h>

#include "common/sys_error.hpp"
#include "launcher/image/convert/docker_archive.hpp"
#include "launcher/image/convert/image_config.hpp"
#include "launcher/image/convert/import_path.hpp"
#include "launcher/image/convert/oci_layout.hpp"

namespace skiff::image::convert {
namespace {

bool exists(const std::string& path) {
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0;
}

Result<ImportInput> from_tarball(const std::string& path, const std::string& tag, const std::string& oci_arch) {
    auto docker = docker_archive_source(path, tag, oci_arch);
    if (!docker) return Unexpected(docker.error());
    if (*docker) return std::move(**docker);
    if (!tag.empty()) return fail("import: '" + path + "' is a root file system tarball, which holds no image '" + tag + "'");
    ImportInput out;
    out.convert.layers.push_back({LayerSource::Kind::archive, path, "tarball '" + path + "'", false, ""});
    return out;
}

Result<ImportInput> from_directory(const std::string& path, const std::string& tag, const std::string& oci_arch) {
    if (exists(path + "/oci-layout")) return oci_layout_source(path, tag, oci_arch);
    if (!tag.empty()) return fail("import: '" + path + "' is a root file system directory, which holds no image '" + tag + "'");
    ImportInput out;
    out.convert.layers.push_back({LayerSource::Kind::directory, path, "directory '" + path + "'", false, ""});
    return out;
}

}  // namespace

Result<ImportInput> import_source(const std::string& arg, const std::string& oci_arch) {
    auto [path, tag] = split_import_path(arg, exists);
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) return Unexpected(SysError{errno, "stat", path}.to_error("import"));
    if (S_ISDIR(st.st_mode)) return from_directory(path, tag, oci_arch);
    if (S_ISREG(st.st_mode)) return from_tarball(path, tag, oci_arch);
    return fail("import: '" + path + "' is neither a directory nor a tarball");
}

std::string short_digest(const std::string& digest) { return digest.substr(0, 7 + 12); }

Result<ImportInput> fetched_source(const FetchedImage& image) {
    ImportInput out;
    auto config = parse_image_config(image.config_json, "image config");
    if (!config) return Unexpected(config.error());
    out.convert.metadata = config->metadata;
    out.warnings = config->warnings;
    for (std::size_t i = 0; i < image.layers.size(); ++i) {
        const auto& layer = image.layers[i];
        std::string name = "layer " + short_digest(layer.digest);
        if (auto r = check_layer_media_type(layer.media_type); !r) return fail(name + ": " + r.error().message);
        out.convert.layers.push_back({LayerSource::Kind::archive, layer.blob.string(), name, true, ""});
    }
    return out;
}

}  // namespace skiff::image::convert
