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

}  // namespace skiff
