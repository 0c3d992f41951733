#include "launcher/gather/plan_memory_inputs.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <string_view>

#include "hooks/external/external_settings.hpp"
#include "hooks/hook_switch.hpp"
#include "hooks/network_hooks.hpp"
#include "hooks/nvidia/gpu_request.hpp"
#include "hooks/nvidia/nvidia_settings.hpp"
#include "launcher/edf/search.hpp"
#include "launcher/gather/netstrings.hpp"
#include "launcher/image/local.hpp"

namespace skiff::gather {
namespace {

// The built-in hooks whose facts come only from the key and the inputs above (hooks.md §1):
// the site's switches, the host facts, the environment and the image's files.
constexpr std::array<std::string_view, 5> keyed_hooks = {"shm", "passwd", "localtime", "home", "slurm"};
// More than this is not worth a stat each on every launch (as linker_inputs.hpp's limit).
constexpr std::size_t max_hook_inputs = 4096;

std::int64_t nanoseconds(const struct timespec& t) {
    return static_cast<std::int64_t>(t.tv_sec) * 1'000'000'000 + t.tv_nsec;
}

class InputList {
public:
    void add(const std::string& path, bool presence_only) {
        for (const auto& input : result.inputs)
            if (input.path == path && input.presence_only == presence_only) return;
        std::int64_t ctime = 0;
        std::string identity = input_identity(path, presence_only, &ctime);
        result.newest_change_ns = std::max(result.newest_change_ns, ctime);
        result.inputs.push_back({path, presence_only, std::move(identity)});
    }
    MemoryInputs result;
};

std::string first_unkeyed_hook(const plan::PlanRequest& request) {
    for (const auto& c : request.contributions)
        if (!c.host_inputs && std::find(keyed_hooks.begin(), keyed_hooks.end(), c.hook) == keyed_hooks.end())
            return c.hook;
    return {};
}

bool contributed(const plan::PlanRequest& request, std::string_view hook) {
    for (const auto& c : request.contributions)
        if (c.hook == hook) return true;
    return false;
}

// Why the plan depends on host state that no input covers; empty: it does not.
std::string unkeyed_state(const plan::PlanRequest& request) {
    const auto& image = *request.environment.image;
    if (!image::is_local_path(image.value)) return "a registry image (the store's tags may move)";
    if (request.image.kind != image::ImageSource::Kind::squashfs) return "a directory image (its files may change)";
    if (auto hook = first_unkeyed_hook(request); !hook.empty())
        return "the " + hook + " hook reads host state (devices, libraries, keys)";
    if (request.linker && !request.linker->inputs_problem.empty()) return request.linker->inputs_problem;
    if (request.save) return "the container is saved (--save, which is checked afresh each time)";
    return {};
}

// Which network hooks are on depends on the site, the annotations and, for CXI's "auto"
// default, whether its device exists: that presence is an input.
std::string network_inputs(const plan::PlanRequest& request, InputList& list) {
    auto settings = hooks::read_network_settings(*request.site);
    if (!settings) return settings.error().message;
    Diagnostics ignored;
    auto exists = [&](const std::string& path) {
        list.add(path, true);
        return hooks::host_file_exists(path);
    };
    auto active = hooks::active_network_hooks(*settings, request.environment.annotations, ignored, exists);
    if (!active) return active.error().message;
    for (const auto& hook : *active)
        if (!contributed(request, hooks::hook_name(hook.hook)))
            return std::string("the ") + hooks::hook_name(hook.hook) + " hook is on and injected nothing (a warning said why)";
    return {};
}

// GPUs asked for that the nvidia hook gave none (it contributes nothing then, so nothing above
// sees it): with no driver on the node (a CUDA image's NVIDIA_VISIBLE_DEVICES=all on a login
// node), the plan holds until the driver's version file appears, as when nvidia-modprobe
// loads the driver after the first launch; a driver the hook declined (a warning said why)
// is read again every launch.
std::string nvidia_inputs(const plan::PlanRequest& request, InputList& list) {
    if (contributed(request, "nvidia")) return {};
    auto on = hooks::annotation_switch(request.environment, "com.hooks.nvidia.enabled", true);
    auto gpus = hooks::nvidia::gpu_request(
        {request.environment.devices, request.host.env, request.environment.env, request.image_facts.env});
    if (!on || !gpus) return "the nvidia hook's switch or GPU request is invalid";
    if (!*on || gpus->kind == hooks::nvidia::GpuRequest::Kind::nothing) return {};
    auto settings = hooks::nvidia::read_nvidia_settings(request.site);
    if (!settings) return settings.error().message;
    std::string version = settings->driver_proc + "/version";
    if (input_identity(version, true) != "absent") return "the nvidia hook is on and gave no GPU (a warning said why)";
    list.add(version, true);
    return {};
}

// What the hooks that name their inputs read (plan::Contribution::host_inputs).
std::string hook_inputs(const plan::PlanRequest& request, InputList& list) {
    for (const auto& c : request.contributions) {
        if (!c.host_inputs) continue;
        if (c.host_inputs->size() > max_hook_inputs)
            return "the " + c.hook + " hook read more than " + std::to_string(max_hook_inputs) + " host paths";
        for (const auto& input : *c.host_inputs) list.add(input.path, input.presence_only);
    }
    return {};
}

std::string external_hook_inputs(const plan::PlanRequest& request, InputList& list) {
    auto settings = hooks::external::read_settings(request.site, request.host.env);
    if (!settings) return settings.error().message;
    for (const auto& dir : {settings->system_dir, settings->user_dir}) {
        if (dir.empty()) continue;
        list.add(dir, true);
        if (list.result.inputs.back().identity != "absent")
            return "the hooks.d directory " + dir + " exists (which scripts run depends on their modes)";
    }
    return {};
}

void file_inputs(const RunOptions& options, const plan::PlanRequest& request, InputList& list) {
    auto config = request.host.env.find("SKIFF_CONFIG");
    list.add(config != request.host.env.end() ? config->second : site::default_config_path, false);
    if (options.environment) {
        Diagnostics ignored;
        for (const auto& dir : edf::search_path(request.host.env, ignored)) list.add(dir, false);
        for (const auto& file : request.environment.files) list.add(file, false);
    }
    list.add(request.image.path, false);
    for (const auto& mount : request.environment.mounts) list.add(mount.source, !mount.flags.sqsh);
    if (request.linker)
        for (const auto& path : request.linker->inputs) list.add(path, false);
}

auto tristate(const std::optional<bool>& value) { return value ? (*value ? "1" : "0") : "-"; }

// Every option that reaches a plan; -v only narrates, and --dry-run and --help never recall.
// --force does not reach it: each launch checks its --overlay DIR's image record again.
void put_options(std::string& key, const RunOptions& o) {
    put_optional(key, o.environment);
    put_optional(key, o.image);
    for (const auto* list : {&o.mounts, &o.devices, &o.env, &o.annotations, &o.command}) put_list(key, *list);
    put_optional(key, o.workdir);
    put(key, tristate(o.writable));
    put(key, tristate(o.entrypoint));
    put_flag(key, o.root);
    put_flag(key, o.cold);
    put_optional(key, o.overlay_dir);  // relative to the cwd, which the key holds too
}

}  // namespace

std::string input_identity(const std::string& path, bool presence_only, std::int64_t* ctime_ns) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0)
        return errno == ENOENT || errno == ENOTDIR ? "absent" : "error:" + std::to_string(errno);
    if (ctime_ns && !presence_only) *ctime_ns = nanoseconds(st.st_ctim);
    if (presence_only) return "type:" + std::to_string(st.st_mode & S_IFMT);
    return std::to_string(st.st_dev) + ":" + std::to_string(st.st_ino) + ":" + std::to_string(st.st_size) + ":" +
           std::to_string(nanoseconds(st.st_mtim)) + ":" + std::to_string(nanoseconds(st.st_ctim));
}

std::string plan_memory_key(const RunOptions& options, const plan::HostFacts& host,
                            const std::string& binary, const std::string& node) {
    std::string key;
    put(key, binary);
    put(key, node);
    put_options(key, options);
    put(key, std::to_string(host.env.size()));
    for (const auto& [name, value] : host.env) {
        put(key, name);
        put(key, value);
    }
    for (const auto& fact : {std::to_string(host.uid), std::to_string(host.gid), host.user, host.group, host.home,
                             host.shell, host.cwd, std::to_string(host.slurm_stepd)})
        put(key, fact);
    return key;
}

MemoryInputs plan_memory_inputs(const RunOptions& options, const plan::PlanRequest& request) {
    InputList list;
    list.result.why_not = unkeyed_state(request);
    if (list.result.why_not.empty()) list.result.why_not = network_inputs(request, list);
    if (list.result.why_not.empty()) list.result.why_not = nvidia_inputs(request, list);
    if (list.result.why_not.empty()) list.result.why_not = external_hook_inputs(request, list);
    if (list.result.why_not.empty()) list.result.why_not = hook_inputs(request, list);
    if (list.result.why_not.empty()) file_inputs(options, request, list);
    return std::move(list.result);
}

}  // namespace skiff::gather
