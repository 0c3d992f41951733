#include "launcher/edf/toml_util.hpp"

#include <algorithm>

namespace skiff::edf {

Origin ReadContext::at(const TomlValue& value) const { return Origin{data.path, line_of(value)}; }

void ReadContext::error(const TomlValue& value, const std::string& what) const {
    diag.error(at(value).str() + ": " + what);
}

void ReadContext::warn(const TomlValue& value, const std::string& what) const {
    diag.warn(at(value).str() + ": " + what);
}

int line_of(const TomlValue& value) { return static_cast<int>(value.location().line()); }

std::vector<TomlEntry> in_file_order(const TomlTable& table) {
    std::vector<TomlEntry> entries;
    for (const auto& [key, value] : table) entries.emplace_back(&key, &value);
    auto position = [](const TomlEntry& entry) {
        auto loc = entry.second->location();
        return std::pair{loc.line(), loc.column()};
    };
    std::stable_sort(entries.begin(), entries.end(),
                     [&](const TomlEntry& a, const TomlEntry& b) { return position(a) < position(b); });
    return entries;
}

std::string describe(const TomlValue& value) {
    switch (value.type()) {
    case toml::value_t::string: return "the string \"" + value.as_string().str + "\"";
    case toml::value_t::integer: return "the integer " + std::to_string(value.as_integer());
    case toml::value_t::boolean: return value.as_boolean() ? "the boolean true" : "the boolean false";
    case toml::value_t::floating: return "the float " + toml::format(value);
    case toml::value_t::array: return "an array";
    case toml::value_t::table: return "a table";
    case toml::value_t::offset_datetime:
    case toml::value_t::local_datetime:
    case toml::value_t::local_date:
    case toml::value_t::local_time: return "a date or time";
    case toml::value_t::empty: return "an empty value";
    }
    return "a value";
}

std::optional<std::string> string_like(const TomlValue& value, const std::string& field, const ReadContext& ctx) {
    if (value.is_string()) return value.as_string().str;
    std::string text;
    if (value.is_boolean()) text = value.as_boolean() ? "true" : "false";
    else if (value.is_integer()) text = std::to_string(value.as_integer());
    if (text.empty()) {
        ctx.error(value, field + ": value must be a string, not " + describe(value));
        return std::nullopt;
    }
    ctx.warn(value, field + ": " + describe(value) + " is used as the string \"" + text +
                        "\"; quote it to silence this warning");
    return text;
}

}  // namespace skiff::edf
