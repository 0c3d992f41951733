#include "hooks/cdi/spec_edits.hpp"

#include <algorithm>
#include <array>
#include <limits>

namespace skiff::cdi {
namespace {

constexpr std::int64_t max_u32 = std::numeric_limits<std::uint32_t>::max();
constexpr std::int64_t max_i64 = std::numeric_limits<std::int64_t>::max();

const std::array<Field, 7> edit_fields{{{"env"}, {"deviceNodes"}, {"mounts"}, {"hooks"},
                                        {"additionalGids", v070()}, {"intelRdt", v070()},
                                        {"netDevices", v110()}}};
const std::array<Field, 9> node_fields{{{"path"}, {"hostPath", v050()}, {"type"}, {"major"}, {"minor"},
                                        {"fileMode"}, {"permissions"}, {"uid"}, {"gid"}}};
const std::array<Field, 4> mount_fields{{{"hostPath"}, {"containerPath"}, {"options"}, {"type", v040()}}};
const std::array<Field, 5> hook_fields{{{"hookName"}, {"path"}, {"args"}, {"env"}, {"timeout"}}};
const std::array<Field, 7> rdt_fields{{{"closID", v070()}, {"l3CacheSchema", v070()}, {"memBwSchema", v070()},
                                       {"enableCMT", v070()}, {"enableMBM", v070()}, {"schemata", v110()},
                                       {"enableMonitoring", v110()}}};
const std::array<Field, 2> net_fields{{{"hostInterfaceName"}, {"name"}}};
constexpr std::array<std::string_view, 6> hook_names = {"prestart",        "createRuntime", "createContainer",
                                                         "startContainer", "poststart",     "poststop"};

std::string list_item(const std::string& where, std::string_view list, std::size_t i) {
    return join_path(where, list) + "[" + std::to_string(i) + "]";
}

Result<std::string> absolute_path(const ReadContext& ctx, const Json& object, const std::string& where,
                                  std::string_view key) {
    auto v = required_string(ctx, object, where, key);
    if (v && !v->starts_with("/")) return spec_error(ctx, join_path(where, key), "'" + *v + "' must be an absolute path");
    return v;
}

// The integer object[key] into `out` when present, checked against low..high.
template <class T>
Result<void> integer_into(const ReadContext& ctx, const Json& o, const std::string& at, std::string_view key,
                          std::int64_t low, std::int64_t high, std::optional<T>& out) {
    auto v = get_integer(ctx, o, at, key, low, high);
    if (!v) return Unexpected(v.error());
    if (*v) out = static_cast<T>(**v);
    return {};
}

Result<void> check_node_values(const ReadContext& ctx, const DeviceNode& node, const std::string& at) {
    if (node.host_path && !node.host_path->starts_with("/"))
        return spec_error(ctx, join_path(at, "hostPath"), "'" + *node.host_path + "' must be an absolute path");
    if (!node.type.empty() && node.type != "b" && node.type != "c" && node.type != "u" && node.type != "p")
        return spec_error(ctx, join_path(at, "type"), "'" + node.type + "' must be one of b, c, u, p");
    if (node.permissions.find_first_not_of("rwm") != std::string::npos)
        return spec_error(ctx, join_path(at, "permissions"), "'" + node.permissions + "' may hold only r, w, m");
    return {};
}

Result<DeviceNode> read_node(const ReadContext& ctx, const Json& o, const std::string& at) {
    if (auto r = check_object(ctx, o, at, node_fields); !r) return Unexpected(r.error());
    DeviceNode node;
    auto path = absolute_path(ctx, o, at, "path");
    if (!path) return Unexpected(path.error());
    node.path = *path;
    auto host = get_string(ctx, o, at, "hostPath");
    auto type = get_string(ctx, o, at, "type");
    auto permissions = get_string(ctx, o, at, "permissions");
    for (auto* r : {&host, &type, &permissions})
        if (!*r) return Unexpected(r->error());
    node.host_path = *host;
    node.type = type->value_or("");
    node.permissions = permissions->value_or("");
    if (auto r = integer_into(ctx, o, at, "major", 0, max_i64, node.major); !r) return Unexpected(r.error());
    if (auto r = integer_into(ctx, o, at, "minor", 0, max_i64, node.minor); !r) return Unexpected(r.error());
    if (auto r = integer_into(ctx, o, at, "fileMode", 0, 07777, node.file_mode); !r) return Unexpected(r.error());
    if (auto r = integer_into(ctx, o, at, "uid", 0, max_u32, node.uid); !r) return Unexpected(r.error());
    if (auto r = integer_into(ctx, o, at, "gid", 0, max_u32, node.gid); !r) return Unexpected(r.error());
    if (auto r = check_node_values(ctx, node, at); !r) return Unexpected(r.error());
    return node;
}

Result<Mount> read_mount(const ReadContext& ctx, const Json& o, const std::string& at) {
    if (auto r = check_object(ctx, o, at, mount_fields); !r) return Unexpected(r.error());
    Mount m;
    auto host = required_string(ctx, o, at, "hostPath");
    if (!host) return Unexpected(host.error());
    auto container = absolute_path(ctx, o, at, "containerPath");
    if (!container) return Unexpected(container.error());
    auto options = get_strings(ctx, o, at, "options");
    if (!options) return Unexpected(options.error());
    auto type = get_string(ctx, o, at, "type");
    if (!type) return Unexpected(type.error());
    return Mount{*host, *container, *options, *type};
}

Result<Hook> read_hook(const ReadContext& ctx, const Json& o, const std::string& at) {
    if (auto r = check_object(ctx, o, at, hook_fields); !r) return Unexpected(r.error());
    Hook h;
    auto name = required_string(ctx, o, at, "hookName");
    if (!name) return Unexpected(name.error());
    if (std::find(hook_names.begin(), hook_names.end(), *name) == hook_names.end())
        return spec_error(ctx, join_path(at, "hookName"),
                          "'" + *name + "' is not one of prestart, createRuntime, createContainer, startContainer, "
                          "poststart, poststop");
    auto path = absolute_path(ctx, o, at, "path");
    if (!path) return Unexpected(path.error());
    auto args = get_strings(ctx, o, at, "args");
    auto env = get_strings(ctx, o, at, "env");
    for (auto* r : {&args, &env})
        if (!*r) return Unexpected(r->error());
    auto timeout = get_integer(ctx, o, at, "timeout", 1, std::numeric_limits<std::int32_t>::max());
    if (!timeout) return Unexpected(timeout.error());
    return Hook{*name, *path, *args, *env, *timeout};
}

Result<IntelRdt> read_rdt(const ReadContext& ctx, const Json& o, const std::string& at) {
    if (auto r = check_object(ctx, o, at, rdt_fields); !r) return Unexpected(r.error());
    IntelRdt rdt;
    auto clos = get_string(ctx, o, at, "closID");
    if (!clos) return Unexpected(clos.error());
    rdt.clos_id = clos->value_or("");
    for (const auto& [key, unused] : o.items()) rdt.fields.push_back(key);
    return rdt;
}

Result<NetDevice> read_net(const ReadContext& ctx, const Json& o, const std::string& at) {
    if (auto r = check_object(ctx, o, at, net_fields); !r) return Unexpected(r.error());
    auto host = required_string(ctx, o, at, "hostInterfaceName");
    if (!host) return Unexpected(host.error());
    auto name = required_string(ctx, o, at, "name");
    if (!name) return Unexpected(name.error());
    return NetDevice{*host, *name};
}

// Reads each item of the list object[key] with `read`.
template <class T, class Reader>
Result<void> read_list(const ReadContext& ctx, const Json& o, const std::string& where, std::string_view key,
                       Reader read, std::vector<T>& out) {
    auto list = get_list(ctx, o, where, key);
    if (!list) return Unexpected(list.error());
    for (std::size_t i = 0; i < list->size(); ++i) {
        auto one = read(ctx, *(*list)[i], list_item(where, key, i));
        if (!one) return Unexpected(one.error());
        out.push_back(std::move(*one));
    }
    return {};
}

Result<void> check_env(const ReadContext& ctx, const std::vector<std::string>& env, const std::string& where) {
    for (std::size_t i = 0; i < env.size(); ++i)
        if (env[i].find('=') == std::string::npos || env[i].front() == '=')
            return spec_error(ctx, list_item(where, "env", i), "'" + env[i] + "' must be NAME=VALUE");
    return {};
}

Result<std::uint32_t> read_gid(const ReadContext& ctx, const Json& v, const std::string& at) {
    if (!v.is_number_integer() || v.get<std::int64_t>() < 0 || v.get<std::int64_t>() > max_u32)
        return spec_error(ctx, at, "must be a group id (0.." + std::to_string(max_u32) + ")");
    return static_cast<std::uint32_t>(v.get<std::int64_t>());
}

Result<void> read_optional_rdt(const ReadContext& ctx, const Json& o, const std::string& where, ContainerEdits& e) {
    auto it = o.find("intelRdt");
    if (it == o.end() || it->is_null()) return {};
    auto rdt = read_rdt(ctx, *it, join_path(where, "intelRdt"));
    if (!rdt) return Unexpected(rdt.error());
    e.intel_rdt = std::move(*rdt);
    return {};
}

}  // namespace

Result<ContainerEdits> read_edits(const ReadContext& ctx, const Json& o, const std::string& where) {
    if (auto r = check_object(ctx, o, where, edit_fields); !r) return Unexpected(r.error());
    ContainerEdits e;
    auto env = get_strings(ctx, o, where, "env");
    if (!env) return Unexpected(env.error());
    e.env = std::move(*env);
    if (auto r = check_env(ctx, e.env, where); !r) return Unexpected(r.error());
    if (auto r = read_list(ctx, o, where, "deviceNodes", read_node, e.device_nodes); !r) return Unexpected(r.error());
    if (auto r = read_list(ctx, o, where, "mounts", read_mount, e.mounts); !r) return Unexpected(r.error());
    if (auto r = read_list(ctx, o, where, "hooks", read_hook, e.hooks); !r) return Unexpected(r.error());
    if (auto r = read_list(ctx, o, where, "additionalGids", read_gid, e.additional_gids); !r) return Unexpected(r.error());
    if (auto r = read_optional_rdt(ctx, o, where, e); !r) return Unexpected(r.error());
    if (auto r = read_list(ctx, o, where, "netDevices", read_net, e.net_devices); !r) return Unexpected(r.error());
    return e;
}

}  // namespace skiff::cdi
