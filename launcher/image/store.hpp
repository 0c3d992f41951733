// The per-user image store (edf.md §7.2): where it is, what a reference's file is called, the
// lock that serializes pulls, and what is in it. No heavy library: the pull itself happens in
// skiff-pull (launcher/pull), which uses this too.
//
// Layout of STORE:
//   <store file name>.sqsh         one image (RegistryRef::store_file_name)
//   <store file name>.sqsh.lock    flock(LOCK_EX) while pulling it; kept (removing a lock
//                                  file someone waits on would let two pulls run)
//   .blobs/sha256/<hex>            the registry client's blob cache (FetchOptions.blob_cache),
//                                  shared by all images; `image rm` never touches it, and it
//                                  can be deleted at any time to reclaim space.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/env_map.hpp"
#include "common/error.hpp"
#include "launcher/image/reference.hpp"
#include "common/unique_fd.hpp"

namespace skiff::image {

inline constexpr const char* store_void = "void";
inline constexpr const char* blob_cache_dir = ".blobs";
inline constexpr const char* lock_suffix = ".lock";

struct StoreLocation {
    bool is_void = false;   // EDF_IMAGESTORE=void, or the directory could not be created
    std::string dir;        // absolute; "" when void
    std::string warning;    // why a default directory could not be used ("" if none)
};

// Whether locate_store() creates a default directory that does not exist (a pull, a launch)
// or leaves it so (--dry-run writes nothing; the store is then simply empty).
enum class MissingStore { create, leave };

// EDF_IMAGESTORE (an existing absolute directory, or "void"; else an error), then
// ${SCRATCH}/.edf_imagestore, then ${XDG_CACHE_HOME:-$HOME/.cache}/skiff/images. Default
// directories are created (mode 0700); if that fails the store is void, with a warning.
Result<StoreLocation> locate_store(const EnvMap& env, MissingStore missing = MissingStore::create);

// The node's architecture as uname -m says it ("x86_64"); in OCI terms: registry/platform.hpp.
std::string machine_architecture();

std::string store_file(const StoreLocation& store, const RegistryRef& ref, const std::string& machine);

// Takes flock(LOCK_EX) on "<file>.lock", creating it; blocks until it is ours.
Result<UniqueFd> lock_store_file(const std::string& file);

struct StoredImage {
    std::string file;       // absolute path
    std::string name;       // file name
    std::string arch;       // from the name
    std::uint64_t size = 0;
    std::int64_t mtime = 0;
};

// The images in the store, by name; lock files, temporaries and .blobs are not images.
Result<std::vector<StoredImage>> list_store(const std::string& dir);

}  // namespace skiff::image
