#include "launcher/gather/libc_cache.hpp"

#include "common/read_small_file.hpp"
#include "common/replace_file.hpp"
#include "launcher/gather/facts_cache.hpp"
#include "launcher/gather/netstrings.hpp"

namespace skiff::gather {
namespace {

// Bump when LibcInfo, or the way skiff detects it, changes.
constexpr std::string_view libc_header = "skiff-image-libc 1\n";
constexpr std::size_t entry_limit = std::size_t{1} << 20;

bool cacheable(const std::string& cache_dir, const image::ImageSource& image) {
    return !cache_dir.empty() && image.kind != image::ImageSource::Kind::directory;
}

std::string libc_cache_file(const std::string& cache_dir, const image::ImageSource& image) {
    return facts_cache_file(cache_dir, image) + ".libc";
}

const ldcache::ArchInfo* arch_named(std::string_view name) {
    for (const auto& arch : ldcache::all_archs())
        if (arch.uname == name) return &arch;
    return nullptr;
}

}  // namespace

std::string encode_libc(const std::string& command, const ldcache::LibcInfo& libc) {
    std::string out(libc_header);
    put(out, command);
    put_flag(out, libc.glibc);
    put_flag(out, libc.musl);
    put_optional(out, libc.arch ? std::optional<std::string>(libc.arch->uname) : std::nullopt);
    for (const auto* field : {&libc.program, &libc.interpreter, &libc.interpreter_target, &libc.musl_loader,
                              &libc.musl_path_file, &libc.libc_so})
        put_optional(out, *field);
    put_list(out, libc.glibc_versions);
    put_optional(out, libc.glibc_version);
    put_list(out, libc.warnings);
    return out;
}

std::optional<ldcache::LibcInfo> decode_libc(std::string_view bytes, const std::string& command) {
    if (!bytes.starts_with(libc_header)) return std::nullopt;
    NetstringReader in(bytes.substr(libc_header.size()));
    auto for_command = in.next();
    if (!for_command || *for_command != command) return std::nullopt;
    ldcache::LibcInfo libc;
    std::optional<std::string> arch;
    bool ok = in.flag(libc.glibc) && in.flag(libc.musl) && in.optional(arch);
    for (auto* field : {&libc.program, &libc.interpreter, &libc.interpreter_target, &libc.musl_loader,
                        &libc.musl_path_file, &libc.libc_so})
        ok = ok && in.optional(*field);
    ok = ok && in.list(libc.glibc_versions) && in.optional(libc.glibc_version) && in.list(libc.warnings) && in.at_end();
    if (!ok) return std::nullopt;
    if (arch && !(libc.arch = arch_named(*arch))) return std::nullopt;
    return libc;
}

std::optional<ldcache::LibcInfo> load_cached_libc(const std::string& cache_dir, const image::ImageSource& image,
                                                  const std::string& command) {
    if (!cacheable(cache_dir, image)) return std::nullopt;
    auto bytes = read_small_file(libc_cache_file(cache_dir, image), entry_limit);
    if (!bytes) return std::nullopt;
    return decode_libc(*bytes, command);
}

void store_cached_libc(const std::string& cache_dir, const image::ImageSource& image, const std::string& command,
                       const ldcache::LibcInfo& libc) {
    if (cacheable(cache_dir, image)) replace_file(libc_cache_file(cache_dir, image), encode_libc(command, libc));
}

}  // namespace skiff::gather
