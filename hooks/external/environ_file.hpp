// ENROOT_ENVIRON (hooks.md §6): skiff fills it with the container environment so far, hooks
// edit it, and skiff reads the result back after the last hook.
#pragma once

#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "common/env_map.hpp"

namespace skiff::hooks::external {

// KEY=VALUE lines; values containing a newline cannot be written and are left out.
std::string render_environ(const EnvMap& env);

// What render_environ wrote: `env` without the values that contain a newline.
EnvMap renderable(const EnvMap& env);

struct EnvironFile {
    EnvMap values;
    std::vector<std::string> warnings;  // "ENROOT_ENVIRON line 3: 'A-B' is not a variable name; skipped"
};

// enroot's reading: blank and `#` lines are ignored; the value is everything after the first
// `=`, with one surrounding pair of matching " or ' removed; nothing else is unescaped. Names
// that are not identifiers are skipped with a warning; a later line wins.
EnvironFile parse_environ(std::string_view text);

// Applies to `env` what the hooks changed: names whose value differs from `prefilled` are set,
// names of `prefilled` that are gone are unset. ENROOT_* names are never taken, and names in
// `fixed` (the EDF's [env] and the task's Slurm variables, which rank above hooks) are kept as
// they are; those are returned, for -v.
std::vector<std::string> apply_environ(EnvMap& env, const EnvMap& prefilled, const EnvMap& after,
                                       const std::set<std::string>& fixed);

}  // namespace skiff::hooks::external
