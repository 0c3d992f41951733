// The parts of an OCI/Docker image config (the JSON blob the manifest names) that skiff keeps:
// config.Env, config.WorkingDir, config.Entrypoint and config.Cmd (edf.md §7.3).
#pragma once

#include <string>
#include <vector>

#include "common/error.hpp"
#include "launcher/image/metadata.hpp"

namespace skiff::image::convert {

struct ImageConfig {
    ImageMetadata metadata;             // source is skiff
    std::string architecture;           // "amd64", ... ("" if absent)
    std::vector<std::string> warnings;  // e.g. an Env entry without '=' that was dropped
};

// `what` names the config in errors ("image config sha256:...").
Result<ImageConfig> parse_image_config(const std::string& json, const std::string& what);

// An error naming both architectures when an image for `image_arch` ("" = unknown, accepted)
// would be imported on a host of `host_arch`: its programs could not run here.
Result<void> check_architecture(const std::string& image_arch, const std::string& host_arch, const std::string& what);

}  // namespace skiff::image::convert
