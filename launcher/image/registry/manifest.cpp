#include "launcher/image/registry/manifest.hpp"

#include <nlohmann/json.hpp>

#include "launcher/image/registry/sha256.hpp"

namespace skiff::image {
namespace {

using nlohmann::json;

std::string string_field(const json& j, const char* key) {
    auto it = j.find(key);
    return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

Result<Descriptor> parse_descriptor(const json& j, const std::string& what) {
    if (!j.is_object()) return fail(what + " is not an object");
    Descriptor d;
    d.media_type = string_field(j, "mediaType");
    d.digest = string_field(j, "digest");
    if (!is_sha256_digest(d.digest))
        return fail(what + " has digest '" + d.digest + "'; only sha256 digests are supported");
    auto size = j.find("size");
    if (size == j.end() || !size->is_number_integer() || size->get<std::int64_t>() < 0)
        return fail(what + " has no valid size");
    d.size = size->get<std::int64_t>();
    if (auto p = j.find("platform"); p != j.end() && p->is_object()) {
        d.platform.os = string_field(*p, "os");
        d.platform.architecture = string_field(*p, "architecture");
        d.platform.variant = string_field(*p, "variant");
    }
    return d;
}

Result<std::vector<Descriptor>> parse_list(const json& j, const char* key, const std::string& what) {
    auto it = j.find(key);
    if (it == j.end() || !it->is_array()) return fail("manifest has no '" + std::string(key) + "' list");
    std::vector<Descriptor> out;
    for (std::size_t i = 0; i < it->size(); ++i) {
        auto d = parse_descriptor((*it)[i], what + " " + std::to_string(i + 1));
        if (!d) return Unexpected(d.error());
        out.push_back(std::move(*d));
    }
    return out;
}

// "application/vnd.oci.image.index.v1+json; charset=utf-8" -> without parameters
std::string bare_type(const std::string& content_type) {
    std::string t = content_type.substr(0, content_type.find(';'));
    while (!t.empty() && t.back() == ' ') t.pop_back();
    return t;
}

bool is_index_type(const std::string& t) { return t == media_type::docker_list || t == media_type::oci_index; }
bool is_manifest_type(const std::string& t) { return t == media_type::docker_manifest || t == media_type::oci_manifest; }

Result<std::string> decide_type(const json& doc, const std::string& content_type) {
    std::string t = bare_type(content_type);
    if (is_index_type(t) || is_manifest_type(t)) return t;
    if (doc.value("schemaVersion", 0) == 1 || t.starts_with("application/vnd.docker.distribution.manifest.v1"))
        return fail("the registry only offers a Docker schema 1 manifest, which is not supported; push the image again with a current tool");
    std::string own = string_field(doc, "mediaType");
    if (is_index_type(own) || is_manifest_type(own)) return own;
    if (doc.contains("manifests")) return std::string(media_type::oci_index);
    if (doc.contains("layers") && doc.contains("config")) return std::string(media_type::oci_manifest);
    return fail("unsupported manifest type '" + (t.empty() ? own : t) + "'");
}

}  // namespace

std::string manifest_accept() {
    return std::string(media_type::oci_index) + ", " + media_type::docker_list + ", " + media_type::oci_manifest +
           ", " + media_type::docker_manifest;
}

Result<Manifest> parse_manifest(const std::string& body, const std::string& content_type) try {
    json doc = json::parse(body, nullptr, false);
    if (doc.is_discarded() || !doc.is_object()) return fail("the manifest is not a JSON object");
    auto type = decide_type(doc, content_type);
    if (!type) return Unexpected(type.error());
    Manifest m;
    m.is_index = is_index_type(*type);
    if (m.is_index) {
        auto list = parse_list(doc, "manifests", "index entry");
        if (!list) return Unexpected(list.error());
        m.manifests = std::move(*list);
        return m;
    }
    auto config = doc.find("config");
    if (config == doc.end()) return fail("the manifest has no config");
    auto c = parse_descriptor(*config, "the config descriptor");
    if (!c) return Unexpected(c.error());
    m.config = std::move(*c);
    auto layers = parse_list(doc, "layers", "layer");
    if (!layers) return Unexpected(layers.error());
    m.layers = std::move(*layers);
    return m;
} catch (const nlohmann::json::exception& e) {
    return fail(std::string("malformed manifest: ") + e.what());
}

}  // namespace skiff::image
