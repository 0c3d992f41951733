#include "launcher/image/convert/oci_layout.hpp"

#include <cerrno>
#include <fstream>
#include <nlohmann/json.hpp>

#include "common/sys_error.hpp"
#include "launcher/image/convert/image_config.hpp"
#include "launcher/image/convert/oci_index.hpp"

namespace skiff::image::convert {
namespace {

using Json = nlohmann::json;

constexpr const char* index_media_type = "application/vnd.oci.image.index.v1+json";
constexpr const char* docker_list_media_type = "application/vnd.docker.distribution.manifest.list.v2+json";
constexpr std::size_t sha256_hex_length = 64;
constexpr int max_index_depth = 4;
constexpr std::size_t max_layout_json_bytes = 4 << 20;

bool valid_digest(const std::string& digest) {
    if (!digest.starts_with("sha256:") || digest.size() != 7 + sha256_hex_length) return false;
    return digest.find_first_not_of("0123456789abcdef", 7) == std::string::npos;
}

// Index, manifest and config JSON; a layout from elsewhere is as untrusted as a registry.
Result<std::string> read_text(const std::string& path, const std::string& what) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return Unexpected(SysError{errno, "open", path}.to_error(what));
    std::string text(max_layout_json_bytes + 1, '\0');
    in.read(text.data(), static_cast<std::streamsize>(text.size()));
    if (in.bad()) return Unexpected(SysError{EIO, "read", path}.to_error(what));
    text.resize(static_cast<std::size_t>(in.gcount()));
    if (text.size() > max_layout_json_bytes) return fail(what + ": '" + path + "' is larger than 4 MiB");
    return text;
}

Result<Json> read_json(const std::string& path, const std::string& what) {
    auto text = read_text(path, what);
    if (!text) return Unexpected(text.error());
    Json doc = Json::parse(*text, nullptr, false);
    if (doc.is_discarded() || !doc.is_object()) return fail(what + ": '" + path + "' is not a JSON object");
    return doc;
}

struct Layout {
    std::string dir;
    Result<std::string> blob(const Json& descriptor) const {
        std::string digest = descriptor.value("digest", "");
        if (!valid_digest(digest)) return fail("OCI layout '" + dir + "': bad digest '" + digest + "'");
        return dir + "/blobs/sha256/" + digest.substr(7);
    }
};

std::string platform_architecture(const Json& descriptor) {
    auto platform = descriptor.find("platform");
    if (platform == descriptor.end() || !platform->is_object()) return "";
    return platform->value("architecture", "");
}

Result<ImportInput> from_manifest(const Layout& layout, const Json& descriptor, const Json& manifest,
                                  const std::string& oci_arch, const std::string& what) {
    ImportInput out;
    auto config_path = layout.blob(manifest.value("config", Json::object()));
    if (!config_path) return Unexpected(config_path.error());
    auto config_text = read_text(*config_path, what + ": config");
    if (!config_text) return Unexpected(config_text.error());
    auto config = parse_image_config(*config_text, what + ": config");
    if (!config) return Unexpected(config.error());
    std::string arch = platform_architecture(descriptor);
    if (auto r = check_architecture(arch.empty() ? config->architecture : arch, oci_arch, what); !r)
        return Unexpected(r.error());
    out.convert.metadata = config->metadata;
    out.warnings = config->warnings;
    auto layers = manifest.value("layers", Json::array());
    for (std::size_t i = 0; i < layers.size(); ++i) {
        std::string media_type = layers[i].value("mediaType", "");
        if (auto r = check_layer_media_type(media_type); !r) return fail(what + ": " + r.error().message);
        auto path = layout.blob(layers[i]);
        if (!path) return Unexpected(path.error());
        out.convert.layers.push_back({LayerSource::Kind::archive, *path,
                                      "layer " + short_digest(layers[i].value("digest", "")), true, ""});
    }
    return out;
}

}  // namespace

Result<ImportInput> oci_layout_source(const std::string& dir, const std::string& tag, const std::string& oci_arch) {
    Layout layout{dir};
    std::string what = "OCI layout '" + dir + "'";
    auto index = read_json(dir + "/index.json", what);
    if (!index) return Unexpected(index.error());
    Json current = std::move(*index);
    for (int depth = 0; depth < max_index_depth; ++depth) {
        // Tags name the layout's images; nested indexes hold platform variants only.
        auto descriptor = pick_manifest(current, depth == 0 ? tag : "", oci_arch, what);
        if (!descriptor) return Unexpected(descriptor.error());
        auto path = layout.blob(*descriptor);
        if (!path) return Unexpected(path.error());
        auto doc = read_json(*path, what);
        if (!doc) return Unexpected(doc.error());
        std::string type = descriptor->value("mediaType", doc->value("mediaType", ""));
        if (type != index_media_type && type != docker_list_media_type && !doc->contains("manifests"))
            return from_manifest(layout, *descriptor, *doc, oci_arch, what);
        current = std::move(*doc);
    }
    return fail(what + ": indexes nested too deeply");
}

}  // namespace skiff::image::convert
