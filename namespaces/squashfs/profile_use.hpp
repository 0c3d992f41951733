// The read profile of one served image (squashfs_profile.hpp) as a server uses it: the blocks
// the last server of the image needed, prefetched now, and the blocks this one needs, recorded
// for the next. Cold servers record one launch; a warm server records its first launches; both
// only their first 30 s and up to the profile's limit, so that the next fresh server's first
// burst finds inflated what it starts with.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "namespaces/squashfs/squashfs_prefetch.hpp"
#include "namespaces/squashfs/squashfs_profile.hpp"
#include "namespaces/squashfs/squashfs_read.hpp"

namespace skiff::ns {

struct SquashfsFuse;

struct ProfileUse {
    std::string directory;
    ImageIdentity image;
    std::vector<BlockRef> loaded;
    std::unique_ptr<BlockPrefetch> prefetch;
    std::unique_ptr<ReadRecorder> recorder;

    // Stores what was recorded, if anything new; call once the serving threads are done.
    void save() const;
};

// Starts prefetching `fs`'s profile from `directory` and recording its reads; nullptr if
// `directory` is empty or the image's identity cannot be read. Starts a thread: in a server
// that unshares a user namespace, call it after that.
std::unique_ptr<ProfileUse> start_profile(SquashfsFuse* fs, const std::string& directory);

}  // namespace skiff::ns
