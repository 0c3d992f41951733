// Reading one JSON object of a CDI spec field by field. Every error is one line,
// "<file>: <where>.<field>: <what>", and names the version a too-new field needs.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/error.hpp"
#include "hooks/cdi/cdi_version.hpp"

namespace skiff::cdi {

using Json = nlohmann::json;

struct Field {
    std::string_view name;
    Version since = 0;  // the first cdiVersion that has it
};

struct ReadContext {
    std::string file;
    Version version = 0;  // the spec's cdiVersion
};

// "where.field", or "field" at the top.
std::string join_path(const std::string& where, std::string_view field);

Unexpected<Error> spec_error(const ReadContext& ctx, const std::string& where, const std::string& what);

// `value` is an object whose keys are all in `fields`, none newer than the spec's version.
Result<void> check_object(const ReadContext& ctx, const Json& value, const std::string& where,
                          std::span<const Field> fields);

// Each getter reads object[key] where `where` names the object; a missing key gives nullopt
// (or an empty list/map), a key of the wrong type an error.
Result<std::optional<std::string>> get_string(const ReadContext& ctx, const Json& object, const std::string& where,
                                              std::string_view key);
Result<std::string> required_string(const ReadContext& ctx, const Json& object, const std::string& where,
                                    std::string_view key);
Result<std::vector<std::string>> get_strings(const ReadContext& ctx, const Json& object, const std::string& where,
                                             std::string_view key);
Result<std::optional<std::int64_t>> get_integer(const ReadContext& ctx, const Json& object, const std::string& where,
                                                std::string_view key, std::int64_t low, std::int64_t high);
Result<std::optional<bool>> get_bool(const ReadContext& ctx, const Json& object, const std::string& where,
                                     std::string_view key);
Result<std::map<std::string, std::string>> get_string_map(const ReadContext& ctx, const Json& object,
                                                          const std::string& where, std::string_view key);
// The list at object[key] (empty when missing); an error when it is not a list.
Result<std::vector<const Json*>> get_list(const ReadContext& ctx, const Json& object, const std::string& where,
                                          std::string_view key);

}  // namespace skiff::cdi
