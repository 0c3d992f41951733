#include "hooks/slurm/slurm_hook.hpp"

#include "common/env_map.hpp"
#include "hooks/hook_switch.hpp"

namespace skiff::hooks {
namespace {

Result<bool> enabled(const edf::Environment& environment, const EnvMap& host) {
    if (env_value(host, "SLURM_JOB_ID").empty() || env_value(host, "SLURM_STEP_ID").empty()) return false;
    if (auto ce = environment.env.find("ENROOT_SLURM_HOOK"); ce != environment.env.end())
        if (parse_switch(ce->second.value) == false) return false;
    return annotation_switch(environment, "com.hooks.slurm.enabled", true);
}

plan::MountOp same_path(std::string path) {
    while (path.size() > 1 && path.back() == '/') path.pop_back();  // Slurm adds one
    plan::MountOp op;
    op.source = op.destination = path;
    op.nosuid = op.nodev = op.noexec = true;
    op.create = plan::CreatePolicy::directory;
    op.missing = plan::MissingSource::skip;
    op.origin = "slurm hook";
    return op;
}

// PMIX_SECURITY_MODE without munge: munge's socket is not in the container (hooks.md §4).
std::string psec_without_munge(const std::string& modes) {
    std::string kept;
    std::size_t start = 0;
    while (start <= modes.size()) {
        auto comma = modes.find(',', start);
        std::string mode = modes.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
        if (!mode.empty() && mode != "munge") kept += (kept.empty() ? "" : ",") + mode;
        if (comma == std::string::npos) break;
        start = comma + 1;
    }
    return kept.empty() ? "native" : kept;
}

}  // namespace

Result<SlurmContribution> slurm_hook(const edf::Environment& environment, const EnvMap& host, uid_t uid) {
    SlurmContribution out;
    auto on = enabled(environment, host);
    if (!on) return Unexpected(on.error());
    if (!*on) return out;
    if (auto dir = env_value(host, "PMIX_SERVER_TMPDIR"); !dir.empty()) out.mounts.push_back(same_path(dir));
    std::string step = env_value(host, "SLURM_JOB_ID") + "." + env_value(host, "SLURM_STEP_ID");
    // The PMIx client directory, under Slurm's default PMIxCliTmpDirBase; absent ones are skipped.
    out.mounts.push_back(same_path("/tmp/spmix_appdir_" + std::to_string(uid) + "_" + step));
    out.mounts.push_back(same_path("/tmp/spmix_appdir_" + step));
    if (auto ptl = env_value(host, "PMIX_PTL_MODULE"); !ptl.empty()) out.env.emplace_back("PMIX_MCA_ptl", ptl);
    if (auto gds = env_value(host, "PMIX_GDS_MODULE"); !gds.empty()) out.env.emplace_back("PMIX_MCA_gds", gds);
    if (auto psec = env_value(host, "PMIX_SECURITY_MODE"); !psec.empty())
        out.env.emplace_back("PMIX_MCA_psec", psec_without_munge(psec));
    return out;
}

Result<std::optional<HookFacts>> gather_slurm(const plan::PlanRequest& request, SharedFacts&, Diagnostics&) {
    auto slurm = slurm_hook(request.environment, request.host.env, request.host.uid);
    if (!slurm) return Unexpected(slurm.error());
    if (slurm->mounts.empty()) return std::optional<HookFacts>{};  // off, or outside a step
    return std::optional<HookFacts>(std::move(*slurm));
}

Result<Contribution> contribute_slurm(const HookFacts& facts, const plan::PlanRequest&) {
    const auto& slurm = std::any_cast<const SlurmContribution&>(facts);
    Contribution c;
    c.hook = "slurm";
    c.place = plan::MountPlace::before_edf;  // after the /tmp tmpfs, whose PMIx directories it binds
    c.mounts = slurm.mounts;
    c.env_defaults = slurm.env;
    return c;
}

}  // namespace skiff::hooks
