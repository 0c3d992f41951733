#include "launcher/gather/overlay_dir.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string>

#include "common/read_small_file.hpp"
#include "common/replace_file.hpp"
#include "common/sys_error.hpp"
#include "launcher/gather/overlay_record.hpp"

namespace skiff::gather {
namespace {

constexpr std::size_t overlay_record_limit = 64 * 1024;
const std::string overlay_what_to_do = "; use a new DIR, or --force to use it anyway";

std::string overlay_context(const std::string& dir) { return "--overlay '" + dir + "'"; }

Unexpected<Error> overlay_sys_failure(int code, const std::string& op, const std::string& path, const std::string& dir) {
    return Unexpected(SysError{code, op, path}.to_error(overlay_context(dir)));
}

// Nothing in it but, perhaps, the lock of a launch that stopped before writing the record.
Result<bool> overlay_holds_nothing(int dir_fd, const std::string& dir) {
    int fd = ::openat(dir_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return overlay_sys_failure(errno, "open", dir, dir);
    std::unique_ptr<DIR, int (*)(DIR*)> entries(::fdopendir(fd), ::closedir);
    if (!entries) {
        ::close(fd);
        return overlay_sys_failure(errno, "fdopendir", dir, dir);
    }
    while (const dirent* entry = ::readdir(entries.get())) {
        std::string_view name = entry->d_name;
        if (name != "." && name != ".." && name != "lock") return false;
    }
    return true;
}

// DIR, 0700, with its missing parents made as `mkdir -p` makes them, so that
// `--overlay ~/overlays/app` works on first use.
Result<void> make_overlay_dir(const std::string& dir) {
    if (::mkdir(dir.c_str(), 0700) == 0 || errno == EEXIST) return {};
    if (errno != ENOENT) return overlay_sys_failure(errno, "mkdir", dir, dir);
    std::error_code ec;
    const std::string parent = std::filesystem::path(dir).parent_path().string();
    std::filesystem::create_directories(parent, ec);
    if (ec) return overlay_sys_failure(ec.value(), "mkdir", parent, dir);
    if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) return overlay_sys_failure(errno, "mkdir", dir, dir);
    return {};
}

// DIR, created if missing: the user's own, not writable by others (who could swap its layers
// under a running container).
Result<UniqueFd> open_overlay_dir(const std::string& dir) {
    if (auto r = make_overlay_dir(dir); !r) return Unexpected(r.error());
    UniqueFd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!fd.valid()) return overlay_sys_failure(errno, "open", dir, dir);
    struct stat st {};
    if (::fstat(fd.get(), &st) != 0) return overlay_sys_failure(errno, "stat", dir, dir);
    if (st.st_uid != ::getuid())
        return fail(overlay_context(dir) + " belongs to uid " + std::to_string(st.st_uid) + ", not to you; use a directory of your own");
    if ((st.st_mode & 022) != 0)
        return fail(overlay_context(dir) + " may be written by others; chmod go-w it, or use another DIR");
    return fd;
}

// flock(LOCK_EX|LOCK_NB) on DIR/lock; its text becomes this process's pid, which the command
// keeps through the exec.
Result<UniqueFd> lock_overlay_dir(int dir_fd, const std::string& dir) {
    const std::string path = dir + "/lock";
    UniqueFd fd(::openat(dir_fd, "lock", O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600));
    if (!fd.valid()) return overlay_sys_failure(errno, "open", path, dir);
    int r;
    while ((r = ::flock(fd.get(), LOCK_EX | LOCK_NB)) != 0 && errno == EINTR) {}
    if (r != 0 && errno != EWOULDBLOCK) return overlay_sys_failure(errno, "flock", path, dir);
    if (r != 0) {
        char text[24] = {};
        ssize_t n = ::pread(fd.get(), text, sizeof text - 1, 0);
        std::string pid = n > 0 ? std::string(text, static_cast<std::size_t>(n)) : "";
        if (!pid.empty() && pid.back() == '\n') pid.pop_back();
        std::string who = pid.empty() || pid.find_first_not_of("0123456789") != std::string::npos ? "" : " (pid " + pid + ")";
        return fail(overlay_context(dir) + " is in use by another container" + who + "; wait for it, or use another DIR");
    }
    std::string pid = std::to_string(::getpid()) + "\n";
    if (::ftruncate(fd.get(), 0) != 0 || ::pwrite(fd.get(), pid.data(), pid.size(), 0) < 0)
        return overlay_sys_failure(errno, "write", path, dir);
    return fd;
}

Result<void> write_overlay_record(const std::string& path, const image::ImageSource& image, const std::string& dir) {
    auto text = format_image_record(image);
    if (!text) return fail(overlay_context(dir) + ": " + text.error().message);
    if (auto r = write_replacing(path, *text, 0600); !r) return fail(overlay_context(dir) + ": " + r.error().message);
    return {};
}

// The record of the image DIR's changes belong to: written on first use, checked later,
// rewritten with --force.
Result<void> check_overlay_record(const std::string& dir, const image::ImageSource& image, bool force, bool empty) {
    const std::string path = dir + "/image";
    auto bytes = read_small_file(path, overlay_record_limit);
    if (!bytes && empty) return write_overlay_record(path, image, dir);
    auto recorded = bytes ? parse_image_record(*bytes) : std::nullopt;
    if (recorded && same_image(*recorded, image)) return {};
    if (!force) return fail(overlay_context(dir) + ": " + image_mismatch(recorded, image) + overlay_what_to_do);
    return write_overlay_record(path, image, dir);
}

Result<bool> make_overlay_layer(int dir_fd, const char* name, const std::string& dir) {
    if (::mkdirat(dir_fd, name, 0700) == 0) return true;
    if (errno != EEXIST) return overlay_sys_failure(errno, "mkdir", dir + "/" + name, dir);
    struct stat st {};
    if (::fstatat(dir_fd, name, &st, AT_SYMLINK_NOFOLLOW) != 0) return overlay_sys_failure(errno, "stat", dir + "/" + name, dir);
    if (!S_ISDIR(st.st_mode)) return fail(overlay_context(dir) + ": " + dir + "/" + name + " is not a directory; use a new DIR");
    return false;
}

}  // namespace

Result<void> claim_overlay_dir(plan::LaunchPlan& plan, const OverlayClaim& claim, KeptOpen& kept) {
    auto& overlay = *plan.overlay_dir;
    const std::string& dir = overlay.dir;
    if (claim.temporary_image)
        return fail(overlay_context(dir) + ": the registry image is a temporary file that the next launch cannot find again; "
                    "set EDF_IMAGESTORE to an image store, or drop --overlay");
    auto dir_fd = open_overlay_dir(dir);
    if (!dir_fd) return Unexpected(dir_fd.error());
    auto empty = overlay_holds_nothing(dir_fd->get(), dir);
    if (!empty) return Unexpected(empty.error());
    if (!*empty && ::faccessat(dir_fd->get(), "image", F_OK, AT_SYMLINK_NOFOLLOW) != 0)
        return fail(overlay_context(dir) + " holds files but no image record (" + dir +
                    "/image): it is not an overlay skiff made; use a new or empty DIR");
    auto lock = lock_overlay_dir(dir_fd->get(), dir);
    if (!lock) return Unexpected(lock.error());
    if (auto r = check_overlay_record(dir, plan.image, claim.force, *empty); !r) return r;
    auto fresh = make_overlay_layer(dir_fd->get(), "upper", dir);
    if (!fresh) return Unexpected(fresh.error());
    if (auto work = make_overlay_layer(dir_fd->get(), "work", dir); !work) return Unexpected(work.error());
    overlay.fresh = *fresh;
    overlay.lock_fd = lock->get();
    kept.overlay_lock = std::move(*lock);
    return {};
}

}  // namespace skiff::gather
