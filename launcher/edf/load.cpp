// load(): the EDF loading pipeline of edf.md §1, in order, each step one call below.
#include "launcher/edf/chain.hpp"
#include "launcher/edf/edf.hpp"
#include "launcher/edf/expand.hpp"
#include "launcher/edf/fields.hpp"
#include "launcher/edf/merge.hpp"
#include "launcher/edf/search.hpp"

namespace skiff::edf {
namespace {

std::optional<Environment> run_pipeline(const std::string& arg, const LoadOptions& options, Diagnostics& diag) {
    // 1. resolve --environment over the search path (§2)
    std::vector<std::string> dirs = search_path(options.host_env, diag);
    auto top = locate(arg, options.cwd, dirs);
    if (!top) {
        diag.error(describe_top_level(arg, top.error(), dirs));
        return std::nullopt;
    }
    // 2. parse and type-check each file, 3. order the base_environment chain (§3)
    Chain chain = order_chain(*top, options, dirs, diag);
    // 4. merge (§3)
    Merged merged = merge(std::move(chain.files));
    // 5. expand, 6. resolve relative paths, 7. validate mounts (§4-§6)
    return finalize(std::move(merged), top->path, chain.complete, options, diag);
}

}  // namespace

std::string Origin::str() const {
    if (file.empty()) return {};
    return line > 0 ? file + ":" + std::to_string(line) : file;
}

Result<Environment> load(const std::string& arg, const LoadOptions& options, Diagnostics& diag) {
    const std::size_t first_error = diag.errors.size();
    std::optional<Environment> environment;
    try {
        environment = run_pipeline(arg, options, diag);
    } catch (const std::exception& error) {  // toml11 and the standard library may throw
        diag.error("cannot load EDF '" + arg + "': " + error.what());
    }
    if (!environment && diag.errors.size() == first_error) diag.error("cannot load EDF '" + arg + "'");
    if (diag.errors.size() != first_error) return fail(diag.errors[first_error]);
    return std::move(*environment);
}

Result<EnvMap> expand_env_values(const Environment& environment, const EnvMap& lookup) {
    EnvMap values;
    for (const auto& [name, value] : environment.env) {
        auto expanded = expand(value.value, lookup);
        if (!expanded) return fail(value.origin.str() + ": env." + name + ": " + expanded.error().message);
        values.emplace(name, std::move(expanded->value));  // "" stays the unset marker (§8)
    }
    return values;
}

}  // namespace skiff::edf
