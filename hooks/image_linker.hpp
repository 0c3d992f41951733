// The image's dynamic linker as its files describe it (its C library, its ld.so.cache), read
// once per launch, the first time a hook or the linker configuration asks for it.
#pragma once

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

// read_image_linker's result, read on the first get().
class ImageLinkerCache {
public:
    ImageLinkerCache(const image::ImageSource& image, const std::vector<std::string>& command,
                     std::optional<ldcache::LibcInfo> known_libc = std::nullopt)
        : image_(image), command_(command), known_libc_(std::move(known_libc)) {}
    Result<ImageLinker>& get(Diagnostics& diag);
    // The linker if it was read and could be; nullptr otherwise.
    ImageLinker* loaded() { return linker_ && *linker_ ? &**linker_ : nullptr; }
    // The C library detected in the image by get(), not known before; nullptr when none was.
    const ldcache::LibcInfo* detected_libc() { return !known_libc_ && loaded() ? &loaded()->libc : nullptr; }

private:
    const image::ImageSource& image_;
    const std::vector<std::string>& command_;
    std::optional<ldcache::LibcInfo> known_libc_;
    std::optional<Result<ImageLinker>> linker_;
};

}  // namespace skiff::hooks
