#include <cstdio>

#include "hooks/ssh/ssh_hook.hpp"
#include "launcher/cli/commands.hpp"
#include "hooks/hook.hpp"
#include "hooks/ssh/ssh_gather.hpp"
#include "launcher/edf/edf.hpp"
#include "launcher/image/local.hpp"

namespace skiff::cli {
namespace {

constexpr const char* edf_usage =
    "usage: skiff edf show NAME|PATH [--json]   print the environment after inheritance and expansion\n"
    "       skiff edf check NAME|PATH...        report every problem; exit 0 if there is none\n";

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

// An EDF that switches the SSH hook on needs a usable OpenSSH server on this node.
void check_ssh(const edf::Environment& env, char* const* envp, Diagnostics& diag) {
    if (!hooks::ssh_requested(env)) return;
    auto site = site::load_site_config(env_from_envp(envp));
    if (!site) return diag.error(site.error().message);
    if (auto r = hooks::check_ssh_host(env, &*site); !r) diag.error(r.error().message);
}

int check(const std::vector<std::string>& args, char* const* envp) {
    if (args.empty()) return report("edf check: which file? usage: skiff edf check NAME|PATH...");
    int status = 0;
    for (const auto& arg : args) {
        Diagnostics diag;
        if (auto env = load_checked(arg, load_options(envp), diag); env && diag.ok()) check_ssh(*env, envp, diag);
        print_errors(diag);
        if (!diag.ok()) status = 1;
        else std::printf("%s: ok\n", arg.c_str());
    }
    return status;
}

}  // namespace

int edf_command(const std::vector<std::string>& words, char* const* envp) {
    if (words.empty() || words[0] == "--help" || words[0] == "-h") {
        std::fputs(edf_usage, words.empty() ? stderr : stdout);
        return words.empty() ? 2 : 0;
    }
    std::vector<std::string> rest(words.begin() + 1, words.end());
    if (words[0] == "show") return show(rest, envp);
    if (words[0] == "check") return check(rest, envp);
    return report("edf: unknown subcommand '" + words[0] + "'; use show or check");
}

}  // namespace skiff::cli
