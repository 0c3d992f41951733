// The merged file tree of an image, built in memory from its layers (lowest first) before
// anything is written: names, types, modes, mtimes and, for each regular file, where its
// bytes are (an entry of a layer archive, a host file, or bytes held here). Layer semantics
// follow the OCI image spec (image-layout "Representing Changes"):
//  - ".wh.NAME" deletes NAME as it exists in lower layers;
//  - ".wh..wh..opq" in a directory hides everything lower layers put in it;
//  - a hard link names an earlier path (same layer or lower) and shares its inode;
//  - an entry over an existing directory with a directory keeps the children (metadata is
//    replaced); any other entry replaces what was there.
// Ownership is not kept: the image is used rootless, where the layers' uids mean nothing and
// would appear as "nobody", so every inode is owned by root (0:0) as in the fixture images.
// Set-uid and set-gid bits are dropped for the same reason (squashfuse mounts are nosuid).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/error.hpp"

namespace skiff::image::convert {

// Where a regular file's bytes come from.
struct DataRef {
    enum class Kind { none, layer_entry, host_file, inline_bytes };
    Kind kind = Kind::none;
    std::size_t layer = 0;      // layer_entry: index of the layer
    std::size_t ordinal = 0;    // layer_entry: index of the entry in that layer's archive
    std::string host_path;      // host_file
    std::string bytes;          // inline_bytes
    std::uint64_t size = 0;
};

struct Inode;

// A name in a directory. `layer` is the last layer that named this entry, which is what
// whiteouts and opaque markers compare against ("lower" means an older layer).
struct DirEntry {
    std::shared_ptr<Inode> inode;
    std::size_t layer = 0;
};

struct Inode {
    enum class Type { directory, file, symlink };
    Type type = Type::directory;
    std::uint32_t permissions = 0755;  // the 07777 bits, set-id bits already removed
    std::int64_t mtime = 0;            // seconds since the epoch
    std::string target;                // symlink
    DataRef data;                      // file
    std::map<std::string, DirEntry> children;  // directory; std::map keeps squashfs order
};

// One entry of a layer, as the archive reader hands it over.
struct LayerEntry {
    enum class Type { file, directory, symlink, hardlink, other };
    std::string path;            // as in the archive ("./usr/bin", "etc/", ...)
    Type type = Type::file;
    std::uint32_t mode = 0;      // permission bits
    std::int64_t mtime = 0;
    std::string link;            // symlink target, or hard-link target path
    DataRef data;                // file
};

class LayerTree {
public:
    LayerTree();

    // Applies one entry of layer number `layer`; layers must come in increasing order.
    // `whiteouts` is false for a plain root file system, whose ".wh." names are just files.
    // Errors name the path: "'../etc/passwd': ...". Entries of Type::other are counted and
    // skipped (device nodes, FIFOs and sockets cannot be used rootless).
    Result<void> apply(const LayerEntry& entry, std::size_t layer, bool whiteouts);

    // Puts a file with these bytes at an absolute path (parents created), e.g. the metadata.
    void put_file(const std::string& path, std::string bytes, std::int64_t mtime);

    // The entry at `path` ("a/b", "/a/b"), following symlinks inside the tree on the way but not
    // at the last component; nullptr if there is none.
    Inode* find(const std::string& path);
    // Removes the entry at `path` the same way; false if there was none.
    bool remove(const std::string& path);

    const std::shared_ptr<Inode>& root() const { return root_; }
    std::size_t skipped_special_files() const { return skipped_; }

private:
    std::optional<std::pair<Inode*, std::string>> parent_of(const std::string& path);

    std::shared_ptr<Inode> root_;
    std::size_t skipped_ = 0;
};

// Splits an archive path into components: "./a//b/" -> {"a", "b"}; "." and "/" -> {} (the
// root). Other absolute paths and ".." components are errors: a layer can never write outside
// the image.
Result<std::vector<std::string>> split_layer_path(const std::string& path);

}  // namespace skiff::image::convert
