#include <cstdio>
#include <optional>
#include <stdexcept>
#include <utility>

#include "hooks/aws_ofi_nccl/nccl_hook.hpp"
#include "launcher/cli/commands.hpp"
#include "launcher/cli/run_options.hpp"
#include "launcher/gather/gather.hpp"
#include "launcher/gather/host_facts.hpp"
#include "launcher/gather/overlay_dir.hpp"
#include "launcher/gather/plan_memory.hpp"
#include "launcher/plan/render.hpp"
#include "launcher/run/launch.hpp"
#include "launcher/run/spare_key.hpp"
#include "launcher/site/site_config.hpp"

namespace skiff::cli {
namespace {

// Warnings of the hooks' contributions, and their notes for -v.
void report_hooks(const plan::LaunchPlan& plan, const Timeline& timeline) {
    for (const auto& hook : plan.hooks) {
        for (const auto& note : hook.notes) timeline.note(hook.hook + ": " + note);
        if (hook.hook == "aws_ofi_nccl")
            if (auto warning = hooks::nccl_plugin_warning(plan.env)) print_warnings({*warning});
    }
}

// 3. Run: namespaces, mounts, pivot, exec. Returns only on failure.
int run_plan(const plan::LaunchPlan& plan, Timeline& timeline, const run::HolderSpec* holder) {
    std::fflush(stdout);
    auto failure = holder ? run::launch_holder(plan, timeline, *holder) : run::launch(plan, timeline);
    std::fprintf(stderr, "skiff: error: %s\n", failure.error.message.c_str());
    return failure.exit_code;
}

// --overlay DIR: claimed (locked, its image record checked) by whichever launch runs the plan,
// recalled or planned afresh (gather/overlay_dir.hpp).
Result<void> claim_overlay(plan::LaunchPlan& plan, const RunOptions& options, gather::KeptOpen& kept) {
    if (!plan.overlay_dir) return {};
    return gather::claim_overlay_dir(plan, {options.force, kept.image.valid()}, kept);
}

// A launch in three stages (launcher/README.md): gather -> plan -> run (or print, --dry-run).
// A repeated launch takes its plan from the plan memory instead (gather/plan_memory.hpp);
// --dry-run, --save and a Slurm step's holder always gather and plan.
int launch(const RunOptions& options, char* const* envp, const run::HolderSpec* holder) {
    Timeline timeline(options.verbose);
    auto host = gather::read_host_facts(env_from_envp(envp));  // once: the memory's key and the gathering's
    gather::KeptOpen kept;  // held open until the exec
    std::optional<gather::PlanMemory> memory;
    if (!options.dry_run && !holder && !options.save) {
        memory.emplace(options, host);
        if (auto recalled = memory->recall(kept, timeline)) {
            print_warnings(recalled->warnings);
            report_hooks(recalled->plan, timeline);
            if (auto r = claim_overlay(recalled->plan, options, kept); !r) return report(r.error().message);
            return run_plan(recalled->plan, timeline, holder);
        }
    }
    auto site = site::load_site_config(host.env);
    if (!site) return report(site.error().message);
    // 1. Gather: every read before planning.
    Diagnostics diag;
    auto request = gather::gather(options, *site, std::move(host), kept, diag, timeline);
    print_warnings(diag.warnings);
    if (!request) return report(request.error().message);
    if (holder) request->host.slurm_stepd = holder->watch_pid;  // a holder is nobody's child
    // 2. Plan: every decision, no system call.
    auto plan = plan::make_plan(*request);
    if (!plan) return report(plan.error().message);
    timeline.step("planned the launch");
    report_hooks(*plan, timeline);
    if (options.dry_run) {
        std::fputs(plan::render(*plan).c_str(), stdout);
        return 0;
    }
    plan->serving.spare_key = run::choose_spare(*plan, holder != nullptr).key;  // once, and remembered
    if (memory) memory->remember(options, *request, *plan, diag.warnings, kept, timeline);
    if (auto r = claim_overlay(*plan, options, kept); !r) return report(r.error().message);
    return run_plan(*plan, timeline, holder);
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
