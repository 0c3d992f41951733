#include "launcher/run/spare_builder.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/resource.h>
#include <unistd.h>

#include "launcher/run/launch.hpp"
#include "launcher/run/warm_image.hpp"
#include "namespaces/held_dir.hpp"
#include "namespaces/image_server/image_server.hpp"
#include "namespaces/image_server/spare_namespaces.hpp"
#include "namespaces/oom_score.hpp"
#include "namespaces/process_title.hpp"
#include "namespaces/spawn.hpp"

namespace skiff::run {
namespace {

// Below the launches it serves: a spare is worth building only with a core to spare.
constexpr int builder_niceness = 10;
// Requests are gathered until none has come for this long: a burst of launches (the tasks of a
// job step) gets the CPU before their replacements are built. Not when the key has run dry
// (an urgent request): back-to-back launches, each less than this apart, would otherwise keep
// the builder waiting while every one of them finds no spare.
constexpr int settle_ms = 10;

// One spare: a child builds the container and stops; we open its namespaces while it lives,
// then let it exit. The child must have built on `server`'s clone.
SysResult<ns::SpareNamespaces> build_one(const plan::LaunchPlan& plan, const std::string& server) {
    auto ready = ns::make_pipe("spare");
    if (!ready) return Unexpected(ready.error());
    auto hold = ns::make_pipe("spare");
    if (!hold) return Unexpected(hold.error());
    UniqueFd &ready_in = ready->read, &ready_out = ready->write;
    UniqueFd &hold_in = hold->read, &hold_out = hold->write;
    pid_t child = ::fork();
    if (child < 0) return sys_fail("fork", "spare");
    if (child == 0) {
        ready_in.reset();
        hold_out.reset();
        (void)build_spare(plan, ready_out.get(), hold_in.get());
        ::_exit(1);
    }
    ready_out.reset();
    hold_in.reset();
    char report[256];
    ssize_t n = ::read(ready_in.get(), report, sizeof report);
    bool built = n > 1 && report[0] == 'R' && std::string(report + 1, static_cast<std::size_t>(n - 1)) == server;
    auto spare = built ? ns::open_namespaces(child)
                       : SysResult<ns::SpareNamespaces>(sys_fail("build", "spare", ECHILD));
    hold_out.reset();  // the child exits; the namespaces live on in `spare`
    (void)ns::wait_status(child);
    return spare;
}

// Builds what the server asks for until it lets go; a server that cannot get spares from us
// (every build failing, say on a kernel that refuses overlayfs here) hears so and sends no
// launch our way for long.
[[noreturn]] void serve_as_builder(const plan::LaunchPlan& plan, const std::string& key) {
    auto connection = connect_server(plan);
    if (!connection) ::_exit(0);
    auto welcome = ns::register_builder(connection->get(), key);
    if (!welcome) ::_exit(0);
    int count = welcome->build;
    for (;;) {
        for (int i = 0; i < count; ++i) {
            auto spare = build_one(plan, welcome->server);
            auto sent = spare ? ns::offer_spare(connection->get(), *spare) : ns::spare_failed(connection->get());
            if (!sent) ::_exit(0);
        }
        count = 0;
        pollfd pending{connection->get(), POLLIN, 0};
        bool urgent = false;
        do {
            auto next = ns::next_build_request(connection->get());
            if (!next) ::_exit(0);
            count += next->build;
            urgent = urgent || next->urgent;
        } while (::poll(&pending, 1, urgent ? 0 : settle_ms) == 1);
    }
}

// Keeps only `go` and the servers' directory (fd 3 and up) of the launch: not its
// connection, clone or spare. In ps it is no longer the launch it was forked from (a command
// that has long finished, seemingly still running) but the image's builder.
void detach(const plan::LaunchPlan& plan, int go) {
    (void)ns::set_process_title({"skiff", "__spare-builder", plan.image.path}, "skiff-spare");
    ns::close_descriptors_from(3, {go, plan.serving.server_directory_fd});
    int null_fd = ::open("/dev/null", O_RDWR | O_CLOEXEC);
    for (int fd = 0; fd < 3; ++fd) ::dup2(null_fd, fd);
    (void)::setpriority(PRIO_PROCESS, 0, builder_niceness);
    (void)ns::raise_oom_score_adj(oom_rank_above_servers);  // and the spares' builds with it
}

// The launch's end closes when it execs (close-on-exec) or exits: "G" alone means the
// command runs.
bool launch_runs_its_command(int go) {
    std::string said;
    char buffer[8];
    for (;;) {
        ssize_t n = ::read(go, buffer, sizeof buffer);
        if (n > 0) said.append(buffer, static_cast<std::size_t>(n));
        else if (n == 0 || errno != EINTR) return said == "G";
    }
}

// The server marked the key as having a builder on its way to this launch; registering and
// leaving at once clears that mark (it would otherwise deny the next launches a builder for
// SparePool::build_timeout).
void hand_back(const plan::LaunchPlan& plan, const std::string& key) {
    if (auto connection = connect_server(plan)) (void)ns::register_builder(connection->get(), key);
}

}  // namespace

UniqueFd start_spare_builder(const plan::LaunchPlan& plan, const std::string& key) {
    auto go_pipe = ns::make_pipe("spare builder");
    if (!go_pipe) return {};  // no spares this time; a later launch is asked again
    UniqueFd &go_in = go_pipe->read, &go_out = go_pipe->write;
    auto middle = ns::fork_detached([&] {
        int go = ::fcntl(go_in.get(), F_DUPFD_CLOEXEC, 3);  // above the standard streams
        detach(plan, go);
        if (launch_runs_its_command(go)) serve_as_builder(plan, key);
        hand_back(plan, key);
    });
    if (!middle) return {};
    (void)ns::wait_status(*middle);
    return std::move(go_out);
}

void spare_builder_go(int go_fd) {
    if (go_fd >= 0) (void)!::write(go_fd, "G", 1);
}

void spare_builder_stop(int go_fd) {
    if (go_fd >= 0) (void)!::write(go_fd, "S", 1);
}

}  // namespace skiff::run
