// The host side of a mount entry: the source must exist, and a sqsh source must be a
// squashfs file (edf.md §6). The only file in launcher/edf that reads file contents.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>

#include "launcher/edf/edf.hpp"
#include "common/unique_fd.hpp"

namespace skiff::edf {
namespace {

constexpr std::array<char, 4> kSquashfsMagic{'h', 's', 'q', 's'};

Result<bool> has_squashfs_magic(const std::string& path) {
    UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY));
    if (!fd.valid()) return fail("cannot open '" + path + "': " + std::strerror(errno));
    std::array<char, 4> head{};
    ssize_t got = ::read(fd.get(), head.data(), head.size());
    if (got < 0) return fail("cannot read '" + path + "': " + std::strerror(errno));
    return got == static_cast<ssize_t>(head.size()) && head == kSquashfsMagic;
}

Result<void> check(const MountSpec& spec) {
    struct stat st {};
    std::string quoted = "'" + spec.source + "'";
    if (::stat(spec.source.c_str(), &st) != 0) {
        if (errno == ENOENT || errno == ENOTDIR) return fail("mount source " + quoted + " does not exist");
        return fail("cannot access mount source " + quoted + ": " + std::strerror(errno));
    }
    if (!spec.flags.sqsh) return {};
    if (!S_ISREG(st.st_mode)) return fail(quoted + " is not a squashfs file (not a regular file)");
    auto magic = has_squashfs_magic(spec.source);
    if (!magic) return fail(magic.error().message);
    if (!*magic) return fail(quoted + " is not a squashfs file (no 'hsqs' magic)");
    return {};
}

}  // namespace

Result<void> check_mount_source(const MountSpec& spec) {
    auto ok = check(spec);
    if (!ok) return fail(spec.origin.str() + ": " + ok.error().message);
    return {};
}

}  // namespace skiff::edf
