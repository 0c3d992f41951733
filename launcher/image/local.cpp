#include "launcher/image/local.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <filesystem>
#include <string_view>

#include "common/sys_error.hpp"
#include "common/unique_fd.hpp"

namespace skiff::image {
namespace {

constexpr std::string_view squashfs_magic = "hsqs";
constexpr std::array<std::string_view, 2> squashfs_suffixes = {".sqsh", ".squashfs"};
constexpr std::int64_t nanoseconds_per_second = 1'000'000'000;

std::string prefix(const std::string& where, const std::string& value) {
    return (where.empty() ? std::string() : where + ": ") + "image '" + value + "'";
}

// Lexical only: the path is later opened as written, so no symlink is resolved here.
std::string normalise(const std::string& value, const std::string& cwd) {
    std::filesystem::path path = value.starts_with('/') ? value : cwd + "/" + value;
    std::string text = path.lexically_normal().string();
    while (text.size() > 1 && text.back() == '/') text.pop_back();
    return text;
}

void set_identity(ImageSource& source, const struct stat& st) {
    source.device = st.st_dev;
    source.inode = st.st_ino;
    source.size = st.st_size;
    source.mtime_ns = static_cast<std::int64_t>(st.st_mtim.tv_sec) * nanoseconds_per_second +
                      st.st_mtim.tv_nsec;
}

// O_NONBLOCK: if the file was swapped for a FIFO since stat(), open must not hang.
Result<ImageSource> classify_file(ImageSource source, const std::string& what) {
    UniqueFd fd(::open(source.path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK));
    if (!fd.valid()) return Unexpected(SysError{errno, "open", source.path}.to_error(what));
    struct stat st {};
    if (::fstat(fd.get(), &st) != 0)
        return Unexpected(SysError{errno, "fstat", source.path}.to_error(what));
    std::array<char, squashfs_magic.size()> magic{};
    ssize_t n = S_ISREG(st.st_mode) ? ::pread(fd.get(), magic.data(), magic.size(), 0) : 0;
    if (n < 0) return Unexpected(SysError{errno, "read", source.path}.to_error(what));
    if (std::string_view(magic.data(), static_cast<std::size_t>(n)) != squashfs_magic)
        return fail(what + " is neither a squashfs file nor a directory");
    source.kind = ImageSource::Kind::squashfs;
    set_identity(source, st);
    return source;
}

Result<ImageSource> classify_local(const std::string& value, const std::string& what,
                                   const std::string& cwd) {
    ImageSource source;
    source.path = normalise(value, cwd);
    struct stat st {};
    if (::stat(source.path.c_str(), &st) != 0) {
        if (errno == ENOENT || errno == ENOTDIR) return fail(what + " does not exist");
        return Unexpected(SysError{errno, "stat", source.path}.to_error(what));
    }
    if (S_ISREG(st.st_mode)) return classify_file(std::move(source), what);
    if (!S_ISDIR(st.st_mode)) return fail(what + " is neither a squashfs file nor a directory");
    source.kind = ImageSource::Kind::directory;
    set_identity(source, st);
    return source;
}

// §7.1 rule 6, the pyxis trap: "app.sqsh" is a valid Docker Hub name, but hardly ever meant;
// nor is "rootfs" where ./rootfs exists (a file or a directory): a pull would first spend
// seconds on registry retries.
bool looks_like_file(const std::string& value, const std::string& cwd) {
    for (std::string_view suffix : squashfs_suffixes)
        if (value.ends_with(suffix)) return true;
    struct stat st {};
    return !cwd.empty() && ::stat((cwd + "/" + value).c_str(), &st) == 0 &&
           (S_ISREG(st.st_mode) || S_ISDIR(st.st_mode));
}

}  // namespace

bool is_local_path(const std::string& value) {
    return value.starts_with('/') || value.starts_with("./") || value.starts_with("../") || value == "." ||
           value == "..";
}

Result<RegistryRef> classify_registry(const std::string& value, const std::string& where,
                                      const std::string& cwd) {
    bool has_scheme = value.find("://") != std::string::npos;
    if (!has_scheme && looks_like_file(value, cwd))
        return fail(prefix(where, value) + " is read as a registry name: did you mean ./" + value +
                    "? (docker://" + value + " names the registry image)");
    auto ref = parse_reference(value);
    if (!ref) return fail((where.empty() ? std::string() : where + ": ") + ref.error().message);
    return ref;
}

Result<ImageSource> classify(const std::string& value, const std::string& where,
                             const std::string& cwd) {
    if (is_local_path(value)) return classify_local(value, prefix(where, value), cwd);
    auto ref = classify_registry(value, where, cwd);
    if (!ref) return Unexpected(std::move(ref).error());
    return fail(prefix(where, value) +
                " is a registry reference; this command takes a local squashfs file or directory "
                "(a path that starts with /, ./ or ../)");
}

}  // namespace skiff::image
