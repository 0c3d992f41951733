#include "hooks/image_linker.hpp"

#include <set>

#include "launcher/image/image_file_source.hpp"
#include "libfabric-bind/cache_reader.hpp"
#include "libfabric-bind/remembering_file_source.hpp"

namespace skiff::hooks {
namespace {

std::vector<ldcache::CacheEntry> image_cache_entries(ldcache::FileSource& files, const ldcache::ArchInfo& arch) {
    auto bytes = files.read("/etc/ld.so.cache", ldcache::image_cache_limit);
    if (!bytes || !*bytes) return {};
    auto parsed = ldcache::read_cache(**bytes, arch.byte_order);
    if (!parsed) return {};
    return std::move(parsed->entries);
}

}  // namespace

bool has_ldcache_mounts(const edf::Environment& environment) {
    for (const auto& spec : environment.mounts)
        if (spec.flags.ldcache) return true;
    return false;
}

Result<ImageLinker> read_image_linker(const image::ImageSource& image, const std::vector<std::string>& command,
                                      const std::optional<ldcache::LibcInfo>& known_libc, Diagnostics& diag) {
    ImageLinker linker;
    auto files = image::open_file_source(image);
    if (!files) return Unexpected(files.error());
    linker.files = std::make_unique<ldcache::RememberingFileSource>(std::move(*files),
                                                                    std::set<std::string>{"/etc/ld.so.cache"});
    ldcache::DetectOptions options;
    if (!command.empty()) options.command = command.front();
    auto libc = known_libc ? Result<ldcache::LibcInfo>(*known_libc) : ldcache::detect_libc(*linker.files, options);
    if (!libc) return Unexpected(libc.error());
    for (const auto& warning : libc->warnings) diag.warn(warning);
    linker.libc = std::move(*libc);
    if (linker.libc.glibc && linker.libc.arch) linker.cache = image_cache_entries(*linker.files, *linker.libc.arch);
    return linker;
}

Result<ImageLinker>& ImageLinkerCache::get(Diagnostics& diag) {
    if (linker_) return *linker_;
    auto known_libc = known_ ? known_() : std::nullopt;
    libc_was_known_ = known_libc.has_value();
    linker_.emplace(read_image_linker(image_, command_, known_libc, diag));
    return *linker_;
}

}  // namespace skiff::hooks
