#include "launcher/image/convert/docker_archive.hpp"

#include <algorithm>
#include <map>
#include <vector>

#include "launcher/image/convert/docker_manifest.hpp"
#include "launcher/image/convert/image_config.hpp"
#include "launcher/image/convert/tar_archive.hpp"

namespace skiff::image::convert {
namespace {

constexpr std::size_t max_json_bytes = 4 << 20;
constexpr std::size_t max_member_depth = 3;        // "blobs/sha256/<hex>"
constexpr std::size_t max_members = 1 << 16;
constexpr int max_member_links = 8;             // docker links repeated layers to the first copy

struct Member {
    bool regular = false;
    std::string link;  // symlink target
};

struct Listing {
    std::map<std::string, Member> members;
    std::optional<std::string> manifest;
    std::optional<Error> manifest_error;
};

std::size_t member_depth(const std::string& name) {
    return name.empty() ? 0 : 1 + static_cast<std::size_t>(std::count(name.begin(), name.end(), '/'));
}

// One pass over the headers. nullopt when the tarball cannot be a Docker save archive (or
// cannot be read: the root file system reader then says why).
std::optional<Listing> scan(const std::string& path, const std::string& what) {
    auto tar = TarArchive::open(path, what);
    if (!tar) return std::nullopt;
    Listing out;
    archive_entry* entry = nullptr;
    for (;;) {
        int r = archive_read_next_header(tar->get(), &entry);
        if (r == ARCHIVE_EOF) break;
        if (r != ARCHIVE_OK && r != ARCHIVE_WARN) return std::nullopt;
        const char* raw = archive_entry_pathname(entry);
        std::string name = normal_member_name(raw ? raw : "");
        if (member_depth(name) > max_member_depth || out.members.size() >= max_members) return std::nullopt;
        Member& m = out.members[name];
        m.regular = archive_entry_filetype(entry) == AE_IFREG && !archive_entry_hardlink(entry);
        if (archive_entry_filetype(entry) == AE_IFLNK && archive_entry_symlink(entry)) m.link = archive_entry_symlink(entry);
        if (name != "manifest.json" || !m.regular) continue;
        auto text = read_entry(tar->get(), max_json_bytes, what + ": manifest.json");
        if (text) out.manifest = std::move(*text);
        else out.manifest_error = text.error();
    }
    if (!out.manifest && !out.manifest_error) return std::nullopt;
    return out;
}

// `dir` + "/" + `target` with ".." applied; nullopt if it climbs out of the archive.
std::optional<std::string> join_link(const std::string& name, const std::string& target) {
    std::string dir = name.substr(0, name.rfind('/') == std::string::npos ? 0 : name.rfind('/'));
    std::vector<std::string> parts;
    for (const auto& part_source : {dir, target}) {
        std::string joined = normal_member_name(part_source);
        std::size_t at = 0;
        while (!joined.empty() && at <= joined.size()) {
            std::size_t slash = std::min(joined.find('/', at), joined.size());
            std::string part = joined.substr(at, slash - at);
            at = slash + 1;
            if (part != "..") parts.push_back(part);
            else if (parts.empty()) return std::nullopt;
            else parts.pop_back();
        }
    }
    std::string out;
    for (const auto& part : parts) out += (out.empty() ? "" : "/") + part;
    return out;
}

// The regular member that `name` is, or links to (relative symlinks inside the archive).
Result<std::string> resolve(const Listing& listing, std::string name, const std::string& what) {
    const std::string asked = name;
    for (int hop = 0; hop <= max_member_links; ++hop) {
        auto it = listing.members.find(name);
        if (it == listing.members.end()) return fail(what + ": member '" + asked + "' is not in the archive");
        if (it->second.regular) return name;
        auto next = it->second.link.starts_with('/') ? std::nullopt : join_link(name, it->second.link);
        if (it->second.link.empty() || !next)
            return fail(what + ": member '" + asked + "' is not a file, or links outside the archive");
        name = *next;
    }
    return fail(what + ": member '" + asked + "': too many levels of symbolic links");
}

// "layer sha256:0123456789ab" for "blobs/sha256/<hex>", "layer 0123456789ab" for "<hex>/layer.tar"
// or "<hex>.tar".
std::string layer_name(const std::string& member) {
    constexpr std::size_t hex_length = 64, shown = 12;
    std::string name = member.starts_with("blobs/sha256/") ? member.substr(13) : member;
    bool hex = name.size() >= hex_length && name.find_first_not_of("0123456789abcdef") >= hex_length;
    if (!hex) return "layer '" + member + "'";
    return (name.size() == member.size() ? "layer " : "layer sha256:") + name.substr(0, shown);
}

Result<ImportInput> from_image(const std::string& path, const Listing& listing, const DockerImage& image,
                               const std::string& oci_arch, const std::string& what) {
    auto config_member = resolve(listing, image.config, what);
    if (!config_member) return Unexpected(config_member.error());
    auto text = read_member(path, *config_member, max_json_bytes, what + ": config '" + image.config + "'");
    if (!text) return Unexpected(text.error());
    auto config = parse_image_config(*text, what + ": config");
    if (!config) return Unexpected(config.error());
    if (auto r = check_architecture(config->architecture, oci_arch, what); !r) return Unexpected(r.error());
    ImportInput out;
    out.convert.metadata = config->metadata;
    out.warnings = config->warnings;
    for (const auto& layer : image.layers) {
        auto member = resolve(listing, layer, what);
        if (!member) return Unexpected(member.error());
        out.convert.layers.push_back({LayerSource::Kind::archive_member, path, layer_name(*member), true, *member});
    }
    return out;
}

}  // namespace

Result<std::optional<ImportInput>> docker_archive_source(const std::string& path, const std::string& tag,
                                                         const std::string& oci_arch) {
    const std::string what = "Docker archive '" + path + "'";
    auto listing = scan(path, what);
    if (!listing) return std::optional<ImportInput>();
    if (listing->manifest_error) return Unexpected(*listing->manifest_error);
    auto images = parse_docker_manifest(*listing->manifest, what + ": manifest.json");
    if (!images) return Unexpected(images.error());
    if (!*images) return std::optional<ImportInput>();
    auto image = pick_docker_image(**images, tag, what);
    if (!image) return Unexpected(image.error());
    auto input = from_image(path, *listing, *image, oci_arch, what);
    if (!input) return Unexpected(input.error());
    return std::optional(std::move(*input));
}

}  // namespace skiff::image::convert
