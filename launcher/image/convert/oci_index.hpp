// Picking the manifest to import out of an OCI image index (index.json of an image layout, or
// an index blob it points to). A layout may hold several images, each tagged by the annotation
// org.opencontainers.image.ref.name (skopeo's `oci:DIR:TAG`), and an image may come in several
// platform variants, told apart by the descriptors' "platform".
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "common/error.hpp"

namespace skiff::image::convert {

inline constexpr const char* ref_name_annotation = "org.opencontainers.image.ref.name";

// The descriptor to follow in `index`. With `tag`, only descriptors tagged `tag` count (an
// error lists the tags when none is). Of those: the only one, else the one whose platform is
// `oci_arch`. Without a tag, descriptors with two or more different tags and no single one for
// `oci_arch` are an error that lists the tags and the DIR:TAG syntax. `what` names the layout.
Result<nlohmann::json> pick_manifest(const nlohmann::json& index, const std::string& tag, const std::string& oci_arch,
                                     const std::string& what);

}  // namespace skiff::image::convert
