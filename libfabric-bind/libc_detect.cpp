#include "libfabric-bind/libc_detect.hpp"

#include <deque>
#include <set>

#include "libfabric-bind/cache_reader.hpp"
#include "libfabric-bind/elf_probe.hpp"
#include "libfabric-bind/glibc_version.hpp"
#include "libfabric-bind/musl_path.hpp"
#include "libfabric-bind/path_name.hpp"

namespace skiff::ldcache {
namespace {

constexpr std::size_t kHeaderLimit = std::size_t{1} << 20;  // program headers are at the start
constexpr std::size_t kFileLimit = std::size_t{256} << 20;
constexpr std::size_t kMaxPrograms = 8;

struct Reference {
    std::string program;
    std::string interp;
};

bool musl_name(std::string_view path) {
    auto n = file_name(path);
    return (n.starts_with("ld-musl-") && n.ends_with(".so.1")) || n.starts_with("libc.musl-");
}

bool glibc_loader_soname(std::string_view n) {
    return (n.starts_with("ld-linux") && n.find(".so.") != std::string_view::npos) ||
           n.starts_with("ld64.so.") || n == "ld.so.1";
}

// "#!/bin/bash -e" -> "/bin/bash"; nullopt unless an absolute interpreter is named.
std::optional<std::string> shebang(std::string_view bytes) {
    if (!bytes.starts_with("#!")) return std::nullopt;
    auto line = bytes.substr(2, bytes.find('\n') == std::string_view::npos ? std::string_view::npos
                                                                            : bytes.find('\n') - 2);
    auto start = line.find_first_not_of(" \t");
    if (start == std::string_view::npos || line[start] != '/') return std::nullopt;
    auto end = line.find_first_of(" \t\r", start);
    return std::string(line.substr(start, end == std::string_view::npos ? end : end - start));
}

// argv[0] as the image's PATH lookup would find it; nullopt if it is nowhere.
Result<std::optional<std::string>> resolve_command(FileSource& image, const DetectOptions& options) {
    const std::string& cmd = *options.command;
    if (cmd.find('/') != std::string::npos)
        return std::optional<std::string>(cmd.starts_with('/') ? cmd : "/" + cmd);
    std::size_t start = 0;
    while (start <= options.search_path.size()) {
        std::size_t end = options.search_path.find(':', start);
        if (end == std::string::npos) end = options.search_path.size();
        std::string dir = options.search_path.substr(start, end - start);
        start = end + 1;
        if (!dir.starts_with('/')) continue;
        auto found = image.read(dir + "/" + cmd, 4);
        if (!found) return Unexpected(found.error());
        if (*found) return std::optional<std::string>(dir + "/" + cmd);
    }
    return std::optional<std::string>{};
}

// The first reference program (§1.1.1) that is a dynamic ELF with a PT_INTERP.
Result<std::optional<Reference>> find_reference(FileSource& image, const DetectOptions& options,
                                                std::vector<std::string>& warnings) {
    std::deque<std::string> queue(options.programs.begin(), options.programs.end());
    queue.insert(queue.end(), {"/bin/sh", "/usr/bin/env"});
    if (options.command) {
        auto command = resolve_command(image, options);
        if (!command) return Unexpected(command.error());
        if (*command) queue.push_front(**command);
    }
    std::set<std::string> tried;
    while (!queue.empty() && tried.size() < kMaxPrograms) {
        std::string path = std::move(queue.front());
        queue.pop_front();
        if (!tried.insert(path).second) continue;
        auto bytes = image.read(path, kHeaderLimit);
        if (!bytes) {
            warnings.push_back(bytes.error().message);
            continue;
        }
        if (!*bytes) continue;
        if (auto interp = shebang(**bytes)) {
            queue.push_front(*interp);
            continue;
        }
        auto header = elf::probe_header(**bytes, path);
        if (!header && (*bytes)->starts_with("\x7f" "ELF")) warnings.push_back(header.error().message);
        if (header && header->interp)
            return std::optional<Reference>(Reference{path, *header->interp});
    }
    return std::optional<Reference>{};
}

std::string dirname(const std::string& p) {
    auto slash = p.rfind('/');
    return slash == std::string::npos || slash == 0 ? "/" : p.substr(0, slash);
}

// True if the interpreter, or any symlink on its way to the real file, is named like musl's
// loader. Alpine's libc6-compat links /lib64/ld-linux-x86-64.so.2 to musl's loader, and
// Debian's musl links /lib/ld-musl-x86_64.so.1 to x86_64-linux-musl/libc.so.
Result<bool> musl_on_chain(FileSource& image, std::string path) {
    for (int hop = 0; hop < 40; ++hop) {
        if (musl_name(path)) return true;
        auto target = image.readlink(path);
        if (!target) return Unexpected(target.error());
        if (!*target) return false;
        path = (*target)->starts_with('/') ? **target : dirname(path) + "/" + **target;
    }
    return false;
}

Result<void> classify(FileSource& image, const Reference& ref, const ArchInfo& node, LibcInfo& out) {
    auto target = resolve_in_image(image, ref.interp);
    if (!target) return Unexpected(target.error());
    auto musl = musl_on_chain(image, ref.interp);
    if (!musl) return Unexpected(musl.error());
    auto bytes = image.read(*target, kFileLimit);
    if (!bytes) return Unexpected(bytes.error());
    if (!*bytes)
        return fail("interpreter '" + ref.interp + "' of '" + ref.program +
                    "' does not exist in the image");
    auto info = elf::probe(**bytes, *target);
    if (!info) return Unexpected(info.error());
    out.arch = arch_by_elf(info->machine, info->is_64bit, info->byte_order);
    if (!out.arch)
        return fail("interpreter '" + ref.interp + "' is for an unsupported machine (e_machine " +
                    std::to_string(info->machine) + (info->is_64bit ? "" : ", 32-bit") + ")");
    if (auto r = check_target(*out.arch, node); !r) return r;
    out.program = ref.program;
    out.interpreter = ref.interp;
    out.interpreter_target = *target;
    if (*musl || musl_name(*target)) out.musl = true;
    else if (info->soname && glibc_loader_soname(*info->soname)) out.glibc = true;
    else return fail("interpreter '" + ref.interp + "' is neither glibc's nor musl's loader");
    if (out.musl) out.musl_loader = ref.interp;
    return {};
}

Result<bool> exists(FileSource& image, const std::string& path) {
    auto bytes = image.read(path, 4);
    if (!bytes) return Unexpected(bytes.error());
    return bytes->has_value();
}

// §1.1.3: no PT_INTERP anywhere: look for the loaders of the architecture table.
Result<void> probe_loaders(FileSource& image, const ArchInfo& node, LibcInfo& out) {
    for (const ArchInfo& arch : all_archs()) {
        auto glibc = exists(image, std::string(arch.glibc_loader));
        if (!glibc) return Unexpected(glibc.error());
        auto musl = exists(image, std::string(arch.musl_loader));
        if (!musl) return Unexpected(musl.error());
        if (!*glibc && !*musl) continue;
        if (auto r = check_target(arch, node); !r) return r;
        out.arch = &arch;
        out.glibc = *glibc;
        out.musl = *musl;
        if (*musl) out.musl_loader = std::string(arch.musl_loader);
        return {};
    }
    return {};
}

// libc.so.6 through the image cache (key libc.so.6 with the target's flags), else the
// loader's default directories (§1.1.5).
Result<std::optional<std::string>> find_libc(FileSource& image, const ArchInfo& arch,
                                             std::vector<std::string>& warnings) {
    auto cache = image.read("/etc/ld.so.cache", kFileLimit);
    if (!cache) return Unexpected(cache.error());
    if (*cache) {
        auto parsed = read_cache(**cache, arch.byte_order);
        if (!parsed) warnings.push_back(parsed.error().message);
        else
            for (const auto& e : parsed->entries)
                if (e.key == "libc.so.6" && e.flags == arch.cache_flags && !e.hwcaps)
                    return std::optional<std::string>(e.value);
    }
    for (const auto& dir : default_lib_dirs(arch)) {
        auto found = exists(image, dir + "/libc.so.6");
        if (!found) return Unexpected(found.error());
        if (*found) return std::optional<std::string>(dir + "/libc.so.6");
    }
    return std::optional<std::string>{};
}

Result<void> read_glibc_versions(FileSource& image, LibcInfo& out) {
    auto path = find_libc(image, *out.arch, out.warnings);
    if (!path) return Unexpected(path.error());
    if (!*path) {
        out.warnings.push_back("glibc image without libc.so.6; its glibc version is unknown");
        return {};
    }
    auto bytes = image.read(**path, kFileLimit);
    if (!bytes) return Unexpected(bytes.error());
    if (!*bytes) {
        out.warnings.push_back("'" + **path + "' (from the image's ld.so.cache) does not exist");
        return {};
    }
    auto info = elf::probe(**bytes, **path);
    if (!info) return Unexpected(info.error());
    out.libc_so = **path;
    for (const auto& v : info->version_defs)
        if (elf::parse_glibc_version(v)) out.glibc_versions.push_back(v);
    out.glibc_version = elf::highest_glibc_version(out.glibc_versions);
    return {};
}

}  // namespace

Result<LibcInfo> detect_libc(FileSource& image, const DetectOptions& options) {
    LibcInfo out;
    const ArchInfo& node = options.node ? *options.node : host_arch();
    auto ref = find_reference(image, options, out.warnings);
    if (!ref) return Unexpected(ref.error());
    auto r = *ref ? classify(image, **ref, node, out) : probe_loaders(image, node, out);
    if (!r) return Unexpected(r.error());
    if (out.musl && out.musl_loader) out.musl_path_file = musl_path_file(*out.musl_loader, *out.arch);
    if (out.glibc) {
        if (auto v = read_glibc_versions(image, out); !v) return Unexpected(v.error());
    }
    return out;
}

}  // namespace skiff::ldcache
