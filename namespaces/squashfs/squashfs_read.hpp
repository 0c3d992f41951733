// Reading a byte range of a file from a squashfs image, block by block: the same result as
// libsquashfuse's sqfs_read_range, but every block comes through one place, which takes it
// from a prefetch (squashfs_prefetch.hpp) when one holds it and records the order in which a
// launch first needed its blocks (squashfs_profile.hpp).
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <unordered_set>
#include <vector>

#include "namespaces/squashfs/squashfs_profile.hpp"

struct sqfs;
struct sqfs_inode;

namespace skiff::ns {

class BlockPrefetch;

// The blocks a launch needed, in order of first need, up to a limit.
class ReadRecorder {
public:
    explicit ReadRecorder(std::size_t limit) : limit_(limit) {}
    void note(const BlockRef& block);
    const std::vector<BlockRef>& blocks() const { return blocks_; }

private:
    std::size_t limit_;
    std::vector<BlockRef> blocks_;
    std::unordered_set<std::uint64_t> seen_;
};

struct BlockSource {
    sqfs* fs = nullptr;
    BlockPrefetch* prefetch = nullptr;  // optional
    ReadRecorder* recorder = nullptr;   // optional
};

// Copies up to `size` bytes at `start` of the regular file `inode` into `buffer`; on success
// `size` is the number of bytes copied (0 at the end of the file). false: not a regular file,
// a range outside the file, or a damaged image.
bool read_file_range(const BlockSource& source, sqfs_inode& inode, off_t start, std::size_t& size, char* buffer);

}  // namespace skiff::ns
