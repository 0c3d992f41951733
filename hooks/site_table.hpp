// Reading one hook's table of the site configuration ([hooks.cxi], ...). Errors name the file,
// the line and the dotted key, and say what the value must be:
//   "/etc/skiff/skiff.toml:4: hooks.cxi.libraries must be an array of strings".
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/diagnostics.hpp"
#include "common/error.hpp"
#include "launcher/site/site_config.hpp"

namespace skiff::hooks {

class SiteTable {
public:
    // nullopt when the site configuration has no such table.
    static Result<std::optional<SiteTable>> find(const site::SiteConfig& config, const std::string& name);

    const std::string& name() const { return name_; }
    const site::SiteConfig& config() const { return *config_; }
    // "/etc/skiff/skiff.toml:4: hooks.cxi.default", or without a line if the key is absent.
    std::string where(const std::string& key) const;

    bool has(const std::string& key) const;
    // A string, or a boolean given as its text ("true"); nullopt when absent.
    Result<std::optional<std::string>> text(const std::string& key) const;
    // An array of strings, or a single string; empty when absent.
    Result<std::vector<std::string>> strings(const std::string& key) const;
    // A table of strings (KEY = "VALUE"), in key order; nullopt when absent.
    Result<std::optional<std::vector<std::pair<std::string, std::string>>>> string_table(const std::string& key) const;
    // A sub-table; nullopt when absent.
    Result<std::optional<SiteTable>> table(const std::string& key) const;
    // The keys of this table, sorted.
    std::vector<std::string> keys() const;
    // One warning per key not in `known` (a typo in the site configuration).
    void warn_unknown(const std::vector<std::string>& known, Diagnostics& diag) const;

private:
    SiteTable(const site::SiteConfig* config, const edf::TomlValue* table, std::string name)
        : config_(config), table_(table), name_(std::move(name)) {}
    const edf::TomlValue* value(const std::string& key) const;
    Unexpected<Error> wrong(const std::string& key, const std::string& what) const;

    const site::SiteConfig* config_;
    const edf::TomlValue* table_;
    std::string name_;
};

}  // namespace skiff::hooks
