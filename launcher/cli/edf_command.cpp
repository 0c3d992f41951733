#include <cstdio>

#include "common/job_ssh_keys.hpp"
#include "hooks/check_hooks.hpp"
#include "hooks/hook.hpp"
#include "hooks/ssh/ssh_hook.hpp"
#include "launcher/cli/commands.hpp"
#include "launcher/edf/edf.hpp"
#include "launcher/image/local.hpp"
#include "launcher/plan/environment_layers.hpp"
#include "launcher/site/site_config.hpp"

namespace skiff::cli {
namespace {

constexpr const char* edf_show_usage =
    "usage: skiff edf show NAME|PATH [--json]   print the environment after inheritance and expansion\n";
constexpr const char* edf_check_usage =
    "usage: skiff edf check NAME|PATH...        report every problem skiff run would meet before the\n"
    "                                           command starts, but those of the image's contents and\n"
    "                                           of the launch itself; exit 0 if there is none\n";

edf::LoadOptions load_options(char* const* envp) { return {current_directory(), env_from_envp(envp), false}; }

// What is wrong with an EDF's image, or "". A registry reference is only parsed: `skiff run`
// pulls it.
std::string image_problem(const edf::Sourced<std::string>& image, const std::string& cwd) {
    if (image::is_local_path(image.value)) {
        auto local = image::classify(image.value, image.origin.str(), cwd);
        return local ? "" : local.error().message;
    }
    auto reference = image::classify_registry(image.value, image.origin.str(), cwd);
    return reference ? "" : reference.error().message;
}

// Loads one EDF and checks its image, collecting every problem in diag.
std::optional<edf::Environment> load_checked(const std::string& arg, const edf::LoadOptions& load, Diagnostics& diag) {
    auto env = edf::load(arg, load, diag);
    if (!env) {
        if (diag.errors.empty()) diag.error(env.error().message);
        return std::nullopt;
    }
    for (auto& warning : hooks::annotation_warnings(*env)) diag.warn(std::move(warning));
    if (env->image)
        if (auto problem = image_problem(*env->image, load.cwd); !problem.empty()) diag.error(problem);
    return std::move(*env);
}

void print_errors(const Diagnostics& diag) {
    print_warnings(diag.warnings);
    for (const auto& e : diag.errors) std::fprintf(stderr, "skiff: error: %s\n", e.c_str());
}

int show(const std::vector<std::string>& args, char* const* envp) {
    bool json = false;
    std::optional<std::string> name;
    for (const auto& a : args) {
        if (a == "--json") json = true;
        else if (!name) name = a;
        else return report("edf show: unexpected argument '" + a + "'");
    }
    if (!name) return report("edf show: which environment? usage: skiff edf show NAME|PATH [--json]");
    Diagnostics diag;
    auto env = load_checked(*name, load_options(envp), diag);
    print_errors(diag);
    if (!env || !diag.ok()) return 1;
    std::fputs((json ? edf::to_json(*env) : edf::to_text(*env)).c_str(), stdout);
    return 0;
}

// [env] values as `skiff run` expands them, against this shell's environment: the image's
// variables are not known here.
void check_env_values(const edf::Environment& env, const EnvMap& host_env, Diagnostics& diag) {
    auto values = edf::expand_env_values(env, plan::base_environment(host_env, {}));
    if (!values)
        diag.error(values.error().message + " (edf check does not read the image: if the image sets it, write ${NAME:-})");
}

// What `skiff run` checks before the command beyond the EDF itself, except what needs the image's
// contents or a launch (hooks/check_hooks.hpp): the site configuration, the hooks'
// annotations, the SSH key and server, the [env] values.
void check_for_run(const edf::Environment& env, const EnvMap& host_env, Diagnostics& diag) {
    auto site = site::load_site_config(host_env);
    if (!site) return diag.error(site.error().message);
    hooks::check_hooks(env, *site, host_env, diag);
    check_env_values(env, host_env, diag);
}

// `--srun` (the Slurm plugin's, not documented; one environment): after its "ok" line, the
// line job_ssh_check_line when it switches the SSH hook on (srun then makes the step's SSH
// keys, launcher/spank/job_ssh_keys.cpp), and last the digest-pinned reference of a registry
// image (`skiff image resolve`), which every node of the step then runs. One process for
// srun to start, not two.
constexpr const char* srun_option = "--srun";

int check(std::vector<std::string> args, char* const* envp) {
    bool srun = !args.empty() && args.front() == srun_option;
    if (srun) args.erase(args.begin());
    if (args.empty()) return report("edf check: which file? usage: skiff edf check NAME|PATH...");
    if (srun && args.size() != 1) return report("edf check --srun: one environment, not " + std::to_string(args.size()));
    int status = 0;
    for (const auto& arg : args) {
        Diagnostics diag;
        auto load = load_options(envp);
        auto env = load_checked(arg, load, diag);
        if (env && diag.ok()) check_for_run(*env, load.host_env, diag);
        print_errors(diag);
        if (!diag.ok()) status = 1;
        else std::printf("%s: ok\n", arg.c_str());
        if (!diag.ok() || !srun) continue;
        if (hooks::ssh_requested(*env)) std::printf("%s\n", job_ssh_check_line);
        if (env->image && !image::is_local_path(env->image->value)) return resolve_registry_image(env->image->value);
    }
    return status;
}

}  // namespace

int edf_command(const std::vector<std::string>& words, char* const* envp) {
    std::string usage = std::string(edf_show_usage) + edf_check_usage;
    if (words.empty()) {
        std::fputs(usage.c_str(), stderr);
        return 2;
    }
    if (words[0] == "--help" || words[0] == "-h") return help_reply(usage);
    std::vector<std::string> rest(words.begin() + 1, words.end());
    bool help = asks_for_help(rest);
    if (words[0] == "show") return help ? help_reply(edf_show_usage) : show(rest, envp);
    if (words[0] == "check") return help ? help_reply(edf_check_usage) : check(rest, envp);
    return report("edf: unknown subcommand '" + words[0] + "'; use show or check");
}

}  // namespace skiff::cli
