#include "launcher/run/save_container.hpp"

#include <fcntl.h>
#include <sys/stat.h>

#include <array>
#include <cstdio>

#include "common/exit_codes.hpp"
#include "common/inode_identity.hpp"
#include "common/mountinfo.hpp"
#include "common/read_small_file.hpp"
#include "namespaces/exec.hpp"
#include "namespaces/mount_ops.hpp"
#include "namespaces/path_in_root.hpp"
#include "namespaces/waiting_parent.hpp"

namespace skiff::run {
namespace {

// A SOCK_SEQPACKET message stays well under the socket's default buffer (net.core.wmem_default,
// 208 KiB): a root with more mount points than this is refused rather than half saved.
constexpr std::size_t max_path_list = 128 * 1024;
constexpr std::size_t max_mountinfo = 16 << 20;

// A file skiff wrote through the root, as "=INODE:CTIME_NS:PATH": the save takes it back to
// the image's only if the command left it alone (an `ldconfig` after an install replaces
// /etc/ld.so.cache, and that cache is the user's). A path not there is taken back always.
std::string written_file_entry(int root_fd, const std::string& path) {
    auto file = ns::open_in_root(root_fd, path, O_PATH | O_NOFOLLOW);
    struct stat st {};
    if (!file || ::fstat(file->get(), &st) != 0) return path;
    return "=" + inode_identity(st) + ":" + path;
}

// The paths skiff put in the root, NUL-separated: the plan's writes and the mount points
// strictly under `root` (as container paths).
Result<std::string> paths_to_restore(const plan::ImageSave& save, const std::string& root) {
    auto text = read_small_file("/proc/self/mountinfo", max_mountinfo);
    if (!text) return fail("--save: cannot read /proc/self/mountinfo");
    auto root_fd = ns::open_root(root);
    if (!root_fd) return Unexpected(root_fd.error().to_error("--save: the root"));
    std::string list;
    for (const auto& path : save.restore) list += written_file_entry(root_fd->get(), path) + '\0';
    for (const auto& mount : parse_mountinfo(*text))
        if (mount.point.starts_with(root + "/")) list += mount.point.substr(root.size()) + '\0';
    if (list.size() > max_path_list) return fail("--save: the container has too many mounts to save it");
    return list;
}

void clear_close_on_exec(int fd) { ::fcntl(fd, F_SETFD, 0); }

// skiff run's parent: the command has ended with `status`; save, or say why not.
[[noreturn]] void save_or_exit(const plan::ImageSave& save, int socket, int status) {
    int exit_status = ns::exit_status_of(status);
    // Non-blocking: a process the container left behind may still hold the child's end.
    ::fcntl(socket, F_SETFL, O_NONBLOCK);
    auto views = ns::receive_message(socket);
    if (!views || !are_save_views(*views)) ::_exit(exit_status);  // the container never started: the child said why
    if (exit_status != 0 && !save.always) {
        std::fprintf(stderr, "skiff: the command exited with status %d, so %s was not written (--save-always writes it anyway)\n",
                     exit_status, save.path.c_str());
        ::_exit(exit_status);
    }
    int tree = views->fd.get(), image = views->more[0].get();
    clear_close_on_exec(tree);
    clear_close_on_exec(image);
    auto error = ns::exec_command(save.helper, saver_argv(save, *views, tree, image, exit_status), env_from_envp(environ));
    std::fprintf(stderr, "skiff: error: --save %s: %s; nothing was written\n", save.path.c_str(), error.describe().c_str());
    ::_exit(exit_code::setup_failed);
}

}  // namespace

bool are_save_views(const ns::Message& views) {
    return views.payload.starts_with('V') && views.fd.valid() && views.more.size() == 1;
}

std::vector<std::string> saver_argv(const plan::ImageSave& save, const ns::Message& views, int tree_fd, int image_fd,
                                    int exit_status) {
    std::vector<std::string> argv{save.helper,   "save", "-o", save.path, "--tree", std::to_string(tree_fd),
                                  "--image", std::to_string(image_fd), "--exit-status", std::to_string(exit_status)};
    const std::string& paths = views.payload;
    for (std::size_t at = 1, end = 0; at < paths.size(); at = end + 1) {  // payload[0] is 'V'
        end = paths.find('\0', at);
        if (end == std::string::npos) end = paths.size();
        if (end == at) continue;
        bool written = paths[at] == '=';  // written_file_entry
        argv.push_back(written ? "--restore-if-unchanged" : "--restore");
        argv.push_back(paths.substr(written ? at + 1 : at, end - at - (written ? 1 : 0)));
    }
    return argv;
}

Result<UniqueFd> split_for_save(const plan::ImageSave& save) {
    auto pair = ns::seqpacket_pair();
    if (!pair) return Unexpected(pair.error().to_error("--save"));
    std::fflush(nullptr);
    auto split = ns::split_and_wait();
    if (!split) return Unexpected(split.error().to_error("--save"));
    if (split->child) return std::move(pair->second);
    pair->second.reset();
    save_or_exit(save, pair->first.get(), split->status);
}

Result<void> send_save_views(int socket, const plan::ImageSave& save, const char* root, const char* image) {
    auto paths = paths_to_restore(save, root);
    if (!paths) return Unexpected(paths.error());
    auto tree = ns::clone_tree(root, false);
    if (!tree) return Unexpected(tree.error().to_error("--save: the root"));
    auto image_tree = ns::clone_tree(image, false);
    if (!image_tree) return Unexpected(image_tree.error().to_error("--save: the image"));
    std::array<int, 2> fds{tree->get(), image_tree->get()};
    if (auto r = ns::send_message(socket, "V" + *paths, fds); !r) return Unexpected(r.error().to_error("--save"));
    return {};
}

}  // namespace skiff::run
