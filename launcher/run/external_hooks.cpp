#include "launcher/run/external_hooks.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "hooks/external/environ_file.hpp"
#include "hooks/external/fstab_line.hpp"
#include "hooks/external/hook_failure.hpp"
#include "launcher/run/apply_mounts.hpp"
#include "launcher/run/staging.hpp"
#include "namespaces/helper_program.hpp"

namespace skiff::run {
namespace {

namespace ext = hooks::external;

// The two files hooks append to, on the staging tmpfs (gone with the namespace).
struct HookFiles {
    std::string environ = std::string(Staging::files) + "/hooks.environ";
    std::string mounts = std::string(Staging::files) + "/hooks.mounts";
};

Result<void> write_file(const std::string& path, const std::string& content) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    if (!(out << content) || !out.flush()) return fail("external hooks: cannot write '" + path + "'");
    return {};
}

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

ns::HelperProgram program_for(const plan::LaunchPlan& plan, const HookScript& script, const HookFiles& files) {
    ns::HelperProgram program;
    program.program_fd = script.fd.get();
    program.path = script.path;
    program.env = plan.external_hooks.environment;
    program.env["ENROOT_ROOTFS"] = Staging::root;
    program.env["ENROOT_PID"] = std::to_string(::getpid());
    program.env["ENROOT_ENVIRON"] = files.environ;
    program.env["ENROOT_MOUNTS"] = files.mounts;
    program.keep_capabilities = true;
    program.timeout = std::chrono::seconds(plan.external_hooks.timeout_s);
    return program;
}

void note_output(const Timeline& timeline, const ns::HelperExit& exit) {
    if (!timeline.verbose()) return;
    for (const std::string* tail : {&exit.out_tail, &exit.err_tail}) {
        std::string lines = ext::last_lines(*tail, 5);
        if (!lines.empty()) timeline.note("  " + lines);
    }
}

// Runs one hook; the byte offset where its ENROOT_MOUNTS lines start is recorded first.
Result<void> run_hook(const plan::LaunchPlan& plan, const HookScript& script, const HookFiles& files,
                      Timeline& timeline) {
    auto exit = ns::run_helper(program_for(plan, script, files));
    if (!exit) return Unexpected(exit.error().to_error("hook " + script.path));
    ext::HookOutcome outcome{exit->status, exit->signal, exit->timed_out};
    if (!ext::succeeded(outcome))
        return fail(ext::failure_message(script.path, outcome, plan.external_hooks.timeout_s, exit->err_tail));
    timeline.step("hook " + script.path);
    note_output(timeline, *exit);
    return {};
}

// The hook whose lines start at or before `offset`.
const std::string& writer_of(const std::vector<std::size_t>& starts, const std::vector<HookScript>& scripts,
                             std::size_t offset) {
    std::size_t i = 0;
    while (i + 1 < starts.size() && starts[i + 1] <= offset) ++i;
    return scripts[i].path;
}

// False if a nofail line could not be applied (noted under -v).
Result<bool> apply_hook_mount(const plan::LaunchPlan& plan, ext::HookMount& mount, std::size_t index, int root_fd,
                              const Timeline& timeline) {
    HostSource source;
    auto r = open_host_source(mount.op, source);
    if (r) r = apply_mount(mount.op, index, source, root_fd, plan.ids, timeline);
    if (r) return true;
    if (!mount.nofail) return Unexpected(r.error());
    timeline.note("skipped (nofail): " + r.error().message);
    return false;
}

// ENROOT_MOUNTS, in file order; errors name the hook that wrote the line.
Result<std::size_t> apply_hook_mounts(const plan::LaunchPlan& plan, const std::vector<HookScript>& scripts,
                                      const std::vector<std::size_t>& starts, const HookFiles& files, int root_fd,
                                      const Timeline& timeline) {
    std::string text = read_file(files.mounts);
    std::size_t offset = 0, number = 0, applied = 0;
    while (offset < text.size()) {
        std::size_t end = text.find('\n', offset);
        if (end == std::string::npos) end = text.size();
        std::string line = text.substr(offset, end - offset);
        std::string where = "hook " + writer_of(starts, scripts, offset) + ": ENROOT_MOUNTS line " + std::to_string(++number);
        offset = end + 1;
        auto mount = ext::parse_fstab_line(line, Staging::root);
        if (!mount) return fail(where + ": " + mount.error().message);
        if (!*mount) continue;
        (*mount)->op.origin = where;
        auto r = apply_hook_mount(plan, **mount, plan.mounts.size() + number, root_fd, timeline);
        if (!r) return Unexpected(r.error());
        if (*r) ++applied;
    }
    return applied;
}

void apply_hook_environ(const plan::LaunchPlan& plan, const EnvMap& prefilled, const HookFiles& files, EnvMap& env,
                        const Timeline& timeline) {
    auto after = ext::parse_environ(read_file(files.environ));
    for (const auto& warning : after.warnings) std::fprintf(stderr, "skiff: warning: external hooks: %s\n", warning.c_str());
    for (const auto& name : ext::apply_environ(env, prefilled, after.values, plan.external_hooks.fixed_env))
        timeline.note("ENROOT_ENVIRON: " + name + " kept: the EDF's [env] or the Slurm task sets it");
}

}  // namespace

Result<std::vector<HookScript>> open_hook_scripts(const plan::LaunchPlan& plan) {
    std::vector<HookScript> scripts;
    for (const auto& path : plan.external_hooks.scripts) {
        UniqueFd fd(::open(path.c_str(), O_PATH | O_CLOEXEC));
        if (!fd.valid()) return Unexpected(SysError{errno, "open", path}.to_error("hook " + path));
        scripts.push_back({path, std::move(fd)});
    }
    return scripts;
}

Result<void> run_external_hooks(const plan::LaunchPlan& plan, const std::vector<HookScript>& scripts, int root_fd,
                                EnvMap& env, Timeline& timeline) {
    if (scripts.empty()) return {};
    HookFiles files;
    const EnvMap prefilled = ext::renderable(env);
    if (auto r = write_file(files.environ, ext::render_environ(env)); !r) return r;
    if (auto r = write_file(files.mounts, ""); !r) return r;
    std::vector<std::size_t> starts;
    for (const auto& script : scripts) {
        std::error_code ec;  // a hook may have removed the file; its lines are then gone too
        auto size = std::filesystem::file_size(files.mounts, ec);
        starts.push_back(ec ? 0 : static_cast<std::size_t>(size));
        if (auto r = run_hook(plan, script, files, timeline); !r) return r;
    }
    auto applied = apply_hook_mounts(plan, scripts, starts, files, root_fd, timeline);
    if (!applied) return Unexpected(applied.error());
    apply_hook_environ(plan, prefilled, files, env, timeline);
    timeline.step("applied " + std::to_string(*applied) + " mounts and the environment from the hooks");
    return {};
}

}  // namespace skiff::run
