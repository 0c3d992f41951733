#include "hooks/cdi/json_fields.hpp"

#include "hooks/cdi/one_line.hpp"

namespace skiff::cdi {
namespace {

const Json* member(const Json& object, std::string_view key) {
    auto it = object.find(key);
    if (it == object.end() || it->is_null()) return nullptr;
    return &*it;
}

std::string valid_names(std::span<const Field> fields, Version version) {
    std::string names;
    for (const Field& f : fields)
        if (f.since <= version) names += (names.empty() ? "" : ", ") + std::string(f.name);
    return names;
}

}  // namespace

std::string join_path(const std::string& where, std::string_view field) {
    return where.empty() ? std::string(field) : where + "." + std::string(field);
}

Unexpected<Error> spec_error(const ReadContext& ctx, const std::string& where, const std::string& what) {
    return fail(one_line(ctx.file + ": " + (where.empty() ? "" : where + ": ") + what));
}

Result<void> check_object(const ReadContext& ctx, const Json& value, const std::string& where,
                          std::span<const Field> fields) {
    if (!value.is_object()) return spec_error(ctx, where, "must be a mapping, not " + std::string(value.type_name()));
    for (const auto& [key, unused] : value.items()) {
        const Field* known = nullptr;
        for (const Field& f : fields)
            if (f.name == key) known = &f;
        if (!known)
            return spec_error(ctx, join_path(where, key),
                              "unknown field; valid here: " + valid_names(fields, ctx.version));
        if (known->since > ctx.version)
            return spec_error(ctx, join_path(where, key),
                              "needs cdiVersion " + std::string(version_name(known->since)) +
                                  " or later; the spec declares " + std::string(version_name(ctx.version)));
    }
    return {};
}

Result<std::optional<std::string>> get_string(const ReadContext& ctx, const Json& object, const std::string& where,
                                              std::string_view key) {
    const Json* v = member(object, key);
    if (!v) return std::optional<std::string>{};
    if (!v->is_string())
        return spec_error(ctx, join_path(where, key), "must be a string, not " + std::string(v->type_name()));
    return std::optional<std::string>(v->get<std::string>());
}

Result<std::string> required_string(const ReadContext& ctx, const Json& object, const std::string& where,
                                    std::string_view key) {
    auto v = get_string(ctx, object, where, key);
    if (!v) return Unexpected(v.error());
    if (!*v || (*v)->empty()) return spec_error(ctx, join_path(where, key), "is required");
    return std::move(**v);
}

Result<std::vector<std::string>> get_strings(const ReadContext& ctx, const Json& object, const std::string& where,
                                             std::string_view key) {
    auto list = get_list(ctx, object, where, key);
    if (!list) return Unexpected(list.error());
    std::vector<std::string> out;
    for (std::size_t i = 0; i < list->size(); ++i) {
        const Json& v = *(*list)[i];
        if (!v.is_string())
            return spec_error(ctx, join_path(where, key) + "[" + std::to_string(i) + "]",
                              "must be a string, not " + std::string(v.type_name()));
        out.push_back(v.get<std::string>());
    }
    return out;
}

Result<std::optional<std::int64_t>> get_integer(const ReadContext& ctx, const Json& object, const std::string& where,
                                                std::string_view key, std::int64_t low, std::int64_t high) {
    const Json* v = member(object, key);
    if (!v) return std::optional<std::int64_t>{};
    std::string at = join_path(where, key);
    if (!v->is_number_integer()) return spec_error(ctx, at, "must be an integer, not " + std::string(v->type_name()));
    if (v->is_number_unsigned() && v->get<std::uint64_t>() > static_cast<std::uint64_t>(high))
        return spec_error(ctx, at, "is out of range");
    auto n = v->get<std::int64_t>();
    if (n < low || n > high)
        return spec_error(ctx, at, std::to_string(n) + " is out of range " + std::to_string(low) + ".." + std::to_string(high));
    return std::optional<std::int64_t>(n);
}

Result<std::optional<bool>> get_bool(const ReadContext& ctx, const Json& object, const std::string& where,
                                     std::string_view key) {
    const Json* v = member(object, key);
    if (!v) return std::optional<bool>{};
    if (!v->is_boolean())
        return spec_error(ctx, join_path(where, key), "must be true or false, not " + std::string(v->type_name()));
    return std::optional<bool>(v->get<bool>());
}

Result<std::map<std::string, std::string>> get_string_map(const ReadContext& ctx, const Json& object,
                                                          const std::string& where, std::string_view key) {
    const Json* v = member(object, key);
    std::map<std::string, std::string> out;
    if (!v) return out;
    std::string at = join_path(where, key);
    if (!v->is_object()) return spec_error(ctx, at, "must be a mapping, not " + std::string(v->type_name()));
    for (const auto& [k, value] : v->items()) {
        if (!value.is_string()) return spec_error(ctx, join_path(at, k), "must be a string");
        out.emplace(k, value.get<std::string>());
    }
    return out;
}

Result<std::vector<const Json*>> get_list(const ReadContext& ctx, const Json& object, const std::string& where,
                                          std::string_view key) {
    const Json* v = member(object, key);
    std::vector<const Json*> out;
    if (!v) return out;
    if (!v->is_array())
        return spec_error(ctx, join_path(where, key), "must be a list, not " + std::string(v->type_name()));
    for (const Json& item : *v) out.push_back(&item);
    return out;
}

}  // namespace skiff::cdi
