#include "hooks/hook_switch.hpp"

#include "launcher/site/site_table.hpp"

namespace skiff::hooks {

std::optional<bool> parse_switch(const std::string& value) {
    auto word = site::parse_switch_word(value);
    if (!word) return std::nullopt;
    return *word;
}

Result<bool> annotation_switch(const edf::Environment& environment, const std::string& key, bool fallback) {
    auto it = environment.annotations.find(key);
    if (it == environment.annotations.end()) return fallback;
    if (auto on = parse_switch(it->second.value)) return *on;
    return fail(it->second.origin.str() + ": annotation " + key + " = \"" + it->second.value +
                "\" is not a switch; use true or false");
}

}  // namespace skiff::hooks
