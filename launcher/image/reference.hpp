// Registry image references (edf.md §7.1 rules 2-5) and their image-store file names (§7.2).
// Accepted forms: [docker://][USER@][REGISTRY#]NAME[:TAG][@sha256:HEX] and the Docker form
// REGISTRY/NAME where the first component contains '.' or ':' or is "localhost".
#pragma once

#include <string>

#include "common/error.hpp"

namespace skiff::image {

// The host that serves Docker Hub; `registry` holds it when no registry was given, or when
// the registry was written docker.io, index.docker.io or registry-1.docker.io.
inline constexpr const char* docker_hub_registry = "registry-1.docker.io";

struct RegistryRef {
    std::string user;        // the USER@ part (selects credentials); "" if none
    std::string registry;    // host[:port] to pull from, lowercase; never empty (Docker Hub
                             // is docker_hub_registry)
    std::string repository;  // path on the registry, e.g. "library/ubuntu", "nvidia/pytorch"
    std::string tag;         // never empty ("latest" by default); ignored for pulls if digest
    std::string digest;      // "sha256:<64 hex>" or ""

    bool docker_hub() const { return registry == docker_hub_registry; }

    // "docker.io/library/ubuntu:24.04", "nvcr.io/nvidia/pytorch:25.01-py3",
    // "docker.io/library/ubuntu@sha256:<hex>" (the tag is dropped when a digest pins the
    // image). Docker Hub is written docker.io, as Docker does. The user is not part of it.
    std::string canonical() const;

    // §7.2: "<registry>+<repository, / as +>+<tag>.<arch>.sqsh"; Docker Hub names drop the
    // registry and a leading "library/"; ":port" is written "_port"; a digest replaces the
    // tag as "sha256-<hex>". Example: "nvcr.io+nvidia+pytorch+25.01-py3.aarch64.sqsh".
    std::string store_file_name(const std::string& arch) const;

    // The same image pinned to `manifest_digest` ("sha256:<hex>"): USER@ (if any) then the
    // canonical name with the digest and no tag, "nvcr.io/nvidia/pytorch@sha256:<hex>". It
    // parses back to this reference with that digest. Pinning to a digest is the same image
    // whatever its tag does later (skiff image resolve; the Slurm plugin's SKIFF_SPANK_IMAGE).
    std::string pinned(const std::string& manifest_digest) const;

    bool operator==(const RegistryRef&) const = default;
};

// Parses a registry reference. Errors read "image 'TEXT': <what>", without a location prefix.
Result<RegistryRef> parse_reference(const std::string& text);

}  // namespace skiff::image
