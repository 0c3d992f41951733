// Writes a LayerTree as one squashfs file with libsquashfs (squashfs-tools-ng 1.2), without
// an extracted copy on disk: file data is streamed in (begin_file / append / end_file) in
// whatever order the layers deliver it, and the inode and directory tables are written from
// the in-memory tree at the end. Prefixes of the wrapped C library: sqfs_ (libsquashfs).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "common/error.hpp"
#include "launcher/image/convert/layer_tree.hpp"

struct sqfs_inode_generic_t;

namespace skiff::image::convert {

enum class Compression { zstd, gzip };

struct SquashfsOptions {
    Compression compression = Compression::zstd;
    unsigned workers = 0;  // compression threads; 0: one per online CPU
};

class SquashfsWriter {
public:
    // `fd` is an empty, writable regular file; `path` names it in errors. The writer does not
    // own the fd.
    static Result<std::unique_ptr<SquashfsWriter>> create(int fd, const std::string& path,
                                                          const SquashfsOptions& options);
    ~SquashfsWriter();
    SquashfsWriter(const SquashfsWriter&) = delete;
    SquashfsWriter& operator=(const SquashfsWriter&) = delete;

    // The data of one regular file of the tree, in pieces. Files never begun are empty.
    Result<void> begin_file(const Inode& file);
    Result<void> append(const void* data, std::size_t size);
    Result<void> end_file();

    // Writes the inode, directory, fragment and id tables and the superblock.
    Result<void> finish(const Inode& root);

    std::uint64_t bytes_written() const;

private:
    struct State;
    explicit SquashfsWriter(std::unique_ptr<State> state);
    Error error(const std::string& what, int code) const;

    std::unique_ptr<State> state_;
};

}  // namespace skiff::image::convert
