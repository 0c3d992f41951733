#include "launcher/image/registry/insecure.hpp"

#include "common/ascii.hpp"

namespace skiff::image {
namespace {

// "[::1]:5000" and "host:5000" -> host part; "host" -> itself.
std::string host_of(const std::string& registry) {
    auto colon = registry.rfind(':');
    if (colon == std::string::npos || registry.find(']', colon) != std::string::npos) return registry;
    return registry.substr(0, colon);
}

}  // namespace

bool plain_http_allowed(const RegistryRef& ref, const EnvMap& env) {
    auto it = env.find(insecure_registries_variable);
    if (it == env.end()) return false;
    std::string registry = ascii_lower(ref.registry);
    const std::string& list = it->second;
    for (std::size_t i = 0; i < list.size();) {
        std::size_t end = list.find_first_of(", \t", i);
        if (end == std::string::npos) end = list.size();
        std::string entry = ascii_lower(list.substr(i, end - i));
        i = end + 1;
        if (entry.empty()) continue;
        if (entry == registry) return true;
        bool entry_has_port = host_of(entry) != entry;
        if (!entry_has_port && entry == host_of(registry)) return true;
    }
    return false;
}

}  // namespace skiff::image
