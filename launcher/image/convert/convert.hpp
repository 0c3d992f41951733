// Layers (lowest first) and image metadata in, one squashfs file out (edf.md §7.2, §7.3):
// pass 1 builds the merged tree from every layer, pass 2 streams the surviving files' bytes
// into the squashfs writer, then the tables are written. Nothing is extracted to disk.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "launcher/image/convert/layer_reader.hpp"
#include "launcher/image/convert/restore_from_image.hpp"
#include "launcher/image/convert/squashfs_writer.hpp"
#include "launcher/image/metadata.hpp"

namespace skiff::image::convert {

struct ConvertInput {
    std::vector<LayerSource> layers;         // lowest first
    std::optional<ImageMetadata> metadata;   // written to /.skiff/image-metadata if set
    std::string reference;                   // the registry reference, kept in the metadata
    std::optional<RestoreFromImage> restore; // a saved container: what skiff put in its root
};

struct ConvertResult {
    std::size_t skipped_special_files = 0;   // device nodes, FIFOs, sockets
    std::uint64_t bytes = 0;                 // size of the squashfs file
};

// An event, and how many of the conversion's steps are done out of how many.
using Progress = std::function<void(const std::string& text, std::size_t done, std::size_t total)>;

// Writes the squashfs into `fd` (an empty regular file, named `path` in errors).
Result<ConvertResult> convert_to_squashfs(const ConvertInput& input, int fd, const std::string& path,
                                          const SquashfsOptions& options, const Progress& progress);

}  // namespace skiff::image::convert
