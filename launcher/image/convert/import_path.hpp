// The SRC of `skiff image import SRC`: a path, optionally followed by an image to pick from it,
// as skopeo writes `oci:DIR:TAG` and `docker-archive:PATH:REPO:TAG`. A path may itself contain
// ':', so the literal argument wins when it exists; else the longest prefix that ends before a
// ':' and exists is the path, and the rest names the image.
#pragma once

#include <functional>
#include <string>

namespace skiff::image::convert {

struct ImportPath {
    std::string path;
    std::string tag;  // "" when none was given
};

// `exists` says whether a path exists (stat in skiff, a set in the tests).
ImportPath split_import_path(const std::string& arg, const std::function<bool(const std::string&)>& exists);

}  // namespace skiff::image::convert
