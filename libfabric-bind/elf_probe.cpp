#include "libfabric-bind/elf_probe.hpp"

#include <fmt/format.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "libfabric-bind/elf_layout.hpp"

namespace skiff::elf {
namespace {

constexpr std::uint64_t kIdentSize = 16;
constexpr std::string_view kElfMagic("\x7f" "ELF", 4);

using detail::DynamicTable;
using detail::ElfBytes;
using detail::ElfLayout;
using detail::StringTable;

// DT_STRTAB/DT_STRSZ located in the file; strings must end inside both the table and the
// PT_LOAD segment holding it.
Result<StringTable> locate_strings(const ElfBytes& v, const ElfLayout& layout,
                                   const DynamicTable& dyn, const std::string& name) {
    if (!dyn.strtab) return fail(name + ": corrupt dynamic section: no DT_STRTAB");
    auto at = detail::locate(layout, *dyn.strtab);
    if (!at)
        return fail(fmt::format("{}: corrupt DT_STRTAB: address {:#x} is not in any PT_LOAD "
                                "segment", name, *dyn.strtab));
    std::uint64_t size = at->available;
    if (dyn.strsz && *dyn.strsz < size) size = *dyn.strsz;
    if (!v.in_file(at->offset, size))  // strings are read one by one, not the whole table
        return fail(fmt::format("{}: truncated: string table at offset {} ({} bytes) extends past "
                                "end of file ({} bytes)", name, at->offset, size, v.size()));
    return StringTable{at->offset, at->offset + size};
}

Result<std::string> dyn_string(const ElfBytes& v, const StringTable& st, std::uint64_t off,
                               const std::string& name, const char* tag) {
    if (off >= st.end - st.offset)
        return fail(fmt::format("{}: corrupt {}: string offset {} outside the string table", name,
                                tag, off));
    auto s = v.cstring(st.offset + off, st.end);
    if (!s) return fail(fmt::format("{}: corrupt {}: unterminated string", name, tag));
    return std::string(*s);
}

Result<void> read_names(const ElfBytes& v, const DynamicTable& dyn, const StringTable& st,
                        const std::string& name, ElfInfo& out) {
    if (dyn.soname) {
        auto s = dyn_string(v, st, *dyn.soname, name, "DT_SONAME");
        if (!s) return Unexpected(s.error());
        out.soname = std::move(*s);
    }
    for (std::uint64_t off : dyn.needed) {
        auto s = dyn_string(v, st, off, name, "DT_NEEDED");
        if (!s) return Unexpected(s.error());
        out.needed.push_back(std::move(*s));
    }
    return {};
}

Result<ElfInfo> probe_bytes(const ElfBytes& v, const std::string& name, const ProbeOptions& options) {
    auto layout = detail::parse_layout(v, name);
    if (!layout) return Unexpected(layout.error());
    ElfInfo info;
    static_cast<ElfHeader&>(info) = layout->header;
    info.x86_isa_needed = detail::read_x86_isa_needed(v, *layout);
    if (!info.has_dynamic) return info;
    auto dyn = detail::read_dynamic(v, *layout, name);
    if (!dyn) return Unexpected(dyn.error());
    bool versions = options.versions && (dyn->verneed || dyn->verdef);
    if (!options.needed) dyn->needed.clear();
    if (!dyn->soname && dyn->needed.empty() && !versions) return info;
    auto strings = locate_strings(v, *layout, *dyn, name);
    if (!strings) return Unexpected(strings.error());
    if (auto r = read_names(v, *dyn, *strings, name, info); !r) return Unexpected(r.error());
    if (!versions) return info;
    if (auto r = detail::read_versions(v, *layout, *dyn, *strings, name, info); !r)
        return Unexpected(r.error());
    return info;
}

Unexpected<Error> errno_fail(const char* op, const std::string& name) {
    return fail(fmt::format("{} '{}': {}", op, name, std::strerror(errno)));
}

}  // namespace

Result<ElfHeader> probe_header(std::string_view bytes, const std::string& name) {
    auto order = detail::ident_order(bytes, name);
    if (!order) return Unexpected(order.error());
    ElfBytes view(bytes, *order);
    auto layout = detail::parse_layout(view, name);
    if (!layout) return Unexpected(layout.error());
    return layout->header;
}

Result<ElfInfo> probe(std::string_view bytes, const std::string& name, const ProbeOptions& options) {
    auto order = detail::ident_order(bytes, name);
    if (!order) return Unexpected(order.error());
    ElfBytes view(bytes, *order);
    return probe_bytes(view, name, options);
}

Result<std::optional<ElfInfo>> probe_fd_if_elf(int fd, const std::string& name, const ProbeOptions& options) {
    struct stat st {};
    if (::fstat(fd, &st) != 0) return errno_fail("fstat", name);
    return probe_fd_if_elf(fd, st, name, options);
}

Result<std::optional<ElfInfo>> probe_fd_if_elf(int fd, const struct stat& st, const std::string& name,
                                               const ProbeOptions& options) {
    if (!S_ISREG(st.st_mode)) return std::optional<ElfInfo>{};
    ElfBytes file(fd, static_cast<std::uint64_t>(st.st_size), std::endian::little);
    auto head = file.slice(0, std::min<std::uint64_t>(file.size(), kIdentSize));
    if (!head) return fail(fmt::format("read '{}': {}", name, file.read_error()));
    if (!head->starts_with(kElfMagic)) return std::optional<ElfInfo>{};
    auto order = detail::ident_order(*head, name);
    if (!order) return Unexpected(order.error());
    file.set_order(*order);
    auto info = probe_bytes(file, name, options);
    if (!info && !file.read_error().empty()) return fail(fmt::format("read '{}': {}", name, file.read_error()));
    if (!info) return Unexpected(info.error());
    return std::optional<ElfInfo>(std::move(*info));
}

Result<ElfInfo> probe_fd(int fd, const std::string& name, const ProbeOptions& options) {
    auto info = probe_fd_if_elf(fd, name, options);
    if (!info) return Unexpected(info.error());
    if (!*info) {
        struct stat st {};
        bool regular = ::fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
        return fail(regular ? name + ": not an ELF file (bad magic)" : "'" + name + "' is not a regular file");
    }
    return std::move(**info);
}

Result<ElfInfo> probe_file(const std::string& host_path, const ProbeOptions& options) {
    // O_NONBLOCK: a FIFO where a library should be must not hang the probe.
    int fd = ::open(host_path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) return errno_fail("open", host_path);
    auto info = probe_fd(fd, host_path, options);
    ::close(fd);
    return info;
}

}  // namespace skiff::elf
