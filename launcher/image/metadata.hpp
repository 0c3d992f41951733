// Image metadata (edf.md §7.3): ENV, WORKDIR, ENTRYPOINT and CMD, read from the image without
// mounting it and without running anything from it (style.md rule 13). Sources, first found:
//  1. skiff's own metadata file, /.skiff/image-metadata (format in metadata_format.hpp), which
//     a future `skiff image pull/import` writes;
//  2. the enroot layout of CE-made images: /etc/environment, and /etc/rc for the WORKDIR
//     (its `cd "<dir>"` line) and for entrypoint = true, which runs /etc/rc;
//  3. nothing.
// A file that is missing, or is not a regular file after following symlinks inside the image,
// counts as absent.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/error.hpp"
#include "launcher/image/local.hpp"

namespace skiff::image {

inline constexpr const char* skiff_metadata_path = "/.skiff/image-metadata";
inline constexpr const char* enroot_environment_path = "/etc/environment";
inline constexpr const char* enroot_rc_path = "/etc/rc";

struct ImageMetadata {
    enum class Source { none, skiff, enroot };
    Source source = Source::none;

    // In file order; a name given twice keeps its first position and its last value. Values
    // are verbatim: no ${NAME} substitution (enroot substitutes host variables at start).
    std::vector<std::pair<std::string, std::string>> env;
    std::optional<std::string> workdir;
    std::vector<std::string> entrypoint;  // only from skiff's metadata
    std::vector<std::string> cmd;         // only from skiff's metadata
    // The enroot layout has /etc/rc: with entrypoint = true the container runs
    // `/etc/rc COMMAND...`, which holds the image's ENTRYPOINT and CMD.
    bool enroot_rc = false;

    bool operator==(const ImageMetadata&) const = default;
};

// Reads one container path of an image: its contents, or nullopt if it is missing or not a
// regular file (files over 1 MiB are an error). Symlinks resolve inside the image.
using FileReader = std::function<Result<std::optional<std::string>>(const std::string&)>;

// Opens the image once for several reads (a squashfs image's tables are parsed once).
Result<FileReader> open_image_files(const ImageSource& source);

Result<ImageMetadata> read_metadata(const ImageSource& source, const FileReader& read);
Result<ImageMetadata> read_metadata(const ImageSource& source);

}  // namespace skiff::image
