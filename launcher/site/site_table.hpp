// Typed reads of one site-configuration table ([hooks.NAME]): every value is checked against
// the keys the table knows, and errors name FILE:LINE and the dotted key, e.g.
// "/etc/skiff/skiff.toml:7: hooks.standard.home must be true or false, not 'ture'".
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/error.hpp"
#include "launcher/site/site_config.hpp"

namespace skiff::site {

class SiteTable {
public:
    // The table at dotted `key`; absent (every read gives its fallback) if the file has none.
    // An error if it is not a table or holds a key outside `known`.
    static Result<SiteTable> open(const SiteConfig* config, const std::string& key,
                                  std::span<const std::string_view> known);
    bool present() const { return table_ != nullptr; }

    // hooks.md §0: true/false, or the strings true/false, 1/0, yes/no, on/off (any case).
    Result<bool> switch_value(const std::string& key, bool fallback) const;
    Result<std::string> string_value(const std::string& key, const std::string& fallback) const;
    // A whole number of seconds, at least 1.
    Result<int> seconds(const std::string& key, int fallback) const;
    // A whole number from `min` to `max`; nullopt when absent.
    Result<std::optional<int>> integer(const std::string& key, int min, int max) const;
    // A string, or a boolean given as its text ("true"); nullopt when absent.
    Result<std::optional<std::string>> text(const std::string& key) const;
    // An array of strings, or a single string; empty when absent.
    Result<std::vector<std::string>> strings(const std::string& key) const;
    // A table of strings (KEY = "VALUE"), in key order; nullopt when absent.
    Result<std::optional<std::vector<std::pair<std::string, std::string>>>> string_table(const std::string& key) const;
    // A sub-table whose keys are names the site chooses (no check of its keys); nullopt when absent.
    Result<std::optional<SiteTable>> table(const std::string& key) const;
    // The keys of this table, sorted.
    std::vector<std::string> keys() const;

    // For messages: "FILE:LINE: TABLE.KEY" (FILE: when the key is absent).
    std::string where(const std::string& key) const;

private:
    const edf::TomlValue* find(const std::string& key) const;
    Unexpected<Error> wrong(const std::string& key, const std::string& what) const;

    std::string path_;
    std::string name_;
    const edf::TomlValue* table_ = nullptr;
};

// A switch word of hooks.md §0 (any case): true for true/1/yes/on, false for false/0/no/off,
// an error for anything else.
Result<bool> parse_switch_word(std::string_view word);

}  // namespace skiff::site
