// Reading layers: tar archives (plain, gzip or zstd; libarchive detects which), tar archives
// that are members of an outer tar (Docker `save` archives), and plain directories (a root file system imported as one layer). Two passes over each layer: the
// first builds the merged tree (LayerTree), the second streams the bytes of the files that
// survived into the squashfs writer. Prefixes of the wrapped C library: archive_ (libarchive).
#pragma once

#include <functional>
#include <map>
#include <string>

#include "common/error.hpp"
#include "launcher/image/convert/layer_tree.hpp"
#include "launcher/image/convert/squashfs_writer.hpp"

namespace skiff::image::convert {

struct LayerSource {
    enum class Kind { archive, directory, archive_member };
    Kind kind = Kind::archive;
    std::string path;       // the blob, tarball or directory; archive_member: the outer tar
    std::string name;       // for messages: "layer sha256:..." or the file
    bool whiteouts = true;  // false for a root file system, whose ".wh." files are just files
    std::string member;     // archive_member: the layer's member name in the outer tar
};

// OCI and Docker layer media types: tar, tar+gzip, tar+zstd (and their non-distributable
// variants). Anything else is an error naming the type.
Result<void> check_layer_media_type(const std::string& media_type);

// Pass 1: applies every entry of layer number `index` to `tree`.
Result<void> read_layer_tree(const LayerSource& layer, std::size_t index, LayerTree& tree);

// Pass 2: the files of the finished tree whose data is in layer `index`, by entry ordinal.
using WantedEntries = std::map<std::size_t, const Inode*>;
Result<void> stream_layer_data(const LayerSource& layer, const WantedEntries& wanted, SquashfsWriter& writer);

// Data that is not in an archive: host files (directory layers) and inline bytes.
Result<void> write_file_data(const Inode& file, SquashfsWriter& writer);

}  // namespace skiff::image::convert
