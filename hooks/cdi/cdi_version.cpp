#include "hooks/cdi/cdi_version.hpp"

#include <array>
#include <cstddef>

namespace skiff::cdi {
namespace {

// 0.8.0 and 1.0.0 added nothing a spec file can use.
constexpr std::array<std::string_view, 8> versions = {"0.3.0", "0.4.0", "0.5.0", "0.6.0",
                                                      "0.7.0", "0.8.0", "1.0.0", "1.1.0"};

Version index_of(std::string_view name) { return *parse_version(name); }

}  // namespace

std::optional<Version> parse_version(std::string_view text) {
    for (std::size_t i = 0; i < versions.size(); ++i)
        if (versions[i] == text) return static_cast<Version>(i);
    return std::nullopt;
}

std::string_view version_name(Version v) { return versions.at(static_cast<std::size_t>(v)); }

Version v040() { return index_of("0.4.0"); }
Version v050() { return index_of("0.5.0"); }
Version v060() { return index_of("0.6.0"); }
Version v070() { return index_of("0.7.0"); }
Version v110() { return index_of("1.1.0"); }

}  // namespace skiff::cdi
