#include "libfabric-bind/linker_config.hpp"

#include <dirent.h>

#include <algorithm>
#include <memory>

#include "libfabric-bind/cache_merge.hpp"
#include "libfabric-bind/dir_scan.hpp"
#include "libfabric-bind/elf_probe.hpp"

namespace skiff::ldcache {
namespace {

constexpr std::size_t kPathFileLimit = std::size_t{1} << 20;

std::optional<std::string> image_cache(FileSource& image, std::vector<std::string>& warnings) {
    auto bytes = image.read("/etc/ld.so.cache", image_cache_limit);
    if (!bytes) {
        warnings.push_back(bytes.error().message + "; the image's ld.so.cache is ignored");
        return std::nullopt;
    }
    return std::move(*bytes);
}

void add_aliases(std::vector<Injection>& injections, const std::vector<Alias>& aliases,
                 std::vector<std::string>& warnings) {
    std::size_t count = injections.size();
    for (const auto& alias : aliases) {
        auto it = std::find_if(injections.begin(), injections.begin() + static_cast<long>(count),
                               [&](const Injection& e) { return e.key == alias.soname && !e.hwcaps; });
        if (it == injections.begin() + static_cast<long>(count)) {
            warnings.push_back("alias '" + alias.name + "': no injected library '" + alias.soname + "'");
            continue;
        }
        Injection e = *it;
        e.key = alias.name;
        injections.push_back(std::move(e));
    }
}

std::vector<std::string> sorted_names(const std::string& dir) {
    std::vector<std::string> names;
    std::unique_ptr<DIR, int (*)(DIR*)> d(::opendir(dir.c_str()), ::closedir);
    if (!d) return names;
    while (dirent* e = ::readdir(d.get()))
        if (std::string_view(e->d_name).find(".so") != std::string_view::npos) names.emplace_back(e->d_name);
    std::sort(names.begin(), names.end());
    return names;
}

// The libraries of one injected directory as musl sees them; glibc-linked ones are skipped.
std::vector<MuslLibrary> musl_inventory(const InjectedDir& dir, const ArchInfo& arch,
                                        std::vector<std::string>& warnings) {
    std::vector<MuslLibrary> libs;
    for (const auto& name : sorted_names(dir.host_path)) {
        std::string path = dir.host_path + "/" + name;
        auto info = elf::probe_file(path);
        if (!info || info->type != elf::kEtDyn || !info->is_64bit ||
            info->machine != arch.e_machine || info->byte_order != arch.byte_order)
            continue;
        if (is_glibc_linked(*info)) {
            warnings.push_back(path + " is linked against glibc; not injected into this musl image");
            continue;
        }
        libs.push_back({dir.container_path, name, info->soname.value_or(name), {}});
    }
    return libs;
}

MuslExisting existing_path_file(FileSource& image, const std::string& path,
                                std::vector<std::string>& warnings) {
    auto bytes = image.read(path, kPathFileLimit);
    if (!bytes) {
        warnings.push_back(bytes.error().message + "; musl searches no system directories now");
        return {MuslExisting::State::unreadable, {}};
    }
    if (!*bytes) return {MuslExisting::State::absent, {}};
    return {MuslExisting::State::present, std::move(**bytes)};
}

void add_musl_aliases(std::vector<MuslLibrary>& libs, const std::vector<Alias>& aliases,
                      std::vector<std::string>& warnings) {
    for (const auto& alias : aliases) {
        auto it = std::find_if(libs.begin(), libs.end(),
                               [&](const MuslLibrary& l) { return l.soname == alias.soname; });
        if (it == libs.end())
            warnings.push_back("alias '" + alias.name + "': no injected library '" + alias.soname + "'");
        else
            it->aliases.push_back(alias.name);
    }
}

}  // namespace

Result<GlibcPlan> plan_glibc_cache(FileSource& image, const std::vector<InjectedDir>& dirs,
                                   const ArchInfo& arch, const std::vector<Alias>& aliases,
                                   const WriteOptions& options, const std::vector<InjectedFile>& files,
                                   ProbeMemo* memo) {
    GlibcPlan plan;
    std::vector<ScanDir> scan_dirs;
    for (const auto& d : dirs) scan_dirs.push_back({d.host_path, d.container_path});
    auto scanned = scan_directories(scan_dirs, arch, ScanOptions{.real_file_values = true, .memo = memo});
    if (!scanned) return Unexpected(scanned.error());
    plan.warnings = std::move(scanned->warnings);
    add_aliases(scanned->entries, aliases, plan.warnings);
    for (const auto& file : files) {
        Injection entry;
        entry.flags = arch.cache_flags;
        entry.key = file.key;
        entry.value = file.container_path;
        scanned->entries.push_back(std::move(entry));
    }
    auto cache = image_cache(image, plan.warnings);
    std::optional<std::string_view> view;
    if (cache) view = *cache;
    auto merged = merge_cache(view, scanned->entries, arch, options);
    if (!merged) return Unexpected(merged.error());
    plan.bytes = std::move(merged->bytes);
    plan.entries = merged->entries.size();
    plan.image_entries_replaced = merged->image_replaced;
    plan.warnings.insert(plan.warnings.end(), merged->warnings.begin(), merged->warnings.end());
    return plan;
}

Result<MuslPlan> plan_musl_path(FileSource& image, const LibcInfo& libc,
                                const std::vector<InjectedDir>& dirs,
                                const std::vector<Alias>& aliases) {
    if (!libc.musl || !libc.arch) return fail("plan_musl_path: the image does not use musl");
    MuslPlan plan;
    plan.path = libc.musl_path_file.value_or(
        musl_path_file(libc.musl_loader.value_or(std::string(libc.arch->musl_loader)), *libc.arch));
    std::vector<MuslLibrary> libs;
    for (const auto& dir : dirs) {
        auto found = musl_inventory(dir, *libc.arch, plan.warnings);
        if (found.empty()) continue;
        if (std::find(plan.injected.begin(), plan.injected.end(), dir.container_path) == plan.injected.end())
            plan.injected.push_back(dir.container_path);
        libs.insert(libs.end(), found.begin(), found.end());
    }
    add_musl_aliases(libs, aliases, plan.warnings);
    plan.links = musl_soname_links(libs);
    auto existing = existing_path_file(image, plan.path, plan.warnings);
    plan.content = musl_path_content(plan.injected, existing);
    return plan;
}

}  // namespace skiff::ldcache
