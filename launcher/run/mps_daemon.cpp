#include "launcher/run/mps_daemon.hpp"

#include <unistd.h>

#include "launcher/run/server_ready.hpp"
#include "namespaces/supervised_server.hpp"

namespace skiff::run {
namespace {

// The control daemon loads the driver and, on a busy node, can take seconds to come up.
constexpr auto mps_ready_timeout = std::chrono::seconds(30);

std::string daemon_log_tail(const plan::MpsDaemon& mps) {
    for (const char* name : {"/control.log", "/control.out"}) {
        auto tail = log_tail(mps.log_dir + name);
        if (!tail.empty()) return tail;
    }
    return "(its logs in " + mps.log_dir + " are empty)";
}

}  // namespace

Result<void> start_mps(const plan::MpsDaemon& mps, const EnvMap& env, const Timeline& timeline) {
    ns::ServerSpec spec;
    spec.argv = {mps.control, "-f"};
    spec.own_pid_namespace = false;  // the daemon and its servers must see the clients' PIDs
    EnvMap daemon_env = env;
    daemon_env["CUDA_MPS_PIPE_DIRECTORY"] = mps.pipe_dir;
    daemon_env["CUDA_MPS_LOG_DIRECTORY"] = mps.log_dir;
    daemon_env["CUDA_VISIBLE_DEVICES"] = mps.visible_devices;
    for (const auto& [name, value] : daemon_env) spec.env.push_back(name + "=" + value);
    spec.log_path = mps.log_dir + "/control.out";
    auto alive = ns::start_supervised_server(spec);
    if (!alive) return Unexpected(alive.error().to_error("com.hooks.nvidia_cuda_mps"));
    std::string pid_file = mps.pipe_dir + "/nvidia-cuda-mps-control.pid";
    auto up = [&pid_file] { return ::access(pid_file.c_str(), F_OK) == 0; };
    auto readiness = wait_until_ready(up, alive->get(), mps_ready_timeout);
    if (readiness == Readiness::exited)
        return fail("com.hooks.nvidia_cuda_mps: " + mps.control + " exited before it was up: " + daemon_log_tail(mps));
    if (readiness == Readiness::timed_out)
        return fail("com.hooks.nvidia_cuda_mps: " + mps.control + " was not up within 30 s (no " + pid_file +
                    "): " + daemon_log_tail(mps));
    timeline.note("mps: control daemon up for GPUs " + mps.visible_devices + ", pipes in " + mps.pipe_dir);
    return {};
}

}  // namespace skiff::run
