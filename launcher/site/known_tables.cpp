#include "launcher/site/known_tables.hpp"

#include <algorithm>
#include <string>

#include "launcher/edf/suggest.hpp"

namespace skiff::site {
namespace {

bool is_known_table(std::string_view dotted, std::span<const std::string_view> known) {
    return std::find(known.begin(), known.end(), dotted) != known.end();
}

// "hooks" for "hooks.standard": a table that only holds known tables.
bool is_parent_table(const std::string& dotted, std::span<const std::string_view> known) {
    return std::any_of(known.begin(), known.end(),
                       [&](std::string_view table) { return table.starts_with(dotted + "."); });
}

std::string table_list(std::span<const std::string_view> known) {
    std::string out;
    for (auto table : known) out += (out.empty() ? "[" : ", [") + std::string(table) + "]";
    return out;
}

Unexpected<Error> unknown_entry(const SiteConfig& config, const edf::TomlValue& value, const std::string& dotted,
                          std::span<const std::string_view> known) {
    std::string where = config.path + ":" + std::to_string(value.location().line()) + ": ";
    std::string what = value.is_table() ? "unknown table [" + dotted + "]" : "unknown key '" + dotted + "'";
    return fail(where + what + edf::did_you_mean(dotted, known) + "; the site configuration holds only " +
                table_list(known));
}

Result<void> check_tables_in(const SiteConfig& config, const edf::TomlValue& table, const std::string& prefix,
                         std::span<const std::string_view> known) {
    for (const auto& [name, value] : table.as_table()) {
        std::string dotted = prefix.empty() ? name : prefix + "." + name;
        if (is_known_table(dotted, known)) continue;  // its reader checks it is a table, and its keys
        if (!value.is_table() || !is_parent_table(dotted, known)) return unknown_entry(config, value, dotted, known);
        if (auto r = check_tables_in(config, value, dotted, known); !r) return r;
    }
    return {};
}

}  // namespace

Result<void> check_known_tables(const SiteConfig& config, std::span<const std::string_view> known) {
    if (!config.root.is_table()) return {};
    return check_tables_in(config, config.root, "", known);
}

}  // namespace skiff::site
