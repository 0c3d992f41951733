// contribute_nvidia(): the NVIDIA hook's facts as plan operations.
#include "hooks/nvidia/nvidia_hook.hpp"

#include "hooks/nvidia/driver_files.hpp"
#include "hooks/nvidia/nvidia_facts.hpp"
#include "libfabric-bind/path_name.hpp"

namespace skiff::hooks {
namespace {

using nvidia::NvidiaFacts;

plan::MountOp nvidia_mount(plan::MountKind kind, std::string source, std::string destination) {
    plan::MountOp op;
    op.kind = kind;
    op.source = std::move(source);
    op.destination = std::move(destination);
    op.recursive = false;
    op.nosuid = true;
    op.origin = "hook nvidia";
    return op;
}

plan::MountOp device_node(const std::string& host_path) {
    return plan::device_bind(host_path, "/dev/" + std::string(ldcache::file_name(host_path)), "hook nvidia");
}

plan::MountOp read_only_bind(const std::string& host_path, std::string destination, plan::CreatePolicy create) {
    auto op = nvidia_mount(plan::MountKind::bind, host_path, std::move(destination));
    op.read_only = op.nodev = true;
    op.create = create;
    op.optional_destination = true;  // a directory image the user cannot add to keeps its files
    return op;
}

std::string gpu_text(const nvidia::Gpu& gpu) {
    return gpu.bus + " " + gpu.uuid + " (/dev/nvidia" + std::to_string(gpu.minor) + ")";
}

void add_gpus(const NvidiaFacts& facts, Contribution& c) {
    std::string visible;
    for (std::size_t i = 0; i < facts.selected.size(); ++i) {
        const auto& gpu = facts.selected[i];
        c.mounts.push_back(device_node(facts.devices_dir + "/nvidia" + std::to_string(gpu.minor)));
        c.notes.push_back("GPU " + std::to_string(i) + ": " + gpu_text(gpu));
        visible += (visible.empty() ? "" : ",") + std::to_string(i);
    }
    for (const auto& gpu : facts.masked) c.notes.push_back("not in the container: " + gpu_text(gpu));
    if (facts.renumber) c.env.emplace_back("CUDA_VISIBLE_DEVICES", visible);
}

}  // namespace

Result<Contribution> contribute_nvidia(const HookFacts& any_facts, const plan::PlanRequest&) {
    const auto& facts = std::any_cast<const NvidiaFacts&>(any_facts);
    Contribution c;
    c.hook = "nvidia";
    c.host_inputs = facts.inputs;
    if (facts.served_by_cdi) {
        c.notes.push_back("the GPUs asked for come from the node's CDI spec of kind nvidia.com/gpu (devices)");
        return c;
    }
    c.notes.push_back("driver " + facts.driver_version + ", " + facts.request.why);
    c.libraries = facts.libraries;
    if (facts.compat) {
        for (const auto& [soname, path] : facts.compat->libraries) {
            c.cache_entries.push_back({soname, path});
            c.notes.push_back("CUDA forward compatibility: the image's " + path + " (" + facts.compat->version +
                              ") is newer than the driver, so " + soname + " is the image's");
        }
    }
    for (const auto& device : facts.devices) c.mounts.push_back(device_node(device));
    add_gpus(facts, c);
    for (const auto& program : facts.programs) {
        c.mounts.push_back(read_only_bind(program, nvidia::program_destination(program), plan::CreatePolicy::file));
        c.notes.push_back("program " + program + " -> " + nvidia::program_destination(program));
    }
    if (facts.firmware)
        c.mounts.push_back(read_only_bind(*facts.firmware, "/lib/firmware/nvidia/" + facts.driver_version,
                                          plan::CreatePolicy::directory));
    c.notes.insert(c.notes.end(), facts.notes.begin(), facts.notes.end());
    return c;
}

}  // namespace skiff::hooks
