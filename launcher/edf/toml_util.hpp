// toml11 helpers for the EDF reader: locations, value descriptions for messages, and the
// shared context of one file being read. Internal to launcher/edf.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
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

// Where a value's text starts in its file. toml11 3.7's value.location() counts the newlines
// from the file's start on every call (region::line_num), so asking it for each key of a
// table of N keys costs O(N x file size): 10k [env] keys took 9.6 s. Instead the offset is
// read from the value's region, and lines come from one index built per file.
class LineIndex {
public:
    explicit LineIndex(std::string_view text);
    int line(std::size_t offset) const;  // 1-based

private:
    std::vector<std::size_t> newlines_;  // offsets of '\n', ascending
};

inline constexpr std::size_t no_offset = static_cast<std::size_t>(-1);

// The value's byte offset in the parsed text, or no_offset for a value not read from a file.
std::size_t offset_of(const TomlValue& value);

struct ReadContext {
    FileData& data;
    Diagnostics& diag;
    const LineIndex& lines;

    Origin at(const TomlValue& value) const;
    void error(const TomlValue& value, const std::string& what) const;
    void warn(const TomlValue& value, const std::string& what) const;
};

// A table's entries sorted by position in the file, so messages come in file order.
// Positions are computed once per entry, O(N log N) for N entries.
std::vector<TomlEntry> in_file_order(const TomlTable& table);

// For messages: `the string "false"`, `the integer 3`, `an array`, `a table`, ...
std::string describe(const TomlValue& value);

// A value of [env] or [annotations] (§8): strings as they are; booleans and integers as
// their TOML text with a warning; anything else an error. `field` is e.g. "env.PATH".
std::optional<std::string> string_like(const TomlValue& value, const std::string& field, const ReadContext& ctx);

}  // namespace skiff::edf
