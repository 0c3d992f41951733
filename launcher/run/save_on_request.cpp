#include "launcher/run/save_on_request.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>

#include "launcher/run/holder_state.hpp"
#include "launcher/run/save_container.hpp"
#include "namespaces/pidfd.hpp"
#include "namespaces/spawn.hpp"
#include "namespaces/unix_socket.hpp"
#include "namespaces/waiting_parent.hpp"

namespace skiff::run {
namespace {

constexpr int saver_tree_fd = 3;
constexpr int saver_image_fd = 4;

// Only the user and slurmstepd (root) may ask.
bool may_ask(int connection) {
    auto peer = ns::peer_credentials(connection);
    return peer && (peer->uid == ::getuid() || peer->uid == 0);
}

// The reply (holder_state.hpp): '0' and skiff-pull's output once it wrote the image, '1' or
// '2' and why not otherwise.
std::string save_now(const plan::ImageSave& save, int views_socket, bool tasks_succeeded) {
    auto views = ns::receive_message(views_socket);
    if (!views || !are_save_views(*views))
        return "1skiff: --container-save " + save.path + ": already saved, or the container was never built\n";
    if (!tasks_succeeded && !save.always)
        return "2skiff: a task of the step failed, so " + save.path +
               " was not written (the annotation com.skiff.container_save_always = \"true\" writes it anyway)\n";
    ns::SpawnSpec spec{save.helper, saver_argv(save, *views, saver_tree_fd, saver_image_fd, 0), ns::current_environment(),
                       {{views->fd.get(), saver_tree_fd}, {views->more[0].get(), saver_image_fd}}};
    auto ran = ns::spawn_and_capture(std::move(spec), ns::Capture::stdout_and_stderr);
    if (!ran) return "1skiff: error: --container-save " + save.path + ": " + ran.error().describe() + "\n";
    bool written = WIFEXITED(ran->status) && WEXITSTATUS(ran->status) == 0;
    return (written ? "0" : "1") + ran->output.substr(0, holder_save_reply_limit - 1);
}

void answer(const plan::ImageSave& save, int views_socket, int listener) {
    UniqueFd connection(::accept4(listener, nullptr, nullptr, SOCK_CLOEXEC));
    if (!connection.valid() || !may_ask(connection.get())) return;
    (void)ns::set_receive_timeout(connection.get(), 10'000);
    char request[2] = {};
    if (::recv(connection.get(), request, sizeof request, MSG_WAITALL) != 2 || request[0] != 'S') return;
    std::string reply = save_now(save, views_socket, request[1] == '0');
    (void)!::send(connection.get(), reply.data(), reply.size(), MSG_NOSIGNAL);
}

// The parent: answers requests until the holder ends (a pidfd wakes it; on kernels without
// pidfds it looks once a second). It never holds the step's pipes open.
[[noreturn]] void serve(const plan::ImageSave& save, int views_socket, UniqueFd listener, pid_t holder) {
    int null_fd = ::open("/dev/null", O_RDWR);
    for (int fd = 0; fd < 3; ++fd) ::dup2(null_fd, fd);
    UniqueFd holder_fd = ns::open_pidfd(holder);
    ::fcntl(views_socket, F_SETFL, O_NONBLOCK);
    while (!ns::reap_if_ended(holder)) {
        pollfd fds[2] = {{listener.get(), POLLIN, 0}, {holder_fd.get(), POLLIN, 0}};
        if (::poll(fds, 2, holder_fd.valid() ? -1 : 1000) > 0 && (fds[0].revents & POLLIN))
            answer(save, views_socket, listener.get());
    }
    ::_exit(0);
}

}  // namespace

Result<UniqueFd> split_for_step_save(const plan::ImageSave& save, int step_dir) {
    auto pair = ns::seqpacket_pair();
    if (!pair) return Unexpected(pair.error().to_error("--container-save"));
    auto listener = ns::listen_unix_at(step_dir, holder_save_socket, holder_save_socket);
    if (!listener) return Unexpected(listener.error().to_error("--container-save"));
    std::fflush(nullptr);
    auto split = ns::split_off();
    if (!split) return Unexpected(split.error().to_error("--container-save"));
    if (split->child) return std::move(pair->second);
    pair->second.reset();
    serve(save, pair->first.get(), std::move(*listener), split->pid);
}

}  // namespace skiff::run
