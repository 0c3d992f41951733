// toml11 helpers for the EDF reader: locations, value descriptions for messages, and the
// shared context of one file being read. Internal to launcher/edf.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <toml.hpp>

#include "common/diagnostics.hpp"
#include "launcher/edf/file_data.hpp"

namespace skiff::edf {

// Ordered tables, so that every iteration is deterministic.
using TomlValue = toml::basic_value<toml::discard_comments, std::map, std::vector>;
using TomlTable = TomlValue::table_type;
using TomlEntry = std::pair<const std::string*, const TomlValue*>;

struct ReadContext {
    FileData& data;
    Diagnostics& diag;

    Origin at(const TomlValue& value) const;
    void error(const TomlValue& value, const std::string& what) const;
    void warn(const TomlValue& value, const std::string& what) const;
};

int line_of(const TomlValue& value);

// A table's entries sorted by position in the file, so messages come in file order.
std::vector<TomlEntry> in_file_order(const TomlTable& table);

// For messages: `the string "false"`, `the integer 3`, `an array`, `a table`, ...
std::string describe(const TomlValue& value);

// A value of [env] or [annotations] (§8): strings as they are; booleans and integers as
// their TOML text with a warning; anything else an error. `field` is e.g. "env.PATH".
std::optional<std::string> string_like(const TomlValue& value, const std::string& field, const ReadContext& ctx);

}  // namespace skiff::edf
