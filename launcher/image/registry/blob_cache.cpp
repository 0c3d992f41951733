#include "launcher/image/registry/blob_cache.hpp"

#include "launcher/image/registry/progress.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <system_error>

namespace skiff::image {
namespace {

constexpr std::string_view sha256_prefix = "sha256:";
constexpr mode_t blob_mode = 0644;
constexpr std::size_t read_chunk = 1 << 16;

std::string hex_of(const std::string& digest) { return digest.substr(sha256_prefix.size()); }

std::string errno_text(int err) { return std::strerror(err); }

}  // namespace

Result<BlobCache> BlobCache::open(const std::filesystem::path& root) {
    std::error_code ec;
    std::filesystem::create_directories(root / "sha256", ec);
    if (ec) return fail("blob cache: cannot create '" + (root / "sha256").string() + "': " + ec.message());
    UniqueFd dir(::open((root / "sha256").c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
    if (!dir.valid()) return fail("blob cache: open '" + (root / "sha256").string() + "': " + errno_text(errno));
    return BlobCache(root, std::move(dir));
}

std::filesystem::path BlobCache::path_of(const std::string& digest) const {
    return root_ / "sha256" / hex_of(digest);
}

bool BlobCache::has(const std::string& digest, std::int64_t size) const {
    struct stat st {};
    if (::fstatat(dir_.get(), hex_of(digest).c_str(), &st, 0) != 0 || !S_ISREG(st.st_mode)) return false;
    return size < 0 || st.st_size == size;
}

Result<std::string> BlobCache::read(const std::string& digest, std::size_t limit) const {
    UniqueFd fd(::openat(dir_.get(), hex_of(digest).c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd.valid()) return fail("blob cache: open '" + path_of(digest).string() + "': " + errno_text(errno));
    std::string out;
    std::array<char, read_chunk> buf{};
    for (;;) {
        ssize_t n = ::read(fd.get(), buf.data(), buf.size());
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return fail("blob cache: read '" + path_of(digest).string() + "': " + errno_text(errno));
        if (n == 0) break;
        out.append(buf.data(), static_cast<std::size_t>(n));
        if (out.size() > limit) return fail("blob cache: '" + path_of(digest).string() + "' is larger than expected");
    }
    if (sha256_digest(out) != digest)
        return fail("blob cache: '" + path_of(digest).string() + "' does not match its name; delete it");
    return out;
}

Result<void> BlobCache::store(const std::string& digest, std::string_view bytes) const {
    auto w = writer(digest, static_cast<std::int64_t>(bytes.size()));
    if (!w) return Unexpected(w.error());
    if (!w->write(bytes)) return Unexpected(*w->error());
    return w->commit();
}

Result<BlobWriter> BlobCache::writer(const std::string& digest, std::int64_t size) const {
    BlobWriter w(root_ / "sha256", dir_.get(), digest, size);
    if (auto r = w.open_temp(); !r) return Unexpected(r.error());
    return w;
}

BlobWriter::~BlobWriter() {
    if (!temp_name_.empty()) ::unlinkat(dir_, temp_name_.c_str(), 0);
}

std::string BlobWriter::where() const { return "blob cache '" + dir_path_.string() + "'"; }

// O_TMPFILE needs a directory fd opened for real, not O_PATH.
Result<void> BlobWriter::open_temp() {
    UniqueFd dir(::openat(dir_, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!dir.valid()) return fail(where() + ": open: " + errno_text(errno));
    fd_.reset(::openat(dir.get(), ".", O_TMPFILE | O_RDWR | O_CLOEXEC, blob_mode));
    if (fd_.valid()) return {};
    if (errno != EOPNOTSUPP && errno != EISDIR && errno != EINVAL)
        return fail(where() + ": creating a file for " + short_digest(digest_) + ": " + errno_text(errno));
    std::string name = ".tmp-" + hex_of(digest_) + "-XXXXXX";
    std::string full = (dir_path_ / name).string();
    fd_.reset(::mkostemp(full.data(), O_CLOEXEC));
    if (!fd_.valid()) return fail(where() + ": creating a file for " + short_digest(digest_) + ": " + errno_text(errno));
    temp_name_ = std::filesystem::path(full).filename().string();
    ::fchmod(fd_.get(), blob_mode);
    return {};
}

bool BlobWriter::write(std::string_view bytes) {
    if (error_) return false;
    if (size_ >= 0 && written_ + static_cast<std::int64_t>(bytes.size()) > size_) {
        error_ = Error{"blob " + digest_ + ": the registry sent more than the " + std::to_string(size_) +
                       " bytes the manifest declares; nothing was cached"};
        return false;
    }
    hash_.update(bytes);
    written_ += static_cast<std::int64_t>(bytes.size());
    while (!bytes.empty()) {
        ssize_t n = ::write(fd_.get(), bytes.data(), bytes.size());
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            std::string hint = errno == ENOSPC || errno == EDQUOT ? "; free space there and pull again" : "";
            error_ = Error{where() + ": writing " + short_digest(digest_) + ": " + errno_text(errno) + hint};
            return false;
        }
        bytes.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
}

Result<void> BlobWriter::restart() {
    if (::ftruncate(fd_.get(), 0) != 0 || ::lseek(fd_.get(), 0, SEEK_SET) != 0)
        return fail(where() + ": truncating " + short_digest(digest_) + ": " + errno_text(errno));
    hash_.digest();  // starts the hash over
    written_ = 0;
    error_.reset();
    return {};
}

Result<void> BlobWriter::commit() {
    if (error_) return Unexpected(*error_);
    if (size_ >= 0 && written_ != size_)
        return fail("blob " + digest_ + ": received " + std::to_string(written_) + " of " + std::to_string(size_) +
                    " bytes; nothing was cached");
    std::string got = hash_.digest();
    if (got != digest_)
        return fail("blob " + digest_ + ": digest mismatch: the registry sent bytes with " + got +
                    "; nothing was cached (the registry's copy is damaged or was altered in transit)");
    // Data first, then the name: a crash must not leave a named blob with missing bytes.
    if (::fdatasync(fd_.get()) != 0) return fail(where() + ": sync " + short_digest(digest_) + ": " + errno_text(errno));
    return publish();
}

// linkat through /proc/self/fd gives an O_TMPFILE file a name without CAP_DAC_READ_SEARCH
// (which AT_EMPTY_PATH would need); see open(2), O_TMPFILE.
Result<void> BlobWriter::publish() {
    std::string final_name = hex_of(digest_);
    if (temp_name_.empty()) {
        std::string proc = "/proc/self/fd/" + std::to_string(fd_.get());
        if (::linkat(AT_FDCWD, proc.c_str(), dir_, final_name.c_str(), AT_SYMLINK_FOLLOW) == 0 || errno == EEXIST)
            return {};
        return fail(where() + ": publishing " + short_digest(digest_) + ": " + errno_text(errno));
    }
    if (::renameat(dir_, temp_name_.c_str(), dir_, final_name.c_str()) != 0)
        return fail(where() + ": publishing " + short_digest(digest_) + ": " + errno_text(errno));
    temp_name_.clear();
    return {};
}

}  // namespace skiff::image
