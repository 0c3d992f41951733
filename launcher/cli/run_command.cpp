#include <unistd.h>

#include <cstdio>
#include <stdexcept>
#include <utility>

#include "common/exit_codes.hpp"
#include "hooks/external/external_settings.hpp"
#include "hooks/external/find_hooks.hpp"
#include "hooks/aws_ofi_nccl/nccl_hook.hpp"
#include "launcher/cli/commands.hpp"
#include "launcher/cli/hook_runner.hpp"
#include "launcher/cli/host_facts.hpp"
#include "launcher/cli/image_facts.hpp"
#include "launcher/cli/linker_facts.hpp"
#include "launcher/cli/load_environment.hpp"
#include "launcher/cli/registry_image.hpp"
#include "launcher/cli/ssh_facts.hpp"
#include "launcher/edf/annotations.hpp"
#include "launcher/image/local.hpp"
#include "launcher/plan/render.hpp"
#include "launcher/run/execute.hpp"
#include "launcher/runtime/runtime_dir.hpp"
#include "launcher/site/site_config.hpp"

namespace skiff::cli {
namespace {

// What a launch holds open until its exec.
struct KeptOpen {
    UniqueFd image;        // a temporary registry image
    runtime::StateDirs state;  // skiff's runtime directories, reached only through these
};

// skiff's state directories, which only squashfs images use; a problem is said once.
runtime::StateDirs state_dirs_for(const plan::HostFacts& host, const image::ImageSource& image) {
    if (image.kind != image::ImageSource::Kind::squashfs) return {};
    auto dirs = runtime::state_dirs(host.env, host.uid);
    if (!dirs.problem.empty())
        print_warnings({dirs.problem + "; no image facts cache and no image server for this launch"});
    return dirs;
}

// The hooks.d scripts of the site's and the user's directories, in the order they run.
Result<std::vector<std::string>> find_external_hooks(const plan::PlanRequest& request) {
    auto settings = hooks::external::read_settings(request.site, request.host.env);
    if (!settings) return Unexpected(settings.error());
    std::vector<std::string> scripts;
    for (const auto& dir : {settings->system_dir, settings->user_dir}) {
        auto found = hooks::external::find_hooks(dir);
        if (!found) return Unexpected(found.error());
        scripts.insert(scripts.end(), found->begin(), found->end());
    }
    return scripts;
}

// The hooks, then the linker configuration for everything they and the EDF inject.
Result<void> compute_injections(plan::PlanRequest& request, const std::string& probe_memo, Diagnostics& diag,
                                run::Timeline& timeline) {
    std::optional<ImageLinker> linker;
    HookInputs inputs{*request.site, request.environment, request.image, request.command};
    auto contributions = run_network_hooks(inputs, linker, diag, timeline);
    if (!contributions) return Unexpected(contributions.error());
    request.contributions = std::move(*contributions);
    auto config =
        read_linker_config(request.environment, linker ? &*linker : nullptr, request.contributions, probe_memo, diag);
    if (!config) return Unexpected(config.error());
    request.linker = std::move(*config);
    if (request.linker) timeline.step("wrote the dynamic-linker configuration for injected libraries");
    return {};
}

// Warnings first, then (from the caller) the error, if any.
Result<void> add_injections(plan::PlanRequest& request, const std::string& probe_memo, run::Timeline& timeline) {
    Diagnostics diag;
    auto result = compute_injections(request, probe_memo, diag, timeline);
    print_warnings(diag.warnings);
    return result;
}

// A registry reference becomes a local squashfs file (registry_image.hpp); a temporary one is
// kept open in `keep` until the exec and is served cold (an image server would outlive it).
Result<std::string> local_image(const edf::Sourced<std::string>& value, const std::string& cwd, const EnvMap& env,
                                bool may_pull, UniqueFd& keep, bool& cold, run::Timeline& timeline) {
    if (image::is_local_path(value.value)) return value.value;
    std::vector<std::string> warnings;
    auto registry = obtain_registry_image(value.value, value.origin.str(), cwd, env, may_pull, warnings);
    print_warnings(warnings);
    if (!registry) return Unexpected(registry.error());
    if (registry->temporary) cold = true;
    keep = std::move(registry->keep);
    timeline.step("found the registry image in " + registry->path);
    return registry->path;
}

// The EDF and the command line, merged, in `request.environment`; the hooks.d scripts found.
Result<void> load_request_environment(const RunOptions& options, plan::PlanRequest& request, const std::string& cwd,
                                      run::Timeline& timeline) {
    auto hooks = find_external_hooks(request);
    if (!hooks) return Unexpected(hooks.error());
    request.external_hooks = std::move(*hooks);
    edf::LoadOptions load{cwd, request.host.env, false, options.image.has_value()};
    Diagnostics diag;
    if (auto warning = edf::host_annotation_warning(request.host.env); !warning.empty()) diag.warn(warning);
    auto environment = load_environment(options, load, diag);
    print_warnings(diag.warnings);
    if (!environment) return Unexpected(environment.error());
    request.environment = std::move(*environment);
    timeline.step("loaded the environment");
    return {};
}

// The image as a local file or directory (pulled first if it is a registry reference).
Result<void> classify_request_image(const RunOptions& options, plan::PlanRequest& request, const std::string& cwd,
                                    run::Timeline& timeline, UniqueFd& keep_image) {
    const auto& image_value = *request.environment.image;
    request.cold = options.cold;
    auto image_path = local_image(image_value, cwd, request.host.env, !options.dry_run, keep_image, request.cold,
                                  timeline);
    if (!image_path) return Unexpected(image_path.error());
    auto image = image::classify(*image_path, image_value.origin.str(), cwd);
    if (!image) return Unexpected(image.error());
    request.image = std::move(*image);
    return {};
}

// The runtime directories, held in `kept`, into the request.
void use_state_dirs(plan::PlanRequest& request, KeptOpen& kept) {
    kept.state = state_dirs_for(request.host, request.image);
    const auto& state = kept.state;
    if (state.image_servers.valid()) {
        request.server_directory = state.image_servers.path;
        request.server_directory_fd = state.image_servers.fd.get();
    }
    request.server_directory_problem = state.problem;
    if (state.image_facts.valid()) request.read_profiles = state.image_facts.via();
}

Result<plan::PlanRequest> prepare(const RunOptions& options, const site::SiteConfig& site, EnvMap env,
                                  const run::HolderSpec* holder, run::Timeline& timeline, KeptOpen& kept) {
    plan::PlanRequest request;
    request.site = &site;
    request.host = read_host_facts(std::move(env));
    if (holder) request.host.slurm_stepd = holder->watch_pid;  // a holder is nobody's child
    const std::string cwd = current_directory();
    if (auto r = load_request_environment(options, request, cwd, timeline); !r) return Unexpected(r.error());
    if (auto r = classify_request_image(options, request, cwd, timeline, kept.image); !r) return Unexpected(r.error());
    use_state_dirs(request, kept);
    bool cached = false;
    // The image facts and the read profiles share a directory.
    auto facts = read_image_facts(request.image, request.read_profiles, cached);
    if (!facts) return Unexpected(facts.error());
    request.image_facts = std::move(*facts);
    request.command = options.command;
    request.map_root = options.root;
    timeline.step(cached ? "read the image's metadata (cached)" : "read the image's metadata");
    if (auto r = add_injections(request, kept.state.elf_probes(), timeline); !r) return Unexpected(r.error());
    auto ssh = read_ssh_facts(request.environment, request.map_root, &site);
    if (!ssh) return Unexpected(ssh.error());
    request.ssh = std::move(*ssh);
    if (request.ssh) {
        for (const auto& note : request.ssh->notes) timeline.note("ssh: " + note);
        timeline.step("found the host's sshd and its " + std::to_string(request.ssh->host_files.size()) + " files");
    }
    return request;
}


// The narrative of a launch: load -> plan -> (print | execute). The executor's own steps are
// listed in launcher/run/execute.cpp.
int launch(const RunOptions& options, char* const* envp, const run::HolderSpec* holder) {
    run::Timeline timeline(options.verbose);
    // 1. Load the site configuration, the EDF and the command-line options; classify the image
    //    (pulling a registry image missing from the store); read its metadata; run the hooks.
    auto env = env_from_envp(envp);
    auto site = site::load_site_config(env);
    if (!site) return report(site.error().message);
    KeptOpen kept;  // open until the exec
    auto request = prepare(options, *site, std::move(env), holder, timeline, kept);
    if (!request) return report(request.error().message);
    // 2. Plan: every decision, no system call.
    auto plan = plan::make_plan(*request);
    if (!plan) return report(plan.error().message);
    timeline.step("planned the launch");
    for (const auto& hook : plan->hooks) {
        for (const auto& note : hook.notes) timeline.note(hook.hook + ": " + note);
        if (hook.hook == "aws_ofi_nccl")
            if (auto warning = hooks::nccl_plugin_warning(plan->env)) print_warnings({*warning});
    }
    if (options.dry_run) {
        std::fputs(plan::render(*plan).c_str(), stdout);
        return 0;
    }
    // 3. Execute: namespaces, mounts, pivot, exec. Returns only on failure.
    std::fflush(stdout);
    auto failure = run::execute(*plan, timeline, holder);
    std::fprintf(stderr, "skiff: error: %s\n", failure.error.message.c_str());
    return failure.exit_code;
}

}  // namespace

int run_command(const std::vector<std::string>& words, char* const* envp) {
    auto options = parse_run_options(words);
    if (!options) return report(options.error().message);
    if (options->help) {
        std::fputs(run_usage().c_str(), stdout);
        return 0;
    }
    return launch(*options, envp, nullptr);
}

// `skiff __container-holder READY_FD WATCH_PID STATE_FILE [run options]`: started by the
// Slurm plugin (launcher/spank) for the first task of a step on a node.
int holder_command(const std::vector<std::string>& words, char* const* envp) {
    run::HolderSpec spec;
    try {
        if (words.size() < 3) throw std::invalid_argument("too few arguments");
        spec = {std::stoi(words[0]), std::stoi(words[1]), words[2]};
    } catch (const std::exception&) {
        return report("__container-holder is started by skiff's Slurm plugin, not by hand");
    }
    auto options = parse_run_options({words.begin() + 3, words.end()});
    if (!options) return report(options.error().message);
    return launch(*options, envp, &spec);
}

}  // namespace skiff::cli
