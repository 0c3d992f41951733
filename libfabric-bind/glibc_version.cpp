#include "libfabric-bind/glibc_version.hpp"

#include <array>
#include <charconv>

namespace skiff::elf {
namespace {

constexpr std::string_view kPrefix = "GLIBC_";

// Sonames shipped by glibc itself (all architectures skiff knows).
constexpr std::array<std::string_view, 16> kFamily{
    "libc.so.6",         "libm.so.6",        "libmvec.so.1",     "libpthread.so.0",
    "libdl.so.2",        "librt.so.1",       "libutil.so.1",     "libresolv.so.2",
    "libanl.so.1",       "libnsl.so.1",      "libBrokenLocale.so.1", "libthread_db.so.1",
    "libc_malloc_debug.so.0", "libmemusage.so", "libpcprofile.so", "libSegFault.so",
};

bool is_loader_name(std::string_view s) {
    return (s.starts_with("ld-linux") && s.find(".so.") != std::string_view::npos) ||
           s.starts_with("ld64.so.") || s == "ld.so.1";
}

}  // namespace

std::optional<VersionNumber> parse_glibc_version(std::string_view name) {
    if (!name.starts_with(kPrefix)) return std::nullopt;
    std::string_view rest = name.substr(kPrefix.size());
    VersionNumber out;
    while (!rest.empty()) {
        std::uint32_t part = 0;
        auto [end, ec] = std::from_chars(rest.data(), rest.data() + rest.size(), part);
        if (ec != std::errc() || end == rest.data()) return std::nullopt;
        out.push_back(part);
        rest.remove_prefix(static_cast<std::size_t>(end - rest.data()));
        if (rest.empty()) break;
        if (rest.front() != '.' || rest.size() == 1) return std::nullopt;
        rest.remove_prefix(1);
    }
    if (out.empty()) return std::nullopt;
    return out;
}

int compare_versions(const VersionNumber& a, const VersionNumber& b) {
    std::size_t n = a.size() > b.size() ? a.size() : b.size();
    for (std::size_t i = 0; i < n; ++i) {
        std::uint32_t x = i < a.size() ? a[i] : 0;
        std::uint32_t y = i < b.size() ? b[i] : 0;
        if (x != y) return x < y ? -1 : 1;
    }
    return 0;
}

std::optional<std::string> highest_glibc_version(const std::vector<std::string>& names) {
    std::optional<std::string> best;
    VersionNumber best_number;
    for (const auto& name : names) {
        auto v = parse_glibc_version(name);
        if (!v) continue;
        if (!best || compare_versions(*v, best_number) > 0) {
            best = name;
            best_number = std::move(*v);
        }
    }
    return best;
}

bool is_glibc_family(std::string_view soname) {
    if (is_loader_name(soname)) return true;
    if (soname.starts_with("libnss_") && soname.ends_with(".so.2")) return true;
    for (auto name : kFamily)
        if (name == soname) return true;
    return false;
}

GlibcCompat check_glibc_compat(const ElfInfo& lib, const std::vector<std::string>& image_defs) {
    GlibcCompat out;
    auto top_name = highest_glibc_version(image_defs);
    VersionNumber top = top_name ? *parse_glibc_version(*top_name) : VersionNumber{};
    for (const auto& need : lib.version_needs) {
        if (!is_glibc_family(need.file)) continue;
        for (const auto& version : need.versions) {
            if (version == "GLIBC_PRIVATE") {
                out.needs_private = true;
                out.missing.push_back(need.file + ":" + version);
                continue;
            }
            auto v = parse_glibc_version(version);
            if (!v) continue;  // GCC_3.0, CXXABI_... are not glibc's
            if (!top_name || compare_versions(*v, top) > 0)
                out.missing.push_back(need.file + ":" + version);
        }
    }
    out.compatible = out.missing.empty();
    return out;
}

}  // namespace skiff::elf
