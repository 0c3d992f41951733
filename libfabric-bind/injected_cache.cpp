#include "libfabric-bind/injected_cache.hpp"

#include "libfabric-bind/cache_merge.hpp"
#include "libfabric-bind/dir_scan.hpp"

namespace skiff::ldcache {
namespace {

constexpr std::size_t kCacheLimit = std::size_t{256} << 20;

}  // namespace

Result<GlibcPlan> plan_glibc_cache_with_files(FileSource& image, const std::vector<InjectedDir>& dirs,
                                              const std::vector<InjectedFile>& files, const ArchInfo& arch) {
    GlibcPlan plan;
    std::vector<ScanDir> scan_dirs;
    for (const auto& d : dirs) scan_dirs.push_back({d.host_path, d.container_path});
    auto scanned = scan_directories(scan_dirs, arch, ScanOptions{.real_file_values = true});
    if (!scanned) return Unexpected(scanned.error());
    plan.warnings = std::move(scanned->warnings);
    std::vector<Injection> injections = std::move(scanned->entries);
    for (const auto& file : files) {
        Injection entry;
        entry.flags = arch.cache_flags;
        entry.key = file.key;
        entry.value = file.container_path;
        injections.push_back(std::move(entry));
    }
    auto bytes = image.read("/etc/ld.so.cache", kCacheLimit);
    if (!bytes) plan.warnings.push_back(bytes.error().message + "; the image's ld.so.cache is ignored");
    std::optional<std::string_view> view;
    if (bytes && *bytes) view = **bytes;
    auto merged = merge_cache(view, injections, arch);
    if (!merged) return Unexpected(merged.error());
    plan.bytes = std::move(merged->bytes);
    plan.entries = merged->entries.size();
    plan.image_entries_replaced = merged->image_replaced;
    plan.warnings.insert(plan.warnings.end(), merged->warnings.begin(), merged->warnings.end());
    return plan;
}

}  // namespace skiff::ldcache
