// The image's dynamic linker as its files describe it (its C library, its ld.so.cache), read
// once per launch, the first time a hook or the linker configuration asks for it.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/diagnostics.hpp"
#include "common/error.hpp"
#include "launcher/edf/edf.hpp"
#include "launcher/image/local.hpp"
#include "libfabric-bind/cache_format.hpp"
#include "libfabric-bind/file_source.hpp"
#include "libfabric-bind/libc_detect.hpp"

namespace skiff::hooks {

struct ImageLinker {
    std::unique_ptr<ldcache::FileSource> files;
    ldcache::LibcInfo libc;
    std::vector<ldcache::CacheEntry> cache;  // the image's ld.so.cache; empty if none or unreadable
};

// Warnings (libc detection) go to diag. `known_libc`: the image's C library as detected
// before for this command (launcher/gather/libc_cache.hpp), which spares reading it again.
Result<ImageLinker> read_image_linker(const image::ImageSource& image, const std::vector<std::string>& command,
                                      const std::optional<ldcache::LibcInfo>& known_libc, Diagnostics& diag);

// True when some mount of the environment has the `ldcache` flag.
bool has_ldcache_mounts(const edf::Environment& environment);

// Where an earlier detection of the image's C library may be kept; asked on the first get()
// only, so that a launch that injects no library reads nothing for it.
using KnownLibc = std::function<std::optional<ldcache::LibcInfo>()>;

// read_image_linker's result, read on the first get().
class ImageLinkerCache {
public:
    ImageLinkerCache(const image::ImageSource& image, const std::vector<std::string>& command, KnownLibc known = {})
        : image_(image), command_(command), known_(std::move(known)) {}
    Result<ImageLinker>& get(Diagnostics& diag);
    // The linker if it was read and could be; nullptr otherwise.
    ImageLinker* loaded() { return linker_ && *linker_ ? &**linker_ : nullptr; }
    // The C library detected in the image by get(), not known before; nullptr when none was.
    const ldcache::LibcInfo* detected_libc() { return !libc_was_known_ && loaded() ? &loaded()->libc : nullptr; }
    // Whether get() took the C library from `known`.
    bool libc_was_known() const { return libc_was_known_; }

private:
    const image::ImageSource& image_;
    const std::vector<std::string>& command_;
    KnownLibc known_;
    bool libc_was_known_ = false;
    std::optional<Result<ImageLinker>> linker_;
};

}  // namespace skiff::hooks
