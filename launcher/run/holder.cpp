#include "launcher/run/holder.hpp"

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <cstdio>

#include "launcher/run/holder_state.hpp"
#include "namespaces/exec.hpp"
#include "namespaces/pidfd.hpp"

namespace skiff::run {

namespace {

// "STEP/state" of ".../slurm/STEP/state".
std::string state_below_base(const std::string& state_file) {
    auto last = state_file.rfind('/');
    auto step = state_file.rfind('/', last == 0 ? 0 : last - 1);
    return state_file.substr(step + 1);
}

bool write_state(int base, const std::string& relative, const std::string& state) {
    std::string temporary = relative + ".new";
    int fd = ::openat(base, temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0) return false;
    bool ok = ::write(fd, state.data(), state.size()) == static_cast<ssize_t>(state.size());
    ok = ::close(fd) == 0 && ok;
    return ok && ::renameat(base, temporary.c_str(), base, relative.c_str()) == 0;
}

}  // namespace

Result<UniqueFd> open_holder_base(const HolderSpec& spec) {
    std::string relative = state_below_base(spec.state_file);
    std::string base = spec.state_file.substr(0, spec.state_file.size() - relative.size());
    UniqueFd fd(::open(base.empty() ? "/" : base.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!fd.valid()) return fail("cannot open the container state directory '" + base + "'");
    return fd;
}

void hold(const HolderSpec& spec, const plan::LaunchPlan& plan, const EnvMap& env, UniqueFd base) {
    UniqueFd watched = ns::open_pidfd(spec.watch_pid);
    (void)ns::drop_privileges();  // the tasks get their own rights from joining, not from us
    std::string relative = state_below_base(spec.state_file);
    auto state = format_holder_state(::getpid(), plan.workdir, env);
    if (!state || !write_state(base.get(), relative, *state)) {
        std::string why = state ? "" : ": " + state.error().message;
        std::fprintf(stderr, "skiff: error: cannot write the container state '%s'%s\n", spec.state_file.c_str(), why.c_str());
        ::_exit(125);
    }
    (void)!::write(spec.ready_fd, "R", 1);
    ::close(spec.ready_fd);
    int null_fd = ::open("/dev/null", O_RDWR);
    for (int fd = 0; fd < 3; ++fd) ::dup2(null_fd, fd);  // never hold the step's pipes open
    if (watched.valid()) {
        pollfd pfd{watched.get(), POLLIN, 0};
        while (::poll(&pfd, 1, -1) < 0 && errno == EINTR) {}
    }
    std::string step = relative.substr(0, relative.find('/'));
    ::unlinkat(base.get(), relative.c_str(), 0);
    ::unlinkat(base.get(), (step + "/" + holder_save_socket).c_str(), 0);  // save_on_request.hpp's, if any
    ::unlinkat(base.get(), step.c_str(), AT_REMOVEDIR);
    ::_exit(0);
}

}  // namespace skiff::run
