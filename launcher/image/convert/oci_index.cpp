#include "launcher/image/convert/oci_index.hpp"

#include <set>
#include <vector>

namespace skiff::image::convert {
namespace {

using Json = nlohmann::json;

std::string ref_name(const Json& descriptor) {
    auto annotations = descriptor.find("annotations");
    if (annotations == descriptor.end() || !annotations->is_object()) return "";
    auto name = annotations->find(ref_name_annotation);
    return name != annotations->end() && name->is_string() ? name->get<std::string>() : "";
}

std::string architecture(const Json& descriptor) {
    auto platform = descriptor.find("platform");
    if (platform == descriptor.end() || !platform->is_object()) return "";
    auto arch = platform->find("architecture");
    return arch != platform->end() && arch->is_string() ? arch->get<std::string>() : "";
}

std::string tag_list(const std::vector<Json>& descriptors) {
    std::set<std::string> tags;
    for (const auto& d : descriptors)
        if (!ref_name(d).empty()) tags.insert(ref_name(d));
    std::string out;
    for (const auto& tag : tags) out += (out.empty() ? "" : ", ") + tag;
    return out.empty() ? "none" : out;
}

}  // namespace

Result<Json> pick_manifest(const Json& index, const std::string& tag, const std::string& oci_arch, const std::string& what) {
    auto manifests = index.find("manifests");
    if (manifests == index.end() || !manifests->is_array() || manifests->empty())
        return fail(what + ": the index lists no manifests");
    std::vector<Json> all, candidates, for_host;
    for (const auto& m : *manifests) {
        if (!m.is_object()) return fail(what + ": the index lists a manifest that is not an object");
        all.push_back(m);
        if (tag.empty() || ref_name(m) == tag) candidates.push_back(m);
    }
    if (candidates.empty()) return fail(what + ": no image tagged '" + tag + "' (tags: " + tag_list(all) + ")");
    if (candidates.size() == 1) return candidates.front();
    for (const auto& m : candidates)
        if (architecture(m) == oci_arch) for_host.push_back(m);
    std::set<std::string> tags;
    for (const auto& m : candidates) tags.insert(ref_name(m));
    if (tag.empty() && tags.size() > 1 && for_host.size() != 1)
        return fail(what + ": holds several images (tags: " + tag_list(all) + "); name one as DIR:TAG");
    if (for_host.empty()) return fail(what + ": no manifest for architecture '" + oci_arch + "'");
    return for_host.front();
}

}  // namespace skiff::image::convert
