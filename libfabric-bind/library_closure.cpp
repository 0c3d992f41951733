#include "libfabric-bind/library_closure.hpp"

#include <sys/stat.h>

#include <cstdlib>
#include <deque>
#include <memory>
#include <set>

#include "libfabric-bind/cache_reader.hpp"
#include "libfabric-bind/glibc_version.hpp"
#include "libfabric-bind/mapped_file.hpp"

namespace skiff::ldcache {
namespace {

// The C library comes from the image: glibc's family, and musl's own names (a musl-built site
// library needs "libc.so").
bool is_c_library(std::string_view name) {
    return elf::is_glibc_family(name) || name == "libc.so" || name.starts_with("ld-musl-") ||
           name.starts_with("libc.musl-");
}

std::string base_name(const std::string& path) { return path.substr(path.rfind('/') + 1); }
std::string dir_name(const std::string& path) { return path.substr(0, path.rfind('/')); }

bool is_file(const std::string& path) {
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

// Host paths only: the rule against realpath() is about image paths (style.md rule 7).
std::string real_path_of(const std::string& path) {
    std::unique_ptr<char, decltype(&std::free)> real(::realpath(path.c_str(), nullptr), &std::free);
    return real ? std::string(real.get()) : path;
}

Result<ClosureLibrary> probe_library(const std::string& path, const std::string& needed_by, const ArchInfo& arch) {
    auto info = elf::probe_file(path);
    if (!info) return Unexpected(info.error());
    if (info->type != elf::kEtDyn || !info->is_64bit || info->machine != arch.e_machine ||
        info->byte_order != arch.byte_order)
        return fail(path + " is not a 64-bit " + std::string(arch.uname) + " shared library");
    ClosureLibrary lib{path, real_path_of(path), info->soname.value_or(base_name(path)), needed_by, std::move(*info)};
    return lib;
}

std::optional<std::string> locate(const std::string& name, const ClosureLibrary& requester,
                                  const HostLibraryIndex& index, const ArchInfo& arch,
                                  std::vector<std::string>& in_vain) {
    std::vector<std::string> candidates;
    if (auto cached = index.find(name)) candidates.push_back(*cached);
    for (const auto& dir : {dir_name(requester.path), dir_name(requester.real_path)}) candidates.push_back(dir + "/" + name);
    for (const auto& dir : default_lib_dirs(arch)) candidates.push_back(dir + "/" + name);
    for (auto& path : candidates) {
        if (is_file(path)) return std::move(path);
        in_vain.push_back(std::move(path));
    }
    return std::nullopt;
}

}  // namespace

HostLibraryIndex HostLibraryIndex::from_cache_bytes(std::string_view bytes, const ArchInfo& arch) {
    HostLibraryIndex index;
    auto parsed = read_cache(bytes, arch.byte_order);
    if (!parsed) return index;
    for (const auto& entry : parsed->entries)
        if (entry.flags == arch.cache_flags && !entry.hwcaps && entry.hwcap == 0) index.paths_.emplace(entry.key, entry.value);
    return index;
}

HostLibraryIndex HostLibraryIndex::from_cache_file(const std::string& path, const ArchInfo& arch) {
    auto file = MappedFile::open(path);
    if (!file) return {};
    return from_cache_bytes(file->bytes(), arch);
}

std::optional<std::string> HostLibraryIndex::find(const std::string& soname) const {
    auto it = paths_.find(soname);
    if (it == paths_.end()) return std::nullopt;
    return it->second;
}

Result<ClosureResult> library_closure(const std::vector<std::string>& roots, const HostLibraryIndex& index,
                                      const ArchInfo& arch, const ClosureOptions& options) {
    ClosureResult result;
    std::set<std::string> seen;
    std::deque<std::size_t> queue;
    auto left_out = [&](const std::string& name) {
        bool out = is_c_library(name) || (options.exclude && options.exclude(name));
        if (out && seen.insert(name).second) result.left_out.push_back(name);
        return out;
    };
    auto add = [&](ClosureLibrary lib) {
        if (!seen.insert(lib.soname).second) return;
        queue.push_back(result.libraries.size());
        result.libraries.push_back(std::move(lib));
    };
    for (const auto& root : roots) {
        auto lib = probe_library(root, "", arch);
        if (!lib) return Unexpected(lib.error());
        if (!left_out(lib->soname)) add(std::move(*lib));
    }
    while (!queue.empty()) {
        std::size_t at = queue.front();
        queue.pop_front();
        std::vector<std::string> needed = result.libraries[at].info.needed;
        for (const auto& name : needed) {
            if (seen.contains(name) || left_out(name)) continue;
            const ClosureLibrary& requester = result.libraries[at];
            auto path = locate(name, requester, index, arch, result.looked_in_vain);
            if (!path)
                return fail(requester.path + " needs " + name + ", which is neither in the host's ld.so.cache nor in " +
                            dir_name(requester.path) + " or the default directories");
            auto lib = probe_library(*path, requester.soname, arch);
            if (!lib) return Unexpected(lib.error());
            lib->soname = name;  // the name the loader looks up, whatever the file calls itself
            add(std::move(*lib));
        }
    }
    return result;
}

}  // namespace skiff::ldcache
