#include "common/env_map.hpp"

#include <cstring>

namespace skiff {

EnvMap env_from_envp(char* const* envp) {
    EnvMap env;
    for (char* const* entry = envp; entry && *entry; ++entry) {
        const char* eq = std::strchr(*entry, '=');
        if (!eq || eq == *entry) continue;
        env.emplace(std::string(static_cast<const char*>(*entry), eq), std::string(eq + 1));
    }
    return env;
}

std::string env_value(const EnvMap& env, const std::string& name) {
    auto it = env.find(name);
    return it == env.end() ? std::string() : it->second;
}

std::string temporary_directory(const EnvMap& env) {
    std::string dir = env_value(env, "TMPDIR");
    return dir.empty() ? "/tmp" : dir;
}

}  // namespace skiff
