#include "hooks/nvidia/gpu_request.hpp"

#include <algorithm>

#include "common/device_name.hpp"
#include "common/split.hpp"

namespace skiff::hooks::nvidia {
namespace {

constexpr const char* gpu_kind = "nvidia.com/gpu";
constexpr const char* visible = "NVIDIA_VISIBLE_DEVICES";

std::vector<std::string> comma_list(const std::string& text) {
    std::vector<std::string> out;
    for (auto item : split(text, ','))
        if (!item.empty()) out.emplace_back(item);
    return out;
}

std::optional<GpuRequest> from_devices(const std::vector<edf::Sourced<std::string>>& devices) {
    GpuRequest request{GpuRequest::Kind::listed, {}, "", true};
    for (const auto& device : devices) {
        auto name = parse_cdi_name(device.value);
        if (!name || name->kind() != gpu_kind) continue;
        request.why += (request.why.empty() ? "" : ", ") + device.value + " (" + device.origin.str() + ")";
        if (name->name == "all") request.kind = GpuRequest::Kind::all;
        else request.ids.push_back(name->name);
    }
    if (request.why.empty()) return std::nullopt;
    return request;
}

std::optional<GpuRequest> from_slurm(const EnvMap& host) {
    for (const char* name : {"SLURM_STEP_GPUS", "SLURM_JOB_GPUS"}) {
        auto value = env_value(host, name);
        if (value.empty()) continue;
        return GpuRequest{GpuRequest::Kind::minors, comma_list(value), std::string(name) + "=" + value + " (Slurm)", false};
    }
    return std::nullopt;
}

Result<GpuRequest> from_value(const std::string& value, std::string why, bool explicit_request) {
    GpuRequest request{GpuRequest::Kind::listed, {}, std::string(visible) + "=" + value + " (" + why + ")", explicit_request};
    if (value.empty() || value == "void") request.kind = GpuRequest::Kind::nothing;
    else if (value == "none") request.kind = GpuRequest::Kind::driver_only;
    else if (value == "all") request.kind = GpuRequest::Kind::all;
    else request.ids = comma_list(value);
    for (const auto& id : request.ids)
        if (id.starts_with("MIG-") || id.find(':') != std::string::npos)
            return fail(request.why + ": MIG devices are not supported yet; name whole GPUs");
    return request;
}

std::string gpus_on_node(const DriverInfo& driver) {
    if (driver.gpus.empty()) return "it has none";
    std::string text = "it has";
    for (std::size_t i = 0; i < driver.gpus.size(); ++i)
        text += " " + std::to_string(i) + "=" + driver.gpus[i].uuid + " (/dev/nvidia" + std::to_string(driver.gpus[i].minor) + ")";
    return text;
}

}  // namespace

Result<GpuRequest> gpu_request(const RequestInputs& inputs) {
    if (auto request = from_devices(inputs.devices)) return *request;
    if (auto request = from_slurm(inputs.host)) return *request;
    if (auto it = inputs.edf_env.find(visible); it != inputs.edf_env.end()) {
        if (it->second.value.find('$') != std::string::npos)
            return fail(it->second.origin.str() + ": " + visible + " must be written out, without ${...}");
        return from_value(it->second.value, it->second.origin.str(), true);
    }
    for (auto it = inputs.image_env.rbegin(); it != inputs.image_env.rend(); ++it)
        if (it->first == visible) return from_value(it->second, "the image", false);
    if (auto it = inputs.host.find(visible); it != inputs.host.end()) return from_value(it->second, "the host", false);
    return GpuRequest{};
}

Result<std::vector<Gpu>> requested_gpus(const GpuRequest& request, const DriverInfo& driver) {
    using Kind = GpuRequest::Kind;
    if (request.kind == Kind::all) return driver.gpus;
    std::vector<Gpu> out;
    for (const auto& id : request.ids) {
        auto match = [&](const Gpu& gpu) {
            if (request.kind == Kind::minors) return std::to_string(gpu.minor) == id;
            return gpu.uuid == id || std::to_string(&gpu - driver.gpus.data()) == id;
        };
        auto it = std::find_if(driver.gpus.begin(), driver.gpus.end(), match);
        if (it == driver.gpus.end())
            return fail("this node has no GPU '" + id + "' (" + gpus_on_node(driver) + ")");
        if (std::find_if(out.begin(), out.end(), [&](const Gpu& g) { return g.minor == it->minor; }) == out.end())
            out.push_back(*it);
    }
    return out;
}

}  // namespace skiff::hooks::nvidia
