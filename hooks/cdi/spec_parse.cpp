#include "hooks/cdi/spec_parse.hpp"

#include <array>
#include <set>

#include "hooks/cdi/cdi_names.hpp"
#include "hooks/cdi/one_line.hpp"
#include "hooks/cdi/spec_edits.hpp"
#include "hooks/cdi/yaml_to_json.hpp"

namespace skiff::cdi {
namespace {

const std::array<Field, 5> spec_fields{{{"cdiVersion"}, {"kind"}, {"annotations", v060()}, {"devices"},
                                        {"containerEdits"}}};
const std::array<Field, 3> device_fields{{{"name"}, {"annotations", v060()}, {"containerEdits"}}};

std::string supported_range() {
    return "skiff reads cdiVersion " + std::string(oldest_version) + " to " + std::string(newest_version);
}

Result<Version> read_version(const ReadContext& ctx, const Json& tree) {
    auto text = get_string(ctx, tree, "", "cdiVersion");
    if (!text) return Unexpected(text.error());
    if (!*text) return spec_error(ctx, "cdiVersion", "is required; " + supported_range());
    auto v = parse_version(**text);
    if (!v) return spec_error(ctx, "cdiVersion", "'" + **text + "' is not supported; " + supported_range());
    return *v;
}

// A feature the version gate checks beyond the fields themselves.
Result<void> needs(const ReadContext& ctx, const std::string& where, Version since, const std::string& what) {
    if (ctx.version >= since) return {};
    return spec_error(ctx, where, what + " needs cdiVersion " + std::string(version_name(since)) +
                                      " or later; the spec declares " + std::string(version_name(ctx.version)));
}

Result<std::string> read_kind(const ReadContext& ctx, const Json& tree) {
    auto kind = required_string(ctx, tree, "", "kind");
    if (!kind) return Unexpected(kind.error());
    if (auto why = cdi_kind_problem(*kind); !why.empty()) return spec_error(ctx, "kind", why);
    if (kind->substr(kind->find('/') + 1).find('.') != std::string::npos)
        if (auto r = needs(ctx, "kind", v060(), "a '.' in the class of '" + *kind + "'"); !r) return Unexpected(r.error());
    return kind;
}

Result<std::string> read_device_name(const ReadContext& ctx, const Json& o, const std::string& at) {
    auto name = required_string(ctx, o, at, "name");
    if (!name) return Unexpected(name.error());
    if (auto why = cdi_name_problem(*name); !why.empty()) return spec_error(ctx, join_path(at, "name"), why);
    if (name->front() >= '0' && name->front() <= '9')
        if (auto r = needs(ctx, join_path(at, "name"), v050(), "a name starting with a digit ('" + *name + "')"); !r)
            return Unexpected(r.error());
    return name;
}

Result<Device> read_device(const ReadContext& ctx, const Json& o, std::size_t index) {
    std::string at = "devices[" + std::to_string(index) + "]";
    if (auto r = check_object(ctx, o, at, device_fields); !r) return Unexpected(r.error());
    Device d;
    auto name = read_device_name(ctx, o, at);
    if (!name) return Unexpected(name.error());
    d.name = *name;
    at = "device '" + d.name + "'";
    auto annotations = get_string_map(ctx, o, at, "annotations");
    if (!annotations) return Unexpected(annotations.error());
    d.annotations = std::move(*annotations);
    auto edits = o.find("containerEdits");
    if (edits == o.end() || edits->is_null()) return spec_error(ctx, at, "has no containerEdits");
    auto read = read_edits(ctx, *edits, join_path(at, "containerEdits"));
    if (!read) return Unexpected(read.error());
    if (read->empty()) return spec_error(ctx, join_path(at, "containerEdits"), "is empty");
    d.edits = std::move(*read);
    return d;
}

Result<void> read_devices(const ReadContext& ctx, const Json& tree, Spec& spec) {
    auto list = get_list(ctx, tree, "", "devices");
    if (!list) return Unexpected(list.error());
    if (list->empty()) return spec_error(ctx, "devices", "the spec has no devices");
    std::set<std::string> seen;
    for (std::size_t i = 0; i < list->size(); ++i) {
        auto d = read_device(ctx, *(*list)[i], i);
        if (!d) return Unexpected(d.error());
        if (!seen.insert(d->name).second) return spec_error(ctx, "device '" + d->name + "'", "is defined twice");
        spec.devices.push_back(std::move(*d));
    }
    return {};
}

// nlohmann's parser keeps its own stack, but the tree it builds must stay shallow for the
// recursive code that reads it; the callback sees each value's depth.
Result<Json> json_tree(std::string_view text, const std::string& file) {
    bool too_deep = false;
    auto bounded = [&](int depth, Json::parse_event_t, Json&) {
        if (depth > static_cast<int>(default_max_depth)) too_deep = true;
        return !too_deep;
    };
    Json tree = Json::parse(text, bounded, false);
    if (too_deep) return fail(file + ": nested deeper than " + std::to_string(default_max_depth) + " levels");
    if (tree.is_discarded()) return fail(file + ": not valid JSON");
    return tree;
}

}  // namespace

Result<Json> spec_tree(std::string_view text, SpecFormat format, const std::string& file) {
    if (text.size() > max_spec_bytes)
        return fail(file + ": " + std::to_string(text.size()) + " bytes, more than the " +
                    std::to_string(max_spec_bytes) + " a CDI spec may have");
    if (format == SpecFormat::json) return json_tree(text, file);
    auto tree = yaml_to_json(text);
    if (!tree) return fail(one_line(file + ": " + tree.error().message));
    return tree;
}

Result<Spec> parse_spec(const Json& tree, const std::string& file) {
    ReadContext ctx{file, 0};
    if (!tree.is_object()) return spec_error(ctx, "", "a CDI spec must be a mapping, not " + std::string(tree.type_name()));
    auto version = read_version(ctx, tree);
    if (!version) return Unexpected(version.error());
    ctx.version = *version;
    if (auto r = check_object(ctx, tree, "", spec_fields); !r) return Unexpected(r.error());
    Spec spec;
    spec.file = file;
    spec.version = std::string(version_name(*version));
    auto kind = read_kind(ctx, tree);
    if (!kind) return Unexpected(kind.error());
    spec.kind = *kind;
    auto annotations = get_string_map(ctx, tree, "", "annotations");
    if (!annotations) return Unexpected(annotations.error());
    spec.annotations = std::move(*annotations);
    if (auto r = read_devices(ctx, tree, spec); !r) return Unexpected(r.error());
    if (auto edits = tree.find("containerEdits"); edits != tree.end() && !edits->is_null()) {
        auto read = read_edits(ctx, *edits, "containerEdits");
        if (!read) return Unexpected(read.error());
        spec.edits = std::move(*read);
    }
    return spec;
}

Result<Spec> parse_spec_text(std::string_view text, SpecFormat format, const std::string& file) {
    auto tree = spec_tree(text, format, file);
    if (!tree) return Unexpected(tree.error());
    return parse_spec(*tree, file);
}

}  // namespace skiff::cdi
