#include "hooks/cdi/cdi_names.hpp"

namespace skiff::cdi {

std::optional<QualifiedName> parse_qualified(std::string_view text, std::string& why) {
    auto equals = text.find('=');
    if (equals == std::string_view::npos) {
        why = "'" + std::string(text) + "' is not a CDI device name vendor/class=name (nvidia.com/gpu=0)";
        return std::nullopt;
    }
    QualifiedName q{std::string(text.substr(0, equals)), std::string(text.substr(equals + 1))};
    why = cdi_kind_problem(q.kind);
    if (why.empty()) why = cdi_name_problem(q.name);
    if (!why.empty()) {
        why = "'" + std::string(text) + "': " + why;
        return std::nullopt;
    }
    return q;
}

}  // namespace skiff::cdi
