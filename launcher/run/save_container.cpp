#include "launcher/run/save_container.hpp"

#include <fcntl.h>

#include <array>
#include <cstdio>

#include "common/exit_codes.hpp"
#include "common/mountinfo.hpp"
#include "common/read_small_file.hpp"
#include "namespaces/exec.hpp"
#include "namespaces/fd_passing.hpp"
#include "namespaces/mount_ops.hpp"
#include "namespaces/waiting_parent.hpp"

namespace skiff::run {
namespace {

// A SOCK_SEQPACKET message stays well under the socket's default buffer (net.core.wmem_default,
// 208 KiB): a root with more mount points than this is refused rather than half saved.
constexpr std::size_t max_mount_list = 128 * 1024;
constexpr std::size_t max_mountinfo = 16 << 20;

// The mount points strictly under `root`, as container paths, NUL-separated.
Result<std::string> mount_points_under(const std::string& root) {
    auto text = read_small_file("/proc/self/mountinfo", max_mountinfo);
    if (!text) return fail("--save: cannot read /proc/self/mountinfo");
    std::string list;
    for (const auto& mount : parse_mountinfo(*text))
        if (mount.point.starts_with(root + "/")) list += mount.point.substr(root.size()) + '\0';
    if (list.size() > max_mount_list) return fail("--save: the container has too many mounts to save it");
    return list;
}

void clear_close_on_exec(int fd) { ::fcntl(fd, F_SETFD, 0); }

std::vector<std::string> saver_argv(const plan::ImageSave& save, const ns::Message& views, int exit_status) {
    std::vector<std::string> argv{save.helper, "save", "-o", save.path,
                                  "--tree", std::to_string(views.fd.get()),
                                  "--image", std::to_string(views.more.at(0).get()),
                                  "--exit-status", std::to_string(exit_status)};
    auto add_restore = [&](const std::string& path) {
        argv.push_back("--restore");
        argv.push_back(path);
    };
    for (const auto& path : save.restore) add_restore(path);
    const std::string& points = views.payload;
    for (std::size_t at = 1, end = 0; at < points.size(); at = end + 1) {  // payload[0] is 'V'
        end = points.find('\0', at);
        if (end == std::string::npos) end = points.size();
        if (end > at) add_restore(points.substr(at, end - at));
    }
    return argv;
}

// The parent: the command has ended with `status`; save, or say why not.
[[noreturn]] void save_or_exit(const plan::ImageSave& save, int socket, int status) {
    int exit_status = ns::exit_status_of(status);
    // Non-blocking: a process the container left behind may still hold the child's end.
    ::fcntl(socket, F_SETFL, O_NONBLOCK);
    auto views = ns::receive_message(socket);
    bool have_views = views && views->payload.starts_with('V') && views->fd.valid() && views->more.size() == 1;
    if (!have_views) ::_exit(exit_status);  // the container never started: the child said why
    if (exit_status != 0 && !save.always) {
        std::fprintf(stderr, "skiff: the command exited with status %d, so %s was not written (--save-always writes it anyway)\n",
                     exit_status, save.path.c_str());
        ::_exit(exit_status);
    }
    clear_close_on_exec(views->fd.get());
    clear_close_on_exec(views->more[0].get());
    auto error = ns::exec_command(save.helper, saver_argv(save, *views, exit_status), env_from_envp(environ));
    std::fprintf(stderr, "skiff: error: --save %s: %s; nothing was written\n", save.path.c_str(), error.describe().c_str());
    ::_exit(exit_code::setup_failed);
}

}  // namespace

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

Result<void> send_save_views(int socket, const char* root, const char* image) {
    auto points = mount_points_under(root);
    if (!points) return Unexpected(points.error());
    auto tree = ns::clone_tree(root, false);
    if (!tree) return Unexpected(tree.error().to_error("--save: the root"));
    auto image_tree = ns::clone_tree(image, false);
    if (!image_tree) return Unexpected(image_tree.error().to_error("--save: the image"));
    std::array<int, 2> fds{tree->get(), image_tree->get()};
    if (auto r = ns::send_message(socket, "V" + *points, fds); !r) return Unexpected(r.error().to_error("--save"));
    return {};
}

}  // namespace skiff::run
