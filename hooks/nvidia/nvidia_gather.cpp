// gather_nvidia(): the request, the host's driver, libraries, programs and device nodes.
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>

#include "hooks/hook_switch.hpp"
#include "hooks/host_libraries.hpp"
#include "hooks/nvidia/driver_files.hpp"
#include "hooks/nvidia/nvidia_facts.hpp"
#include "hooks/nvidia/nvidia_hook.hpp"
#include "hooks/nvidia/nvidia_settings.hpp"

namespace skiff::hooks {
namespace {

using nvidia::NvidiaFacts;
using nvidia::NvidiaSettings;

bool exists(const std::string& path) {
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0;
}

// A variable as the container will see it apart from the hooks: [env], else the image, else the host.
std::string container_value(const plan::PlanRequest& request, const std::string& name) {
    if (auto it = request.environment.env.find(name); it != request.environment.env.end()) return it->second.value;
    for (auto it = request.image_facts.env.rbegin(); it != request.image_facts.env.rend(); ++it)
        if (it->first == name) return it->second;
    return env_value(request.host.env, name);
}

// A problem that stops an explicit request and only warns otherwise; the hook then adds nothing.
Result<std::optional<HookFacts>> decline(NvidiaFacts& facts, const std::string& problem, Diagnostics& diag) {
    if (facts.request.explicit_request) return fail("nvidia hook: " + facts.request.why + ": " + problem);
    diag.warn("nvidia hook: " + problem + "; no GPU for this container (" + facts.request.why + ")");
    return std::optional<HookFacts>{};
}

// The driver's libraries for the image. An ABI mismatch is an error (hooks.md §1); a library
// set that cannot be had at all is a `soft` problem, which decline() judges.
Result<std::vector<InjectedLibrary>> driver_libraries(const plan::PlanRequest& request, SharedFacts& shared,
                                                      const NvidiaSettings& settings, const nvidia::DriverFiles& files,
                                                      NvidiaFacts& facts, std::string& soft, Diagnostics& diag) {
    auto& linker = shared.linker.get(diag);
    if (!linker) {
        soft = linker.error().message;
        return std::vector<InjectedLibrary>{};
    }
    const auto& arch = linker->libc.arch ? *linker->libc.arch : ldcache::host_arch();
    if (linker->libc.glibc) {
        auto compat = nvidia::newer_cuda_compat(*linker->files, facts.driver_version);
        if (!compat) return fail("nvidia hook: the image's /usr/local/cuda/compat: " + compat.error().message);
        facts.compat = std::move(*compat);
    }
    auto from_compat = [&facts](const std::string& soname) {
        if (!facts.compat) return false;
        for (const auto& [name, path] : facts.compat->libraries)
            if (name == soname) return true;
        return false;
    };
    auto host = ldcache::HostLibraryIndex::from_cache_file(settings.ld_cache, arch);
    std::vector<std::string> roots;
    for (const auto& [soname, path] : host.entries()) {
        // By name first: a node's cache names thousands of libraries, each symlink costly to follow.
        if (!nvidia::is_driver_library(files, soname) || from_compat(soname)) continue;
        if (std::string real = host_real_path(path); real.ends_with("." + facts.driver_version)) roots.push_back(real);
    }
    if (roots.empty()) {
        soft = "no driver library of version " + facts.driver_version + " in " + settings.ld_cache;
        return std::vector<InjectedLibrary>{};
    }
    HookContext ctx{*request.site, request.environment.annotations, linker->libc, linker->cache, host, request.contributions};
    auto selection = select_libraries(ctx, "nvidia", roots);
    if (!selection) return fail("nvidia hook: " + selection.error().message + "; use an image with a newer glibc");
    facts.inputs.push_back({settings.ld_cache, false});
    facts.inputs.insert(facts.inputs.end(), selection->inputs.begin(), selection->inputs.end());
    if (selection->musl_warning) {
        soft = "the image uses musl, and the driver's libraries need glibc";
        return std::vector<InjectedLibrary>{};
    }
    facts.notes.insert(facts.notes.end(), selection->notes.begin(), selection->notes.end());
    for (auto& library : selection->libraries)
        if (library.reason == "site library") library.reason = "driver " + facts.driver_version;
    return std::move(selection->libraries);
}

// Each path looked at counts with its identity: its change time moves with its mode.
void find_programs(const NvidiaSettings& settings, const nvidia::DriverFiles& files, NvidiaFacts& facts) {
    for (auto program : files.programs) {
        auto found = std::find_if(settings.programs_dirs.begin(), settings.programs_dirs.end(), [&](const std::string& dir) {
            std::string path = dir + "/" + std::string(program);
            facts.inputs.push_back({path, false});
            return ::access(path.c_str(), X_OK) == 0;
        });
        if (found != settings.programs_dirs.end()) facts.programs.push_back(*found + "/" + std::string(program));
        else facts.notes.push_back("no " + std::string(program) + " on this node");
    }
}

void find_devices(const NvidiaSettings& settings, const nvidia::DriverFiles& files, NvidiaFacts& facts) {
    facts.devices_dir = settings.devices_dir;
    facts.devices.push_back(settings.devices_dir + "/nvidiactl");
    for (auto name : files.devices) {
        std::string path = settings.devices_dir + "/" + std::string(name);
        facts.inputs.push_back({path, true});
        if (exists(path)) facts.devices.push_back(path);
        else facts.notes.push_back("no " + path + " on this node");
    }
}

// What read_driver_info() read. In procfs a file's times are those of its inode, made anew
// when the driver is loaded again (and at times in between, which only costs a new plan).
void add_driver_inputs(const std::string& proc, const nvidia::DriverInfo& driver, NvidiaFacts& facts) {
    facts.inputs.push_back({proc + "/version", false});
    facts.inputs.push_back({proc + "/gpus", false});
    for (const auto& gpu : driver.gpus) facts.inputs.push_back({proc + "/gpus/" + gpu.bus + "/information", false});
}

// The chosen GPUs and the others; renumbered when only some are chosen, unless Slurm chose:
// each task then keeps Slurm's own CUDA_VISIBLE_DEVICES, which under ConstrainDevices counts
// the step's GPUs from 0 as the container's /dev does (the tasks of a node share a container).
Result<void> choose_gpus(const nvidia::DriverInfo& driver, NvidiaFacts& facts) {
    if (facts.request.kind != nvidia::GpuRequest::Kind::driver_only) {
        auto gpus = nvidia::requested_gpus(facts.request, driver);
        if (!gpus) return Unexpected(gpus.error());
        facts.selected = std::move(*gpus);
    }
    for (const auto& gpu : driver.gpus) {
        bool chosen = false;
        for (const auto& s : facts.selected) chosen = chosen || s.minor == gpu.minor;
        if (!chosen) facts.masked.push_back(gpu);
    }
    facts.renumber = !facts.selected.empty() && !facts.masked.empty() &&
                     facts.request.kind != nvidia::GpuRequest::Kind::minors;
    return {};
}

}  // namespace

Result<std::optional<HookFacts>> gather_nvidia(const plan::PlanRequest& request, SharedFacts& shared, Diagnostics& diag) {
    auto on = annotation_switch(request.environment, "com.hooks.nvidia.enabled", true);
    if (!on) return Unexpected(on.error());
    // GPUs asked for by CDI name on a node with specs of that kind are the devices hook's; the
    // hook says so, having read nothing of the host.
    if (shared.cdi_kinds.contains("nvidia.com/gpu")) {
        if (!*on) return std::optional<HookFacts>{};
        NvidiaFacts facts;
        facts.served_by_cdi = true;
        return std::optional<HookFacts>(std::move(facts));
    }
    auto gpu_request = nvidia::gpu_request({request.environment.devices, request.host.env, request.environment.env,
                                            request.image_facts.env});
    if (!gpu_request) return Unexpected(gpu_request.error());
    if (!*on || gpu_request->kind == nvidia::GpuRequest::Kind::nothing) return std::optional<HookFacts>{};
    NvidiaFacts facts;
    facts.request = std::move(*gpu_request);
    auto settings = nvidia::read_nvidia_settings(request.site);
    if (!settings) return Unexpected(settings.error());
    auto files = nvidia::files_for_capabilities(container_value(request, "NVIDIA_DRIVER_CAPABILITIES"));
    if (!files) return Unexpected(files.error());
    auto driver = nvidia::read_driver_info(settings->driver_proc);
    if (!driver) return Unexpected(driver.error());
    if (!*driver) {  // a CUDA image's NVIDIA_VISIBLE_DEVICES=all on a login node: nothing to say
        bool from_variable = !facts.request.explicit_request && facts.request.kind != nvidia::GpuRequest::Kind::minors;
        if (from_variable) return std::optional<HookFacts>{};
        return decline(facts, "this node has no NVIDIA driver (no " + settings->driver_proc + "/version)", diag);
    }
    facts.driver_version = (*driver)->version;
    add_driver_inputs(settings->driver_proc, **driver, facts);
    if (auto chosen = choose_gpus(**driver, facts); !chosen) return decline(facts, chosen.error().message, diag);
    std::string soft;
    auto libraries = driver_libraries(request, shared, *settings, *files, facts, soft, diag);
    if (!libraries) return Unexpected(libraries.error());
    if (!soft.empty()) return decline(facts, soft, diag);
    facts.libraries = std::move(*libraries);
    find_programs(*settings, *files, facts);
    find_devices(*settings, *files, facts);
    std::string firmware = settings->firmware_dir + "/" + facts.driver_version;
    facts.inputs.push_back({firmware, true});
    if (exists(firmware)) facts.firmware = firmware;
    shared.nvidia = NvidiaGpus{};
    for (const auto& gpu : facts.selected) shared.nvidia->uuids.push_back(gpu.uuid);
    for (const auto& program : facts.programs) shared.nvidia->programs.push_back(nvidia::program_destination(program));
    return std::optional<HookFacts>(std::move(facts));
}

}  // namespace skiff::hooks
