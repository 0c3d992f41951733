#include "launcher/edf/toml_util.hpp"

#include <algorithm>

namespace skiff::edf {

LineIndex::LineIndex(std::string_view text) {
    for (std::size_t at = text.find('\n'); at != std::string_view::npos; at = text.find('\n', at + 1))
        newlines_.push_back(at);
}

int LineIndex::line(std::size_t offset) const {
    auto before = std::lower_bound(newlines_.begin(), newlines_.end(), offset) - newlines_.begin();
    return static_cast<int>(before) + 1;
}

std::size_t offset_of(const TomlValue& value) {
    // A parsed value's region is a toml::detail::region over the file's bytes; values made in
    // code carry a bare region_base.
    const auto* region = dynamic_cast<const toml::detail::region*>(toml::detail::get_region(value));
    if (region == nullptr || !region->is_ok()) return no_offset;
    return static_cast<std::size_t>(region->first() - region->begin());
}

Origin ReadContext::at(const TomlValue& value) const {
    std::size_t offset = offset_of(value);
    int line = offset == no_offset ? static_cast<int>(value.location().line()) : lines.line(offset);
    return Origin{data.path, line};
}

void ReadContext::error(const TomlValue& value, const std::string& what) const {
    diag.error(at(value).str() + ": " + what);
}

void ReadContext::warn(const TomlValue& value, const std::string& what) const {
    diag.warn(at(value).str() + ": " + what);
}

std::vector<TomlEntry> in_file_order(const TomlTable& table) {
    std::vector<std::pair<std::size_t, TomlEntry>> placed;
    placed.reserve(table.size());
    for (const auto& [key, value] : table) placed.emplace_back(offset_of(value), TomlEntry{&key, &value});
    std::stable_sort(placed.begin(), placed.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    std::vector<TomlEntry> entries;
    entries.reserve(placed.size());
    for (const auto& [offset, entry] : placed) entries.push_back(entry);
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
