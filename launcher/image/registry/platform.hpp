// Platforms as OCI image indexes name them (os/architecture/variant), the host's platform,
// and picking the host's manifest out of an index.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace skiff::image {

struct Platform {
    std::string os = "linux";
    std::string architecture;  // OCI/Go names: amd64, arm64, arm, 386, ppc64le, s390x, riscv64
    std::string variant;       // "v8" for arm64, "v7"/"v6"/"v5" for arm, usually "" otherwise

    // "linux/arm64/v8", "linux/amd64"
    std::string text() const;
};

// The OCI platform of a `uname -m` machine name: x86_64 -> amd64, aarch64 -> arm64/v8,
// armv7l -> arm/v7, armv6l -> arm/v6, i686 -> 386, ...; unknown names pass through.
Platform platform_for_machine(const std::string& machine);

// The platform of this host (uname).
Platform host_platform();

// The index entry that runs on `host`, best match first: same os and architecture, then the
// variant: exact, else a compatible one (arm64: "" or "v8"; arm/v7 also runs v6 and v5;
// an empty variant in the image matches any host variant).
std::optional<std::size_t> pick_platform(const std::vector<Platform>& candidates, const Platform& host);

}  // namespace skiff::image
