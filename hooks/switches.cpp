#include "hooks/switches.hpp"

namespace skiff::hooks {

Result<std::optional<bool>> annotation_switch(const Annotations& annotations, const std::string& key) {
    auto it = annotations.find(key);
    if (it == annotations.end()) return std::optional<bool>{};
    auto value = parse_switch(it->second.value);
    if (!value)
        return fail(it->second.origin.str() + ": annotation " + key + " = \"" + it->second.value +
                    "\" is not a switch; use true or false");
    return std::optional<bool>(*value);
}

std::optional<std::string> annotation_text(const Annotations& annotations, const std::string& key) {
    auto it = annotations.find(key);
    if (it == annotations.end()) return std::nullopt;
    return it->second.value;
}

std::string annotation_origin(const Annotations& annotations, const std::string& key) {
    auto it = annotations.find(key);
    if (it == annotations.end()) return key;
    return key + "=" + it->second.value + " (" + it->second.origin.str() + ")";
}

}  // namespace skiff::hooks
