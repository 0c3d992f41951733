#include "launcher/image/registry/progress.hpp"

#include <cstdio>
#include <iterator>

namespace skiff::image {

std::string human_size(std::int64_t bytes) {
    static constexpr const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
    double v = static_cast<double>(bytes);
    std::size_t u = 0;
    while (v >= 1024 && u + 1 < std::size(units)) {
        v /= 1024;
        ++u;
    }
    char buf[32];
    if (u == 0)
        std::snprintf(buf, sizeof buf, "%.0f %s", v, units[u]);
    else
        std::snprintf(buf, sizeof buf, "%.1f %s", v, units[u]);
    return buf;
}

std::string short_digest(const std::string& digest) { return digest.substr(0, std::string("sha256:").size() + 12); }

}  // namespace skiff::image
