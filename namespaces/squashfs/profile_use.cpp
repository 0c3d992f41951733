// Prefix legend: sqfs_ libsquashfuse.
#include "namespaces/squashfs/profile_use.hpp"

#include <sys/stat.h>

#include <optional>

#include "namespaces/squashfs/squashfs_fuse.hpp"
#include "namespaces/squashfs/squashfuse_c.hpp"

namespace skiff::ns {
namespace {

std::optional<ImageIdentity> identity_of(sqfs& fs) {
    struct stat st {};
    if (::fstat(fs.fd, &st) != 0) return std::nullopt;
    return ImageIdentity{static_cast<std::uint64_t>(st.st_dev), static_cast<std::uint64_t>(st.st_ino),
                         static_cast<std::uint64_t>(st.st_size),
                         static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec,
                         fs.sb.bytes_used, fs.sb.block_size};
}

}  // namespace

void ProfileUse::save() const {
    if (recorder->blocks().empty() || recorder->blocks() == loaded) return;
    store_profile(directory, {image, recorder->blocks()});
}

std::unique_ptr<ProfileUse> start_profile(SquashfsFuse* fs, const std::string& directory) {
    if (directory.empty()) return nullptr;
    auto identity = identity_of(squashfs_of(fs));
    if (!identity) return nullptr;
    auto use = std::make_unique<ProfileUse>();
    use->directory = directory;
    use->image = *identity;
    if (auto profile = load_profile(directory, *identity)) use->loaded = std::move(profile->blocks);
    if (!use->loaded.empty()) use->prefetch = std::make_unique<BlockPrefetch>(squashfs_of(fs), use->loaded);
    use->recorder = std::make_unique<ReadRecorder>(profile_block_limit(*identity));
    use_read_hints(fs, use->prefetch.get(), use->recorder.get());
    return use;
}

}  // namespace skiff::ns
