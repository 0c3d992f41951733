#include "launcher/edf/fields.hpp"

#include <optional>

#include "common/device_name.hpp"
#include "launcher/edf/expand.hpp"
#include "launcher/edf/paths.hpp"

namespace skiff::edf {
namespace {

class Finalizer {
public:
    Finalizer(const LoadOptions& options, Diagnostics& diag) : options_(options), diag_(diag) {}

    // Expands a field other than [env] against the host environment (§4).
    std::optional<Expanded> expand_field(const Text& text) const {
        ExpandOptions expand_options{.forbid_per_task = true, .defer_unset_slurm = options_.srun_validation};
        auto expanded = expand(text.value, options_.host_env, expand_options);
        if (expanded) return std::move(*expanded);
        error(text, expanded.error().message);
        return std::nullopt;
    }

    std::optional<Sourced<std::string>> image(const std::optional<Text>& text) const {
        if (!text) return std::nullopt;
        auto expanded = expand_field(*text);
        if (!expanded || expanded->value.empty()) return std::nullopt;
        std::string value = expanded->value;
        if (value.starts_with('~')) return error(*text, "'~' is not expanded; use ${HOME}");
        if (is_relative_form(value)) value = make_absolute(options_.cwd, value);
        return Sourced<std::string>{value, text->origin};
    }

    std::optional<Sourced<std::string>> workdir(const std::optional<Text>& text) const {
        if (!text) return std::nullopt;
        auto expanded = expand_field(*text);
        if (!expanded || expanded->value.empty()) return std::nullopt;
        const std::string& value = expanded->value;
        if (value.starts_with('~')) return error(*text, "'~' is not expanded; use ${HOME}");
        if (!value.starts_with('/')) {
            diag_.error(text->origin.str() + ": workdir '" + value + "' must be an absolute path");
            return std::nullopt;
        }
        return Sourced<std::string>{value, text->origin};
    }

    std::optional<MountSpec> mount(const Text& text) const {
        auto expanded = expand_field(text);
        if (!expanded) return std::nullopt;
        auto spec = parse_mount(expanded->value, text.origin, options_.cwd);
        if (!spec) return report(spec.error().message);
        if (expanded->deferred) return std::move(*spec);  // the node checks the source
        if (auto exists = check_mount_source(*spec); !exists) return report(exists.error().message);
        return std::move(*spec);
    }

    // Appends `spec` unless it repeats an earlier mount exactly; warns when it covers one.
    void add_mount(std::vector<MountSpec>& mounts, MountSpec spec) const {
        for (const MountSpec& earlier : mounts)
            if (earlier.destination == spec.destination && earlier.source == spec.source && earlier.flags == spec.flags)
                return;
        for (auto it = mounts.rbegin(); it != mounts.rend(); ++it) {
            if (it->destination != spec.destination) continue;
            diag_.warn(spec.origin.str() + ": mount destination '" + spec.destination + "' is also used at " +
                       it->origin.str() + "; the later mount covers the earlier");
            break;
        }
        mounts.push_back(std::move(spec));
    }

    // Appends a device request unless the same one came earlier.
    void add_device(std::vector<Sourced<std::string>>& devices, const Text& text) const {
        auto expanded = expand_field(text);
        if (!expanded) return;
        if (auto problem = device_request_problem(expanded->value); !problem.empty()) {
            error(text, problem);
            return;
        }
        for (const auto& earlier : devices)
            if (earlier.value == expanded->value) return;
        devices.push_back({expanded->value, text.origin});
    }

    // [env] values stay unexpanded (each task expands them), but their syntax is checked now.
    void check_env(const std::map<std::string, Text>& env) const {
        for (const auto& [name, text] : env) {
            auto checked = expand(text.value, {}, ExpandOptions{.syntax_only = true});
            if (!checked) error(text, checked.error().message);
        }
    }

    std::map<std::string, Sourced<std::string>> annotations(const std::map<std::string, Text>& texts) const {
        std::map<std::string, Sourced<std::string>> out;
        for (const auto& [key, text] : texts)
            if (auto expanded = expand_field(text)) out.emplace(key, Sourced<std::string>{expanded->value, text.origin});
        return out;
    }

private:
    std::nullopt_t error(const Text& text, const std::string& what) const {
        diag_.error(text.origin.str() + ": " + text.field + ": " + what);
        return std::nullopt;
    }

    std::nullopt_t report(std::string message) const {
        diag_.error(std::move(message));
        return std::nullopt;
    }

    const LoadOptions& options_;
    Diagnostics& diag_;
};

}  // namespace

Environment finalize(Merged merged, const std::string& top_path, bool complete, const LoadOptions& options,
                     Diagnostics& diag) {
    Finalizer step(options, diag);
    Environment env;
    std::size_t errors = diag.errors.size();
    env.image = step.image(merged.image);
    bool image_failed = diag.errors.size() != errors;
    if (!env.image && !image_failed && complete && !options.image_given)
        diag.error(top_path + ": no image after applying base environments; set 'image'");
    env.workdir = step.workdir(merged.workdir);
    env.entrypoint = merged.entrypoint;
    env.writable = merged.writable;
    for (const Text& text : merged.mounts)
        if (auto spec = step.mount(text)) step.add_mount(env.mounts, std::move(*spec));
    for (const Text& text : merged.devices) step.add_device(env.devices, text);
    step.check_env(merged.env);
    for (auto& [name, text] : merged.env) env.env.emplace(name, Sourced<std::string>{text.value, text.origin});
    env.annotations = step.annotations(merged.annotations);
    env.files = std::move(merged.files);
    return env;
}

}  // namespace skiff::edf
