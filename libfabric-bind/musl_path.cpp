#include "libfabric-bind/musl_path.hpp"

#include <algorithm>
#include <set>

#include "libfabric-bind/path_name.hpp"

namespace skiff::ldcache {
namespace {

constexpr std::string_view kLoaderPrefix = "ld-musl-";
constexpr std::string_view kLoaderSuffix = ".so.1";

std::vector<std::string> split_path_list(std::string_view text) {
    std::vector<std::string> out;
    std::size_t start = 0;
    while (start <= text.size()) {
        std::size_t end = text.find_first_of(":\n", start);
        if (end == std::string_view::npos) end = text.size();
        if (end > start) out.emplace_back(text.substr(start, end - start));
        start = end + 1;
    }
    return out;
}

bool is_glibc_loader(std::string_view n) {
    return (n.starts_with("ld-linux") && n.find(".so.") != std::string_view::npos) ||
           n.starts_with("ld64.so.") || n == "ld.so.1";
}

}  // namespace

std::string musl_path_file(std::string_view interp, const ArchInfo& arch) {
    std::string_view name = file_name(interp);
    std::string_view musl_arch = arch.musl_arch;
    if (name.starts_with(kLoaderPrefix) && name.ends_with(kLoaderSuffix) &&
        name.size() > kLoaderPrefix.size() + kLoaderSuffix.size())
        musl_arch = name.substr(kLoaderPrefix.size(),
                                name.size() - kLoaderPrefix.size() - kLoaderSuffix.size());
    // musl keeps everything before the second-to-last '/' (ldso/dynlink.c, load_library).
    std::string_view prefix;
    if (interp.starts_with('/')) {
        std::size_t last = interp.rfind('/');
        std::size_t before = last == 0 ? std::string_view::npos : interp.rfind('/', last - 1);
        if (before != std::string_view::npos) prefix = interp.substr(0, before);
    }
    return std::string(prefix) + "/etc/ld-musl-" + std::string(musl_arch) + ".path";
}

std::vector<std::string> musl_effective_path(const MuslExisting& existing) {
    switch (existing.state) {
        case MuslExisting::State::absent: return split_path_list(kMuslDefaultPath);
        case MuslExisting::State::present: return split_path_list(existing.content);
        case MuslExisting::State::unreadable: return {};
    }
    return {};
}

std::string musl_path_content(const std::vector<std::string>& injected_dirs,
                              const MuslExisting& existing) {
    std::vector<std::string> lines;
    std::set<std::string> listed;
    for (const auto& dir : injected_dirs)
        if (!dir.empty() && listed.insert(dir).second) lines.push_back(dir);
    for (auto& dir : musl_effective_path(existing))
        if (listed.insert(dir).second) lines.push_back(std::move(dir));
    std::string out;
    for (const auto& line : lines) out += line + "\n";
    return out;
}

std::vector<SonameLink> musl_soname_links(const std::vector<MuslLibrary>& libs) {
    std::set<std::string> taken;  // container paths that already name a file or a link
    for (const auto& lib : libs) taken.insert(lib.container_dir + "/" + lib.file_name);
    std::vector<SonameLink> out;
    for (const auto& lib : libs) {
        std::vector<std::string> names{lib.soname};
        names.insert(names.end(), lib.aliases.begin(), lib.aliases.end());
        for (const auto& name : names) {
            if (name.empty() || name.find('/') != std::string::npos) continue;
            std::string link = lib.container_dir + "/" + name;
            if (taken.insert(link).second) out.push_back({link, lib.file_name});
        }
    }
    return out;
}

bool is_glibc_linked(const elf::ElfInfo& lib) {
    return std::any_of(lib.needed.begin(), lib.needed.end(), [](const std::string& n) {
        return n == "libc.so.6" || is_glibc_loader(n);
    });
}

}  // namespace skiff::ldcache
