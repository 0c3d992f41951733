#include "hooks/ssh/server_closure.hpp"

#include <array>

#include "common/read_small_file.hpp"
#include "libfabric-bind/arch.hpp"
#include "libfabric-bind/cache_reader.hpp"
#include "libfabric-bind/elf_probe.hpp"

namespace skiff::hooks::ssh {
namespace {

constexpr std::size_t max_cache_bytes = std::size_t{64} << 20;
// Loaded by name through nsswitch.conf, never a DT_NEEDED: `compat` (Alpine's default
// nsswitch.conf) and `files` for hosts whose glibc lacks the built-in one (hooks.md §3.2).
constexpr std::array<const char*, 2> nss_modules = {"libnss_compat.so.2", "libnss_files.so.2"};

// soname -> path of the host's own architecture, from the host's ld.so.cache.
Result<std::map<std::string, std::string>> host_libraries() {
    auto bytes = read_small_file("/etc/ld.so.cache", max_cache_bytes);
    if (!bytes) return fail("com.hooks.ssh: cannot read the host's /etc/ld.so.cache; run ldconfig on the host");
    const auto& arch = ldcache::host_arch();
    auto cache = ldcache::read_cache(*bytes, arch.byte_order);
    if (!cache) return Unexpected(cache.error());
    std::map<std::string, std::string> libraries;
    for (const auto& entry : cache->entries)
        if (entry.flags == arch.cache_flags && !entry.hwcaps) libraries.emplace(entry.key, entry.value);
    return libraries;
}

Result<void> add_closure(const std::string& file, const std::map<std::string, std::string>& cache, ServerClosure& out) {
    std::vector<std::string> todo{file};
    while (!todo.empty()) {
        std::string path = todo.back();
        todo.pop_back();
        auto info = elf::probe_file(path, {.versions = false, .needed = true});
        if (!info) return Unexpected(info.error());
        if (info->interp && out.loader.empty()) out.loader = *info->interp;
        for (const auto& soname : info->needed) {
            if (out.libraries.contains(soname)) continue;
            auto found = cache.find(soname);
            if (found == cache.end())
                return fail("com.hooks.ssh: '" + path + "' needs " + soname + ", which the host's ld.so.cache lacks");
            out.libraries.emplace(soname, found->second);
            todo.push_back(found->second);
        }
    }
    return {};
}

}  // namespace

Result<ServerClosure> server_closure(const std::vector<std::string>& programs) {
    auto cache = host_libraries();
    if (!cache) return Unexpected(cache.error());
    ServerClosure closure;
    for (const auto& program : programs)
        if (auto r = add_closure(program, *cache, closure); !r) return Unexpected(r.error());
    for (const char* module : nss_modules)
        if (auto it = cache->find(module); it != cache->end() && !closure.libraries.contains(module)) {
            closure.libraries.emplace(module, it->second);
            if (auto r = add_closure(it->second, *cache, closure); !r) return Unexpected(r.error());
        }
    if (closure.loader.empty()) return fail("com.hooks.ssh: '" + programs.front() + "' has no PT_INTERP");
    return closure;
}

}  // namespace skiff::hooks::ssh
