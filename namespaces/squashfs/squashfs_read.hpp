// Reading a byte range of a file from a squashfs image, block by block: the same result as
// libsquashfuse's sqfs_read_range, but every block comes through one place, which takes it
// from a prefetch (squashfs_prefetch.hpp) when one holds it, else from a cache that the FUSE
// server's threads share (block_cache.hpp), and records the order in which a launch first
// needed its blocks (squashfs_profile.hpp). Safe to call from several threads at once.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstddef>
#include <mutex>
#include <unordered_set>
#include <vector>

#include "namespaces/squashfs/squashfs_profile.hpp"

struct sqfs;
struct sqfs_inode;

namespace skiff::ns {

class BlockCache;
class BlockPrefetch;

// The blocks a launch needed, in order of first need, up to a limit, within `window` of the
// recorder's start: a profile is for starting up. A server lives as long as its containers,
// and blocks a long job reads later (its data, say) would make the next server inflate, ahead
// of its first launch, what that launch may never read. blocks() is read after the server's
// threads are done.
class ReadRecorder {
public:
    static constexpr std::chrono::seconds default_window{30};

    explicit ReadRecorder(std::size_t limit, std::chrono::steady_clock::duration window = default_window)
        : limit_(limit), until_(std::chrono::steady_clock::now() + window) {}
    void note(const BlockRef& block);
    const std::vector<BlockRef>& blocks() const { return blocks_; }

private:
    std::mutex mutex_;
    std::size_t limit_;
    std::chrono::steady_clock::time_point until_;
    std::vector<BlockRef> blocks_;
    std::unordered_set<std::uint64_t> seen_;
};

struct BlockSource {
    sqfs* fs = nullptr;
    BlockCache* cache = nullptr;        // required
    BlockPrefetch* prefetch = nullptr;  // optional
    ReadRecorder* recorder = nullptr;   // optional
};

// Copies up to `size` bytes at `start` of the regular file `inode` into `buffer`; on success
// `size` is the number of bytes copied (0 at the end of the file). false: not a regular file,
// a range outside the file, or a damaged image.
bool read_file_range(const BlockSource& source, sqfs_inode& inode, off_t start, std::size_t& size, char* buffer);

}  // namespace skiff::ns
