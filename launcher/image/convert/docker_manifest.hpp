// The manifest.json of a Docker `save` archive (written by `docker save`, `podman save` and
// skopeo's docker-archive transport): a JSON array with one object per image,
//   [{"Config": "<member>", "RepoTags": ["repo:tag", ...], "Layers": ["<member>", ...]}]
// where the members are files of the same tar ("<id>/layer.tar", "blobs/sha256/<hex>", ...).
// Every byte is untrusted: member names must stay inside the archive.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/error.hpp"

namespace skiff::image::convert {

struct DockerImage {
    std::string config;                  // member name, normalised ("a/b", no "./")
    std::vector<std::string> repo_tags;  // may be empty (an image saved by id)
    std::vector<std::string> layers;     // member names, lowest first
};

// nullopt when the JSON is not a Docker manifest at all (not a non-empty array of objects that
// each have "Config" and "Layers"): such a manifest.json is just a file of a root file system.
// Errors, naming `what`: a Docker manifest with bad values (not strings, an absolute member
// name or one with "..", too many layers).
Result<std::optional<std::vector<DockerImage>>> parse_docker_manifest(const std::string& json, const std::string& what);

// The image to import: the one whose RepoTags hold `tag` ("app:1" and "docker.io/library/app:1"
// are the same), the Nth image for "@N" (from 0), or the only one when `tag` is empty. Errors
// list the tags and the syntax.
Result<DockerImage> pick_docker_image(const std::vector<DockerImage>& images, const std::string& tag,
                                      const std::string& what);

}  // namespace skiff::image::convert
