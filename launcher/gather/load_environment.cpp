#include "launcher/gather/load_environment.hpp"

#include "common/device_name.hpp"

namespace skiff::gather {
namespace {

const edf::Origin command_line{"command line", 0};

Result<std::pair<std::string, std::string>> split_assignment(const std::string& text, const char* option) {
    auto eq = text.find('=');
    if (eq == std::string::npos || eq == 0)
        return fail("command line: " + std::string(option) + " '" + text + "' must be NAME=VALUE");
    return std::pair{text.substr(0, eq), text.substr(eq + 1)};
}

// The shell has already expanded command-line values; keep them literal for the EDF expander.
std::string literal(const std::string& value) {
    std::string out;
    for (char c : value) {
        if (c == '$') out += '$';
        out += c;
    }
    return out;
}

Result<void> apply_mounts(const RunOptions& options, const edf::LoadOptions& load, edf::Environment& env) {
    for (const auto& text : options.mounts) {
        auto spec = edf::parse_mount(text, command_line, load.cwd);
        if (!spec) return Unexpected(spec.error());
        if (auto r = edf::check_mount_source(*spec); !r) return r;
        env.mounts.push_back(std::move(*spec));
    }
    return {};
}

Result<void> apply_devices(const RunOptions& options, edf::Environment& env) {
    for (const auto& text : options.devices) {
        if (auto problem = device_request_problem(text); !problem.empty())
            return fail("command line: --device: " + problem);
        bool repeated = false;
        for (const auto& earlier : env.devices) repeated = repeated || earlier.value == text;
        if (!repeated) env.devices.push_back({text, command_line});
    }
    return {};
}

Result<void> apply_assignments(const RunOptions& options, edf::Environment& env) {
    for (const auto& text : options.env) {
        auto kv = split_assignment(text, "--env");
        if (!kv) return Unexpected(kv.error());
        env.env[kv->first] = {literal(kv->second), command_line};
    }
    for (const auto& text : options.annotations) {
        auto kv = split_assignment(text, "--annotation");
        if (!kv) return Unexpected(kv.error());
        env.annotations[kv->first] = {kv->second, command_line};
    }
    return {};
}

Result<void> apply_scalars(const RunOptions& options, edf::Environment& env) {
    if (options.image) env.image = edf::Sourced<std::string>{*options.image, command_line};
    if (options.workdir) {
        if (!options.workdir->starts_with("/"))
            return fail("command line: workdir '" + *options.workdir + "' must be an absolute path");
        env.workdir = edf::Sourced<std::string>{*options.workdir, command_line};
    }
    if (options.writable) env.writable = {*options.writable, command_line};
    if (options.entrypoint) env.entrypoint = {*options.entrypoint, command_line};
    return {};
}

}  // namespace

Result<edf::Environment> load_environment(const RunOptions& options, const edf::LoadOptions& load,
                                          Diagnostics& diag) {
    edf::Environment env;
    if (options.environment) {
        auto loaded = edf::load(*options.environment, load, diag);
        if (!loaded) return loaded;
        env = std::move(*loaded);
    }
    if (auto r = apply_scalars(options, env); !r) return Unexpected(r.error());
    if (auto r = apply_mounts(options, load, env); !r) return Unexpected(r.error());
    if (auto r = apply_devices(options, env); !r) return Unexpected(r.error());
    if (auto r = apply_assignments(options, env); !r) return Unexpected(r.error());
    if (!env.image) return fail("no image: pass --environment NAME or --image IMAGE");
    return env;
}

}  // namespace skiff::gather
