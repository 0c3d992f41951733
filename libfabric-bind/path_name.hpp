// The last component of a path, as the loaders compare names.
#pragma once

#include <string_view>

namespace skiff::ldcache {

inline std::string_view file_name(std::string_view path) {
    auto slash = path.rfind('/');
    return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

}  // namespace skiff::ldcache
