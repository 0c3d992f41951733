// Which registries may be reached over plain HTTP: only those the user lists in
// SKIFF_INSECURE_REGISTRIES, comma- or space-separated, as "host:port" (that port only) or
// "host" (any port), e.g. SKIFF_INSECURE_REGISTRIES=127.0.0.1:5000,registry.cluster.local
// Such a registry is then spoken to over http:// only, with no TLS attempt first.
#pragma once

#include "common/env_map.hpp"
#include "launcher/image/reference.hpp"

namespace skiff::image {

inline constexpr const char* insecure_registries_variable = "SKIFF_INSECURE_REGISTRIES";

bool plain_http_allowed(const RegistryRef& ref, const EnvMap& env);

}  // namespace skiff::image
