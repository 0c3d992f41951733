#include "hooks/site_table.hpp"

#include <algorithm>

namespace skiff::hooks {

Result<std::optional<SiteTable>> SiteTable::find(const site::SiteConfig& config, const std::string& name) {
    auto table = site::find_table(config, name);
    if (!table) return Unexpected(table.error());
    if (!*table) return std::optional<SiteTable>{};
    return std::optional<SiteTable>(SiteTable(&config, *table, name));
}

const edf::TomlValue* SiteTable::value(const std::string& key) const {
    const auto& table = table_->as_table();
    auto it = table.find(key);
    return it == table.end() ? nullptr : &it->second;
}

std::string SiteTable::where(const std::string& key) const {
    std::string at = config_->path;
    if (const auto* v = value(key)) at += ":" + std::to_string(v->location().line());
    return at + ": " + name_ + "." + key;
}

Unexpected<Error> SiteTable::wrong(const std::string& key, const std::string& what) const {
    return fail(where(key) + " must be " + what);
}

bool SiteTable::has(const std::string& key) const { return value(key) != nullptr; }

Result<std::optional<std::string>> SiteTable::text(const std::string& key) const {
    const auto* v = value(key);
    if (!v) return std::optional<std::string>{};
    if (v->is_string()) return std::optional<std::string>(v->as_string().str);
    if (v->is_boolean()) return std::optional<std::string>(v->as_boolean() ? "true" : "false");
    return wrong(key, "a string");
}

Result<std::vector<std::string>> SiteTable::strings(const std::string& key) const {
    std::vector<std::string> out;
    const auto* v = value(key);
    if (!v) return out;
    if (v->is_string()) return std::vector<std::string>{v->as_string().str};
    if (!v->is_array()) return wrong(key, "an array of strings");
    for (const auto& item : v->as_array()) {
        if (!item.is_string()) return wrong(key, "an array of strings");
        out.push_back(item.as_string().str);
    }
    return out;
}

Result<std::optional<std::vector<std::pair<std::string, std::string>>>> SiteTable::string_table(const std::string& key) const {
    using Pairs = std::vector<std::pair<std::string, std::string>>;
    const auto* v = value(key);
    if (!v) return std::optional<Pairs>{};
    if (!v->is_table()) return wrong(key, "a table of strings (NAME = \"VALUE\")");
    Pairs out;
    for (const auto& [name, item] : v->as_table()) {
        if (!item.is_string()) return wrong(key + "." + name, "a string");
        out.emplace_back(name, item.as_string().str);
    }
    return std::optional<Pairs>(std::move(out));
}

Result<std::optional<SiteTable>> SiteTable::table(const std::string& key) const {
    const auto* v = value(key);
    if (!v) return std::optional<SiteTable>{};
    if (!v->is_table()) return wrong(key, "a table");
    return std::optional<SiteTable>(SiteTable(config_, v, name_ + "." + key));
}

std::vector<std::string> SiteTable::keys() const {
    std::vector<std::string> out;
    for (const auto& [key, item] : table_->as_table()) out.push_back(key);
    return out;
}

void SiteTable::warn_unknown(const std::vector<std::string>& known, Diagnostics& diag) const {
    for (const auto& key : keys())
        if (std::find(known.begin(), known.end(), key) == known.end())
            diag.warn(where(key) + " is not a setting skiff knows; it is ignored");
}

}  // namespace skiff::hooks
