#include "libfabric-bind/injection_checks.hpp"

#include "libfabric-bind/glibc_version.hpp"

namespace skiff::ldcache {
namespace {

bool all_digits(const std::string& s) {
    if (s.empty()) return false;
    for (char c : s)
        if (c < '0' || c > '9') return false;
    return true;
}

// "GLIBC_2.36" -> "2.36"
std::string version_text(const std::string& name) { return name.substr(name.find('_') + 1); }

}  // namespace

std::optional<std::string> glibc_problem(const elf::ElfInfo& lib, const std::vector<std::string>& image_defs) {
    auto have = elf::highest_glibc_version(image_defs);
    if (!have) return std::nullopt;
    auto compat = elf::check_glibc_compat(lib, image_defs);
    if (compat.compatible) return std::nullopt;
    if (compat.needs_private)
        return std::string("needs GLIBC_PRIVATE, which only the host's own glibc build provides");
    std::vector<std::string> needed;
    std::string from;
    for (const auto& missing : compat.missing) {
        auto colon = missing.find(':');
        needed.push_back(missing.substr(colon + 1));
        if (from.empty()) from = missing.substr(0, colon);
    }
    auto top = elf::highest_glibc_version(needed);
    return "needs " + top.value_or(needed.front()) + " (" + from + "), the image has glibc " + version_text(*have);
}

std::optional<SonameParts> split_soname(const std::string& soname) {
    auto so = soname.find(".so.");
    if (so == std::string::npos) return std::nullopt;
    std::string rest = soname.substr(so + 4);
    std::string major = rest.substr(0, rest.find('.'));
    if (!all_digits(major)) return std::nullopt;
    return SonameParts{soname.substr(0, so + 3), major};
}

std::optional<std::string> soname_major_problem(const std::string& soname, const std::vector<CacheEntry>& image_cache,
                                                const ArchInfo& arch) {
    auto ours = split_soname(soname);
    if (!ours) return std::nullopt;
    const CacheEntry* other = nullptr;
    for (const auto& entry : image_cache) {
        if (entry.flags != arch.cache_flags) continue;
        if (entry.key == soname) return std::nullopt;  // the image has this very major: it is replaced
        auto theirs = split_soname(entry.key);
        if (!other && theirs && theirs->stem == ours->stem && theirs->major != ours->major) other = &entry;
    }
    if (!other) return std::nullopt;
    return "the image has " + other->key + " (" + other->value + "); the soname majors differ";
}

}  // namespace skiff::ldcache
