#include "libfabric-bind/dir_scan.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <bit>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <utility>

#include "libfabric-bind/cache_sort.hpp"
#include "libfabric-bind/elf_probe.hpp"

namespace skiff::ldcache {
namespace {

constexpr std::uint16_t kEmX86_64 = 62;
constexpr std::uint16_t kEm386 = 3;
constexpr std::int32_t kFlagElf = 1;     // FLAG_ELF: ELF, C library unknown
constexpr std::int32_t kFlagX32 = 0x0803;

struct Candidate {
    std::string name;    // file name in the directory
    std::string soname;  // the cache key
    bool is_link = false;
    std::uint32_t isa_level = 0;
    std::int32_t flags = 0;
};

// glibc's _dl_is_dso: lib*.so*, ld-*.so*, ld.so.*, ld64.so.*.
bool looks_like_dso(const std::string& n) {
    bool so = n.find(".so") != std::string::npos;
    return ((n.starts_with("lib") || n.starts_with("ld-")) && so) || n.starts_with("ld.so.") ||
           n.starts_with("ld64.so.");
}

// Temporary files of the prelink program.
bool prelink_temp(const std::string& n) {
    constexpr std::string_view tag = ".#prelink#";
    if (n.ends_with(tag)) return true;
    return n.size() >= tag.size() + 7 && n.compare(n.size() - tag.size() - 7, tag.size() + 1,
                                                   ".#prelink#.") == 0;
}

// A directory entry; `type` is readdir's d_type (DT_UNKNOWN on file systems without it).
struct DirEntry {
    std::string name;
    unsigned char type = DT_UNKNOWN;
};

using DirHandle = std::unique_ptr<DIR, int (*)(DIR*)>;

DirHandle open_dir(const std::string& path) {
    int fd = ::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    DIR* d = fd < 0 ? nullptr : ::fdopendir(fd);
    if (fd >= 0 && d == nullptr) ::close(fd);
    return DirHandle(d, ::closedir);
}

// The entries of `d` except "." and "..", sorted by name.
std::vector<DirEntry> list_entries(DIR* d) {
    std::vector<DirEntry> entries;
    if (d == nullptr) return entries;
    while (dirent* e = ::readdir(d)) {
        std::string_view n = e->d_name;
        if (n != "." && n != "..") entries.push_back({std::string(n), e->d_type});
    }
    std::sort(entries.begin(), entries.end(),
              [](const DirEntry& a, const DirEntry& b) { return a.name < b.name; });
    return entries;
}

std::vector<std::string> list_names(const std::string& dir) {
    std::vector<std::string> names;
    for (auto& e : list_entries(open_dir(dir).get())) names.push_back(std::move(e.name));
    return names;
}

std::uint32_t isa_level(const elf::ElfInfo& info) {
    if (info.machine != kEmX86_64 || !info.x86_isa_needed || *info.x86_isa_needed == 0) return 0;
    return static_cast<std::uint32_t>(std::bit_width(*info.x86_isa_needed) - 1);  // bsr
}

// ldconfig's flags for a 32-bit library on an x86_64 host (elf/readelflib.c and the x86
// process_elf_file): i386 is FLAG_ELF unless its interpreter or DT_NEEDED shows glibc.
std::optional<std::int32_t> foreign_flags(const elf::ElfInfo& info, const ArchInfo& arch) {
    if (arch.e_machine != kEmX86_64 || info.is_64bit || info.byte_order != std::endian::little)
        return std::nullopt;
    if (info.machine == kEmX86_64) return kFlagX32;
    if (info.machine != kEm386) return std::nullopt;
    bool glibc = info.interp == "/lib/ld-linux.so.2" ||
                 std::any_of(info.needed.begin(), info.needed.end(), [](const std::string& n) {
                     return n == "libc.so.6" || n == "libm.so.6";
                 });
    return glibc ? kFlagElfLibc6 : kFlagElf;
}

// ldconfig keys a symlink by its own name when that name is the soname, or when it is the
// ".so" development link of it; any other symlink counts as a plain file.
void apply_link_rule(Candidate& c) {
    if (!c.is_link) return;
    bool dev_link = c.name.ends_with(".so") && c.soname.starts_with(c.name);
    if (c.name == c.soname || dev_link) c.soname = c.name;
    else c.is_link = false;
}

// lstat's answer from d_type when the file system gives one: is it a symlink, a regular file
// (true/false), or something a scan skips (nullopt)?
std::optional<bool> is_symlink(int dir_fd, const DirEntry& entry) {
    unsigned char type = entry.type;
    if (type == DT_UNKNOWN) {
        struct stat st {};
        if (::fstatat(dir_fd, entry.name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) return std::nullopt;
        type = S_ISLNK(st.st_mode) ? DT_LNK : S_ISREG(st.st_mode) ? DT_REG : DT_UNKNOWN;
    }
    if (type == DT_LNK) return true;
    if (type == DT_REG) return false;
    return std::nullopt;
}

// The file is read with pread, a page or two of it (elf_probe.hpp probe_fd), and only what a
// scan needs: not the symbol versions, which ldconfig does not read either, and DT_NEEDED only
// to tell the types of 32-bit libraries apart. `memo` learns what was read.
std::optional<elf::ElfInfo> read_probe(int dir_fd, const std::string& path, const std::string& name,
                                       const ScanOptions& options, ProbeMemo* memo,
                                       std::vector<std::string>& warnings) {
    // O_NONBLOCK: a FIFO where a library should be must not hang the scan.
    int fd = ::openat(dir_fd, name.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) return std::nullopt;  // stale links, unreadable files
    // The identity before the bytes: a file written while it is probed is remembered under
    // its old identity, which the next scan no longer finds.
    struct stat st {};
    if (::fstat(fd, &st) != 0) {
        ::close(fd);
        return std::nullopt;
    }
    elf::ProbeOptions probe{.versions = false, .needed = options.foreign_32bit};
    auto info = elf::probe_fd_if_elf(fd, st, path, probe);
    ::close(fd);
    if (!info) {
        warnings.push_back(info.error().message + "; skipped");
        return std::nullopt;
    }
    if (memo != nullptr && S_ISREG(st.st_mode)) memo->remember(identity_of(st), *info);
    return std::move(*info);
}

// The probe of a directory entry: the memo's when it knows the file (one stat), else
// read_probe()'s, kept in `read`. Null for anything that is not an ELF file. The memo does not
// keep what 32-bit libraries are told apart by, so foreign_32bit scans always read.
const elf::ElfInfo* probe_entry(int dir_fd, const std::string& path, const std::string& name,
                                const ScanOptions& options, std::optional<elf::ElfInfo>& read,
                                std::vector<std::string>& warnings) {
    ProbeMemo* memo = options.foreign_32bit ? nullptr : options.memo;
    struct stat st {};
    if (memo != nullptr && ::fstatat(dir_fd, name.c_str(), &st, 0) == 0 && S_ISREG(st.st_mode))
        if (const RememberedProbe* known = memo->find(identity_of(st)))
            return known->has_value() ? &**known : nullptr;
    read = read_probe(dir_fd, path, name, options, memo, warnings);
    return read ? &*read : nullptr;
}

std::optional<Candidate> examine(int dir_fd, const std::string& dir, const DirEntry& entry,
                                 const ArchInfo& arch, const ScanOptions& options,
                                 std::vector<std::string>& warnings) {
    auto link = is_symlink(dir_fd, entry);
    if (!link) return std::nullopt;
    std::string path = dir + "/" + entry.name;
    std::optional<elf::ElfInfo> read;
    const elf::ElfInfo* info = probe_entry(dir_fd, path, entry.name, options, read, warnings);
    if (info == nullptr || info->type != elf::kEtDyn || !info->has_dynamic) return std::nullopt;
    Candidate c{entry.name, entry.name, *link, 0};
    c.flags = arch.cache_flags;
    if (!info->is_64bit) {
        auto flags = options.foreign_32bit ? foreign_flags(*info, arch) : std::nullopt;
        if (!flags) return std::nullopt;
        c.flags = *flags;
    } else if (info->machine != arch.e_machine || info->byte_order != arch.byte_order) {
        warnings.push_back(path + ": ELF for machine " + std::to_string(info->machine) +
                           ", not " + std::string(arch.uname) + "; skipped");
        return std::nullopt;
    }
    if (info->soname) c.soname = *info->soname;
    c.isa_level = isa_level(*info);
    apply_link_rule(c);
    return c;
}

// One entry per soname: a file beats a link, otherwise the newer (libcmp-greater) name.
void keep_best(std::vector<Candidate>& kept, std::map<std::string, std::size_t>& index,
               Candidate c, bool char_signed) {
    auto [it, inserted] = index.emplace(c.soname, kept.size());
    if (inserted) {
        kept.push_back(std::move(c));
        return;
    }
    Candidate& old = kept[it->second];
    if ((!c.is_link && old.is_link) ||
        (c.is_link == old.is_link && libcmp(old.name, c.name, char_signed) < 0)) {
        // ldconfig only lets the newer file change the type between FLAG_ELF and libc6.
        bool retype = (old.flags == kFlagElf && c.flags == kFlagElfLibc6) ||
                      (old.flags == kFlagElfLibc6 && c.flags == kFlagElf);
        std::int32_t flags = retype ? c.flags : old.flags;
        old = std::move(c);
        old.flags = flags;
    }
}

// Whether <dir>/<soname> exists (stat, following links), answered from the listing when it
// can be: the candidate's own file was just opened, and a name not listed does not exist.
bool soname_exists(const Candidate& c, const std::vector<DirEntry>& entries, int dir_fd) {
    if (c.name == c.soname) return true;
    auto it = std::lower_bound(entries.begin(), entries.end(), c.soname,
                               [](const DirEntry& e, const std::string& n) { return e.name < n; });
    if (it == entries.end() || it->name != c.soname) return false;
    struct stat st {};
    return ::fstatat(dir_fd, c.soname.c_str(), &st, 0) == 0;
}

void scan_one(const ScanDir& dir, const std::optional<std::string>& hwcaps, const ArchInfo& arch,
              const ScanOptions& options, ScanResult& out) {
    DirHandle handle = open_dir(dir.host_path);
    if (!handle) return;
    int dir_fd = ::dirfd(handle.get());
    std::vector<DirEntry> entries = list_entries(handle.get());
    std::vector<Candidate> kept;
    std::map<std::string, std::size_t> index;
    for (const auto& entry : entries) {
        if (!looks_like_dso(entry.name) || prelink_temp(entry.name)) continue;
        if (auto c = examine(dir_fd, dir.host_path, entry, arch, options, out.warnings))
            keep_best(kept, index, std::move(*c), arch.char_signed);
    }
    for (auto& c : kept) {
        CacheEntry e;
        e.flags = c.flags;
        e.key = c.soname;
        std::string file = hwcaps ? c.name : c.soname;
        if (!hwcaps && options.real_file_values && !soname_exists(c, entries, dir_fd)) file = c.name;
        e.value = dir.container_path + "/" + file;
        if (hwcaps) {
            e.hwcaps = hwcaps;
            e.isa_level = c.isa_level;
        }
        out.entries.push_back(std::move(e));
    }
}

std::string trim_slashes(std::string p) {
    while (p.size() > 1 && p.back() == '/') p.pop_back();
    return p;
}

using Inode = std::pair<dev_t, ino_t>;

std::optional<Inode> dir_inode(const std::string& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) return std::nullopt;
    return Inode{st.st_dev, st.st_ino};
}

// glibc-hwcaps/<name> subdirectories: not hidden, no ':' (the loader cannot name those).
void scan_hwcaps(const ScanDir& dir, const ArchInfo& arch, const ScanOptions& options,
                 std::set<Inode>& seen, ScanResult& out) {
    std::string base = dir.host_path + "/glibc-hwcaps";
    for (const auto& name : list_names(base)) {
        if (name.starts_with('.') || name.find(':') != std::string::npos) continue;
        auto inode = dir_inode(base + "/" + name);
        if (!inode || !seen.insert(*inode).second) continue;
        ScanDir sub{base + "/" + name, dir.container_path + "/glibc-hwcaps/" + name};
        scan_one(sub, name, arch, options, out);
    }
}

}  // namespace

Result<ScanResult> scan_directories(const std::vector<ScanDir>& dirs, const ArchInfo& arch,
                                    const ScanOptions& options) {
    ScanResult out;
    std::set<Inode> seen;
    for (const auto& d : dirs) {
        ScanDir dir{trim_slashes(d.host_path),
                    trim_slashes(d.container_path.empty() ? d.host_path : d.container_path)};
        if (dir.container_path.empty() || dir.container_path.front() != '/')
            return fail("library directory '" + dir.container_path + "' is not absolute");
        auto inode = dir_inode(dir.host_path);
        if (!inode || !seen.insert(*inode).second) continue;
        scan_one(dir, std::nullopt, arch, options, out);
        scan_hwcaps(dir, arch, options, seen, out);
    }
    return out;
}

}  // namespace skiff::ldcache
