// The [env] and [annotations] tables (edf.md §8, §9).
#include <algorithm>

#include "launcher/edf/annotations.hpp"
#include "launcher/edf/expand.hpp"
#include "launcher/edf/reader.hpp"

namespace skiff::edf {
namespace {

bool check_table(const TomlValue& value, std::string_view key, const ReadContext& ctx) {
    if (value.is_table()) return true;
    ctx.error(value, "'" + std::string(key) + "' must be a table, not " + describe(value));
    return false;
}

// Names must not be empty or contain '='; a non-identifier works but misses shells (§8).
bool check_env_name(const std::string& name, const TomlValue& value, const ReadContext& ctx) {
    if (name.empty()) {
        ctx.error(value, "env: a variable name must not be empty");
        return false;
    }
    if (name.find('=') != std::string::npos) {
        ctx.error(value, "env." + name + ": a variable name must not contain '='");
        return false;
    }
    if (!is_identifier(name))
        ctx.warn(value, "env." + name + ": '" + name + "' is not a shell identifier; it will not reach shells or SSH sessions");
    return true;
}

struct Leaf {
    std::string key;
    const TomlValue* value;
    std::size_t offset;  // in the file, for sorting
};

// Nested tables joined with '.' (§9), so all spellings of a key meet.
void collect_leaves(const TomlTable& table, const std::string& prefix, std::vector<Leaf>& out) {
    for (const auto& [key, value] : table) {
        std::string full = prefix.empty() ? key : prefix + "." + key;
        if (value.is_table()) collect_leaves(value.as_table(), full, out);
        else out.push_back(Leaf{full, &value, offset_of(value)});
    }
}

void add_annotation(const Leaf& leaf, ReadContext& ctx) {
    const TomlValue& value = *leaf.value;
    if (std::string problem = annotation_key_problem(leaf.key); !problem.empty()) {
        ctx.error(value, problem);
        return;
    }
    std::string field = "annotations." + leaf.key;
    auto text = string_like(value, field, ctx);
    if (!text) return;
    auto [it, inserted] = ctx.data.annotations.try_emplace(leaf.key, Text{*text, ctx.at(value), field});
    if (!inserted)
        ctx.error(value, "annotation '" + leaf.key + "' is also defined at line " + std::to_string(it->second.origin.line));
}

}  // namespace

void read_env(const TomlValue& value, ReadContext& ctx) {
    if (!check_table(value, "env", ctx)) return;
    for (const auto& [name, entry] : in_file_order(value.as_table())) {
        if (!check_env_name(*name, *entry, ctx)) continue;
        auto text = string_like(*entry, "env." + *name, ctx);
        if (text) ctx.data.env[*name] = Text{*text, ctx.at(*entry), "env." + *name};
    }
}

void read_annotations(const TomlValue& value, ReadContext& ctx) {
    if (!check_table(value, "annotations", ctx)) return;
    std::vector<Leaf> leaves;
    collect_leaves(value.as_table(), "", leaves);
    std::stable_sort(leaves.begin(), leaves.end(), [](const Leaf& a, const Leaf& b) { return a.offset < b.offset; });
    for (const Leaf& leaf : leaves) add_annotation(leaf, ctx);
}

}  // namespace skiff::edf
