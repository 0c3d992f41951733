#include "launcher/image/registry/platform.hpp"

#include <array>
#include <string_view>

#include "launcher/image/store.hpp"

namespace skiff::image {
namespace {

struct MachineName {
    std::string_view machine;
    std::string_view architecture;
    std::string_view variant;
};

constexpr std::array<MachineName, 12> machines{{
    {"x86_64", "amd64", ""},     {"amd64", "amd64", ""},      {"aarch64", "arm64", "v8"},
    {"arm64", "arm64", "v8"},    {"armv7l", "arm", "v7"},     {"armv6l", "arm", "v6"},
    {"armv5tel", "arm", "v5"},   {"i686", "386", ""},         {"i386", "386", ""},
    {"ppc64le", "ppc64le", ""},  {"s390x", "s390x", ""},      {"riscv64", "riscv64", ""},
}};

// How well an image variant suits the host's: lower is better, nullopt: it cannot run.
std::optional<int> variant_rank(const Platform& image, const Platform& host) {
    if (image.variant == host.variant) return 0;
    if (image.variant.empty()) return 1;
    if (host.architecture == "arm64") return std::nullopt;  // only "" or "v8" (exact) run
    if (host.architecture == "arm" && image.variant.size() == 2 && host.variant.size() == 2 &&
        image.variant[0] == 'v' && host.variant[0] == 'v' && image.variant[1] < host.variant[1])
        return 1 + (host.variant[1] - image.variant[1]);  // older ARM variants run, newest first
    if (host.architecture == "amd64" && image.variant == "v1") return 1;
    return std::nullopt;
}

}  // namespace

std::string Platform::text() const {
    return os + "/" + architecture + (variant.empty() ? "" : "/" + variant);
}

Platform platform_for_machine(const std::string& machine) {
    for (const auto& m : machines)
        if (m.machine == machine) return {"linux", std::string(m.architecture), std::string(m.variant)};
    return {"linux", machine, ""};
}

Platform host_platform() { return platform_for_machine(machine_architecture()); }

std::optional<std::size_t> pick_platform(const std::vector<Platform>& candidates, const Platform& host) {
    std::optional<std::size_t> best;
    int best_rank = 0;
    for (std::size_t i = 0; i < candidates.size(); ++i) {
        const Platform& c = candidates[i];
        if (c.os != host.os || c.architecture != host.architecture) continue;
        auto rank = variant_rank(c, host);
        if (!rank) continue;
        if (!best || *rank < best_rank) {
            best = i;
            best_rank = *rank;
        }
    }
    return best;
}

}  // namespace skiff::image
