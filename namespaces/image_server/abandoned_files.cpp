#include "namespaces/image_server/abandoned_files.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include "common/unique_fd.hpp"

namespace skiff::ns {
namespace {

constexpr std::string_view lock_suffix = ".lock";

// Removes NAME.sock and NAME.lock if nobody holds the lock. A server that takes the lock file
// after we unlinked it sees a different inode and retries on a new file (take_lock).
bool remove_if_abandoned(int directory, const std::string& name) {
    std::string lock_name = name + std::string(lock_suffix);
    UniqueFd lock(::openat(directory, lock_name.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
    if (!lock.valid() || ::flock(lock.get(), LOCK_EX | LOCK_NB) != 0) return false;
    ::unlinkat(directory, (name + ".sock").c_str(), 0);
    return ::unlinkat(directory, lock_name.c_str(), 0) == 0;
}

}  // namespace

std::vector<std::string> server_names(int directory, std::string_view suffix) {
    std::vector<std::string> names;
    int listing = ::openat(directory, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    DIR* dir = listing < 0 ? nullptr : ::fdopendir(listing);
    if (!dir) {
        if (listing >= 0) ::close(listing);
        return names;
    }
    while (dirent* entry = ::readdir(dir))
        if (std::string name = entry->d_name; name.size() > suffix.size() && name.ends_with(suffix))
            names.push_back(name.substr(0, name.size() - suffix.size()));
    ::closedir(dir);
    return names;
}

std::vector<std::string> remove_abandoned_server_files(int directory,
                                                       const std::function<bool(const std::string&)>& wanted) {
    std::vector<std::string> removed;
    for (const auto& name : server_names(directory, lock_suffix))
        if (wanted(name) && remove_if_abandoned(directory, name)) removed.push_back(name);
    return removed;
}

}  // namespace skiff::ns
