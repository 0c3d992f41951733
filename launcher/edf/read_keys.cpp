// The top-level keys of an EDF (edf.md §1), read through a descriptor table.
#include <array>

#include "launcher/edf/reader.hpp"
#include "launcher/edf/suggest.hpp"

namespace skiff::edf {
namespace {

std::string must_be(std::string_view key, std::string_view expected, const TomlValue& value) {
    return "'" + std::string(key) + "' must be " + std::string(expected) + ", not " + describe(value);
}

std::optional<Text> string_key(const TomlValue& value, std::string_view key, const ReadContext& ctx) {
    if (value.is_string()) return Text{value.as_string().str, ctx.at(value), std::string(key)};
    std::string hint = value.is_array() || value.is_table() ? "; write a single string" : "; put the value in quotes";
    ctx.error(value, must_be(key, "a string", value) + hint);
    return std::nullopt;
}

std::optional<Sourced<bool>> bool_key(const TomlValue& value, std::string_view key, const ReadContext& ctx) {
    if (value.is_boolean()) return Sourced<bool>{value.as_boolean(), ctx.at(value)};
    bool quoted = value.is_string() && (value.as_string().str == "true" || value.as_string().str == "false");
    ctx.error(value, must_be(key, "true or false", value) + (quoted ? "; remove the quotes" : "; write true or false"));
    return std::nullopt;
}

// Elements of an array of strings, each with its own line and "key[i]" field.
std::vector<Text> string_array(const TomlValue& value, std::string_view key, const ReadContext& ctx) {
    std::vector<Text> out;
    const auto& array = value.as_array();
    for (std::size_t i = 0; i < array.size(); ++i) {
        std::string field = std::string(key) + "[" + std::to_string(i) + "]";
        if (array[i].is_string()) out.push_back(Text{array[i].as_string().str, ctx.at(array[i]), field});
        else ctx.error(array[i], must_be(field, "a string", array[i]));
    }
    return out;
}

void read_image(const TomlValue& v, ReadContext& ctx) {
    ctx.data.image = string_key(v, "image", ctx);
    ctx.data.image_known = ctx.data.image.has_value();
}
void read_workdir(const TomlValue& v, ReadContext& ctx) { ctx.data.workdir = string_key(v, "workdir", ctx); }
void read_entrypoint(const TomlValue& v, ReadContext& ctx) { ctx.data.entrypoint = bool_key(v, "entrypoint", ctx); }
void read_writable(const TomlValue& v, ReadContext& ctx) { ctx.data.writable = bool_key(v, "writable", ctx); }

// An array of strings; a single string is an error that shows the fix.
std::vector<Text> string_list_key(const TomlValue& value, std::string_view key, const ReadContext& ctx) {
    if (value.is_array()) return string_array(value, key, ctx);
    std::string hint = value.is_string() ? "; write " + std::string(key) + " = [\"" + value.as_string().str + "\"]" : "";
    ctx.error(value, must_be(key, "an array of strings", value) + hint);
    return {};
}

void read_mounts(const TomlValue& v, ReadContext& ctx) { ctx.data.mounts = string_list_key(v, "mounts", ctx); }
void read_devices(const TomlValue& v, ReadContext& ctx) { ctx.data.devices = string_list_key(v, "devices", ctx); }

// A string or an array of strings; "" and [] mean none (§1).
void read_bases(const TomlValue& value, ReadContext& ctx) {
    std::vector<Text> entries;
    if (value.is_string()) entries.push_back(Text{value.as_string().str, ctx.at(value), "base_environment"});
    else if (value.is_array()) entries = string_array(value, "base_environment", ctx);
    else ctx.error(value, must_be("base_environment", "a string or an array of strings", value));
    for (Text& entry : entries)
        if (!entry.value.empty()) ctx.data.bases.push_back(std::move(entry));
}

using KeyReader = void (*)(const TomlValue&, ReadContext&);

struct KeyRule {
    std::string_view name;
    KeyReader read;
};

constexpr std::array<KeyRule, 9> kKeys{{
    {"base_environment", read_bases},
    {"image", read_image},
    {"workdir", read_workdir},
    {"entrypoint", read_entrypoint},
    {"writable", read_writable},
    {"mounts", read_mounts},
    {"devices", read_devices},
    {"env", read_env},
    {"annotations", read_annotations},
}};

const KeyRule* find_rule(std::string_view name) {
    for (const KeyRule& rule : kKeys)
        if (rule.name == name) return &rule;
    return nullptr;
}

std::vector<std::string_view> key_names() {
    std::vector<std::string_view> names;
    for (const KeyRule& rule : kKeys) names.push_back(rule.name);
    return names;
}

}  // namespace

void read_top_level(const TomlValue& root, ReadContext& ctx) {
    for (const auto& [key, value] : in_file_order(root.as_table())) {
        if (const KeyRule* rule = find_rule(*key)) {
            rule->read(*value, ctx);
            continue;
        }
        ctx.warn(*value, "unknown key '" + *key + "' ignored" + did_you_mean(*key, key_names()));
    }
}

}  // namespace skiff::edf
