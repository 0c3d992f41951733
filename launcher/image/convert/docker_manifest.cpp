#include "launcher/image/convert/docker_manifest.hpp"

#include <string_view>

#include <nlohmann/json.hpp>

#include "launcher/image/convert/tar_archive.hpp"

namespace skiff::image::convert {
namespace {

using Json = nlohmann::json;

constexpr std::size_t max_layers = 1024;  // docker and the overlay driver allow 128

bool looks_like_docker_manifest(const Json& doc) {
    if (!doc.is_array() || doc.empty()) return false;
    for (const auto& image : doc)
        if (!image.is_object() || !image.contains("Config") || !image.contains("Layers")) return false;
    return true;
}

// A member name that stays inside the archive, normalised.
Result<std::string> member_name(const Json& value, const std::string& what) {
    if (!value.is_string()) return fail(what + ": a member name is not a string");
    const std::string name = value.get<std::string>();
    std::string normal = normal_member_name(name);
    if (name.starts_with('/') || normal.empty() || ("/" + normal + "/").find("/../") != std::string::npos)
        return fail(what + ": member name '" + name + "' is absolute, empty or contains '..'");
    return normal;
}

Result<DockerImage> parse_image(const Json& image, const std::string& what) {
    DockerImage out;
    auto config = member_name(image["Config"], what + ": Config");
    if (!config) return Unexpected(config.error());
    out.config = *config;
    const Json& layers = image["Layers"];
    if (!layers.is_array()) return fail(what + ": Layers is not a list");
    if (layers.size() > max_layers) return fail(what + ": more than " + std::to_string(max_layers) + " layers");
    for (const auto& layer : layers) {
        auto name = member_name(layer, what + ": Layers");
        if (!name) return Unexpected(name.error());
        out.layers.push_back(*name);
    }
    auto tags = image.find("RepoTags");
    if (tags == image.end() || tags->is_null()) return out;
    if (!tags->is_array()) return fail(what + ": RepoTags is not a list");
    for (const auto& tag : *tags) {
        if (!tag.is_string()) return fail(what + ": RepoTags holds a value that is not a string");
        out.repo_tags.push_back(tag.get<std::string>());
    }
    return out;
}

std::string tag_list(const std::vector<DockerImage>& images) {
    std::string out;
    for (std::size_t i = 0; i < images.size(); ++i) {
        std::string tags;
        for (const auto& tag : images[i].repo_tags) tags += (tags.empty() ? "" : ", ") + tag;
        out += (out.empty() ? "" : "; ") + ("@" + std::to_string(i)) + (tags.empty() ? "" : " " + tags);
    }
    return out;
}

// Docker writes "app:1" where podman and skopeo write "docker.io/library/app:1".
std::string short_tag(const std::string& tag) {
    for (std::string_view prefix : {"docker.io/library/", "docker.io/"})
        if (tag.starts_with(prefix)) return tag.substr(prefix.size());
    return tag;
}

std::optional<std::size_t> index_selector(const std::string& tag, std::size_t count) {
    if (tag.size() < 2 || !tag.starts_with('@') || tag.size() > 6) return std::nullopt;
    if (tag.find_first_not_of("0123456789", 1) != std::string::npos) return std::nullopt;
    std::size_t index = std::stoul(tag.substr(1));
    if (index >= count) return std::nullopt;
    return index;
}

}  // namespace

Result<std::optional<std::vector<DockerImage>>> parse_docker_manifest(const std::string& json, const std::string& what) {
    Json doc = Json::parse(json, nullptr, false);
    if (doc.is_discarded() || !looks_like_docker_manifest(doc)) return std::optional<std::vector<DockerImage>>();
    std::vector<DockerImage> images;
    for (const auto& image : doc) {
        auto parsed = parse_image(image, what);
        if (!parsed) return Unexpected(parsed.error());
        images.push_back(std::move(*parsed));
    }
    return std::optional(std::move(images));
}

Result<DockerImage> pick_docker_image(const std::vector<DockerImage>& images, const std::string& tag,
                                      const std::string& what) {
    if (tag.empty() && images.size() == 1) return images.front();
    if (auto index = index_selector(tag, images.size())) return images[*index];
    for (const auto& image : images)
        for (const auto& t : image.repo_tags)
            if (short_tag(t) == short_tag(tag)) return image;
    std::string start = tag.empty() ? "holds " + std::to_string(images.size()) + " images"
                                    : "has no image tagged '" + tag + "'";
    return fail(what + ": " + start + " (" + tag_list(images) + "); name one as PATH:REPO:TAG or PATH:@N");
}

}  // namespace skiff::image::convert
