#include "launcher/image/convert/output_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <unistd.h>

#include <filesystem>

#include "common/sys_error.hpp"

namespace skiff::image::convert {
namespace {

constexpr mode_t file_mode = 0644;

std::string temp_name(const std::string& final_path) {
    std::filesystem::path p(final_path);
    return (p.parent_path() / ("." + p.filename().string() + ".tmp-XXXXXX")).string();
}

std::string directory_of(const std::string& path) {
    auto dir = std::filesystem::path(path).parent_path().string();
    return dir.empty() ? "." : dir;
}

}  // namespace

Result<OutputFile> OutputFile::create(const std::string& final_path) {
    std::string dir = directory_of(final_path);
    UniqueFd fd(::open(dir.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, file_mode));
    if (fd.valid()) return OutputFile(final_path, "", std::move(fd));
    if (errno != EOPNOTSUPP && errno != EISDIR && errno != EINVAL)
        return Unexpected(SysError{errno, "open", dir}.to_error("output '" + final_path + "'"));
    std::string temp = temp_name(final_path);
    fd.reset(::mkostemp(temp.data(), O_CLOEXEC));
    if (!fd.valid()) return Unexpected(SysError{errno, "mkstemp", temp}.to_error("output '" + final_path + "'"));
    ::fchmod(fd.get(), file_mode);  // mkstemp makes 0600
    return OutputFile(final_path, temp, std::move(fd));
}

OutputFile::OutputFile(OutputFile&& other) noexcept
    : final_path_(std::move(other.final_path_)), temp_path_(std::exchange(other.temp_path_, "")),
      fd_(std::move(other.fd_)), committed_(std::exchange(other.committed_, true)) {}

OutputFile::~OutputFile() {
    if (!committed_ && !temp_path_.empty()) ::unlink(temp_path_.c_str());
}

Result<void> OutputFile::commit() {
    const std::string what = "output '" + final_path_ + "'";
    if (::fsync(fd_.get()) != 0) return Unexpected(SysError{errno, "fsync", final_path_}.to_error(what));
    if (temp_path_.empty()) {
        std::string temp = temp_name(final_path_);
        // A unique name: mkstemp creates it, and the link replaces nothing if it is removed
        // first; linkat cannot overwrite, hence the removal.
        UniqueFd reserve(::mkostemp(temp.data(), O_CLOEXEC));
        if (!reserve.valid()) return Unexpected(SysError{errno, "mkstemp", temp}.to_error(what));
        ::unlink(temp.c_str());
        std::string self = "/proc/self/fd/" + std::to_string(fd_.get());
        if (::linkat(AT_FDCWD, self.c_str(), AT_FDCWD, temp.c_str(), AT_SYMLINK_FOLLOW) != 0)
            return Unexpected(SysError{errno, "linkat", temp}.to_error(what));
        temp_path_ = temp;
    }
    if (::rename(temp_path_.c_str(), final_path_.c_str()) != 0)
        return Unexpected(SysError{errno, "rename", final_path_}.to_error(what));
    committed_ = true;
    return {};
}

}  // namespace skiff::image::convert
