#include "launcher/site/site_table.hpp"

#include <algorithm>
#include <array>
#include "common/ascii.hpp"
#include "launcher/edf/suggest.hpp"

namespace skiff::site {
namespace {

constexpr std::array<std::string_view, 4> on_words = {"true", "1", "yes", "on"};
constexpr std::array<std::string_view, 4> off_words = {"false", "0", "no", "off"};

std::string known_list(std::span<const std::string_view> known) {
    std::string out;
    for (auto k : known) out += (out.empty() ? "" : " ") + std::string(k);
    return out;
}

}  // namespace

Result<bool> parse_switch_word(std::string_view word) {
    std::string w = ascii_lower(std::string(word));
    if (std::find(on_words.begin(), on_words.end(), w) != on_words.end()) return true;
    if (std::find(off_words.begin(), off_words.end(), w) != off_words.end()) return false;
    return fail("not a switch word");
}

Result<SiteTable> SiteTable::open(const SiteConfig* config, const std::string& key,
                                  std::span<const std::string_view> known) {
    SiteTable table;
    table.name_ = key;
    if (config == nullptr) return table;
    table.path_ = config->path;
    auto found = find_table(*config, key);
    if (!found) return Unexpected(found.error());
    table.table_ = *found;
    if (table.table_ == nullptr) return table;
    for (const auto& [name, value] : table.table_->as_table()) {
        if (std::find(known.begin(), known.end(), name) != known.end()) continue;
        return fail(table.where(name) + " is not a setting" + edf::did_you_mean(name, known) +
                    "; valid: " + known_list(known));
    }
    return table;
}

const edf::TomlValue* SiteTable::find(const std::string& key) const {
    if (table_ == nullptr || !table_->as_table().contains(key)) return nullptr;
    return &table_->as_table().at(key);
}

std::string SiteTable::where(const std::string& key) const {
    const edf::TomlValue* value = find(key);
    std::string line = value ? ":" + std::to_string(value->location().line()) : "";
    return path_ + line + ": " + name_ + "." + key;
}

Result<bool> SiteTable::switch_value(const std::string& key, bool fallback) const {
    const edf::TomlValue* value = find(key);
    if (value == nullptr) return fallback;
    if (value->is_boolean()) return value->as_boolean();
    if (value->is_integer() && (value->as_integer() == 0 || value->as_integer() == 1)) return value->as_integer() == 1;
    if (value->is_string())
        if (auto word = parse_switch_word(value->as_string().str)) return *word;
    std::string text = value->is_string() ? value->as_string().str : toml::format(*value);
    return fail(where(key) + " must be true or false, not '" + text + "'");
}

Result<std::string> SiteTable::string_value(const std::string& key, const std::string& fallback) const {
    const edf::TomlValue* value = find(key);
    if (value == nullptr) return fallback;
    if (!value->is_string()) return fail(where(key) + " must be a string");
    return value->as_string().str;
}

Result<int> SiteTable::seconds(const std::string& key, int fallback) const {
    const edf::TomlValue* value = find(key);
    if (value == nullptr) return fallback;
    if (!value->is_integer() || value->as_integer() < 1 || value->as_integer() > 86400)
        return fail(where(key) + " must be a whole number of seconds from 1 to 86400");
    return static_cast<int>(value->as_integer());
}

Result<std::optional<int>> SiteTable::integer(const std::string& key, int min, int max) const {
    const edf::TomlValue* value = find(key);
    if (value == nullptr) return std::optional<int>{};
    if (!value->is_integer() || value->as_integer() < min || value->as_integer() > max)
        return wrong(key, "a whole number from " + std::to_string(min) + " to " + std::to_string(max));
    return std::optional<int>(static_cast<int>(value->as_integer()));
}

Unexpected<Error> SiteTable::wrong(const std::string& key, const std::string& what) const {
    return fail(where(key) + " must be " + what);
}

Result<std::optional<std::string>> SiteTable::text(const std::string& key) const {
    const auto* v = find(key);
    if (!v) return std::optional<std::string>{};
    if (v->is_string()) return std::optional<std::string>(v->as_string().str);
    if (v->is_boolean()) return std::optional<std::string>(v->as_boolean() ? "true" : "false");
    return wrong(key, "a string");
}

Result<std::vector<std::string>> SiteTable::strings(const std::string& key) const {
    std::vector<std::string> out;
    const auto* v = find(key);
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
    const auto* v = find(key);
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
    const auto* v = find(key);
    if (!v) return std::optional<SiteTable>{};
    if (!v->is_table()) return wrong(key, "a table");
    SiteTable sub = *this;
    sub.name_ = name_ + "." + key;
    sub.table_ = v;
    return std::optional<SiteTable>(std::move(sub));
}

std::vector<std::string> SiteTable::keys() const {
    std::vector<std::string> out;
    if (table_ == nullptr) return out;
    for (const auto& [key, item] : table_->as_table()) out.push_back(key);
    return out;
}

}  // namespace skiff::site
