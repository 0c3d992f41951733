#include "hooks/cdi/cdi_resolve.hpp"

#include <algorithm>
#include <set>

#include "hooks/cdi/cdi_names.hpp"
#include "hooks/cdi/one_line.hpp"

namespace skiff::cdi {
namespace {

constexpr std::size_t max_listed = 8;  // names in an error before "and N more"

std::string bounded_list(const std::vector<std::string>& items) {
    std::string out;
    for (std::size_t i = 0; i < items.size() && i < max_listed; ++i) out += (i ? ", " : "") + items[i];
    if (items.size() > max_listed) out += " and " + std::to_string(items.size() - max_listed) + " more";
    return out;
}

// Files that did not load and whose kind is unknown: any of them may hold the device.
std::string unreadable_suffix(const CdiRegistry& registry) {
    if (registry.unreadable.empty()) return "";
    return "; " + std::to_string(registry.unreadable.size()) + " spec file(s) could not be read, first: " +
           registry.unreadable.front();
}

std::string dirs_text(const CdiRegistry& registry) {
    std::string out;
    for (const auto& d : registry.dirs) out += (out.empty() ? "" : ", ") + d;
    return out.empty() ? "(none)" : out;
}

Unexpected<Error> unknown_kind(const CdiRegistry& registry, const std::string& name, const std::string& kind) {
    std::vector<std::string> kinds;
    for (const auto& [k, index] : registry.kinds) kinds.push_back(k);
    std::string known = kinds.empty() ? "no CDI specs in " + dirs_text(registry) : "known kinds: " + bounded_list(kinds);
    return fail("CDI device '" + name + "': no spec for kind '" + kind + "'; " + known + unreadable_suffix(registry));
}

Unexpected<Error> unknown_device(const CdiRegistry& registry, const std::string& name, const QualifiedName& q,
                                 const KindIndex& index) {
    if (auto c = index.conflicts.find(q.name); c != index.conflicts.end())
        return fail("CDI device '" + name + "': " + c->second);
    std::vector<std::string> names;
    for (const auto& [n, ref] : index.devices) names.push_back(n);
    if (!index.devices.contains("all")) names.push_back("all");
    return fail("CDI device '" + name + "': " + q.kind + " has no device '" + q.name + "'; it has: " +
                bounded_list(names) + unreadable_suffix(registry));
}

// The devices `name` stands for, in definition order.
Result<std::vector<DeviceRef>> lookup(const CdiRegistry& registry, const std::string& name) {
    std::string why;
    auto q = parse_qualified(name, why);
    if (!q) return fail("CDI device " + why);
    auto it = registry.kinds.find(q->kind);
    if (it == registry.kinds.end()) return unknown_kind(registry, name, q->kind);
    const KindIndex& index = it->second;
    if (!index.errors.empty()) return fail("CDI device '" + name + "': " + index.errors.front());
    std::vector<DeviceRef> refs;
    if (q->name == "all" && !index.devices.contains("all")) {
        for (const auto& [n, ref] : index.devices) refs.push_back(ref);
        std::sort(refs.begin(), refs.end());
        if (refs.empty()) return unknown_device(registry, name, *q, index);
        return refs;
    }
    auto found = index.devices.find(q->name);
    if (found == index.devices.end()) return unknown_device(registry, name, *q, index);
    return std::vector<DeviceRef>{found->second};
}

}  // namespace

std::string ResolvedEdits::label() const {
    std::string what = device ? spec->kind + "=" + device->name : spec->kind;
    return what + " (" + spec->file + ")";
}

Result<Resolution> resolve_devices(const CdiRegistry& registry, const std::vector<std::string>& names) {
    std::vector<DeviceRef> used;
    for (const auto& name : names) {
        auto refs = lookup(registry, name);
        if (!refs) return fail(one_line(refs.error().message));
        for (const auto& ref : *refs)
            if (std::find(used.begin(), used.end(), ref) == used.end()) used.push_back(ref);
    }
    Resolution out;
    std::set<std::size_t> specs_done;
    for (const auto& ref : used) {
        const Spec& spec = registry.specs[ref.spec];
        if (specs_done.insert(ref.spec).second && !spec.edits.empty())
            out.edits.push_back({&spec, nullptr, &spec.edits});
    }
    for (const auto& ref : used) {
        const Spec& spec = registry.specs[ref.spec];
        const Device& device = spec.devices[ref.device];
        out.devices.push_back(spec.kind + "=" + device.name);
        out.edits.push_back({&spec, &device, &device.edits});
    }
    return out;
}

}  // namespace skiff::cdi
