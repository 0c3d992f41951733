// `skiff edf show`: an Environment as TOML-like text and as JSON.
#include <cstdio>

#include "common/quote.hpp"
#include "launcher/edf/edf.hpp"

namespace skiff::edf {
namespace {

std::string bool_text(bool value) { return value ? "true" : "false"; }

// TOML: a bare key when possible, else quoted; dotted annotation keys are quoted to stay flat.
std::string toml_key(std::string_view key) {
    bool bare = !key.empty();
    for (char c : key)
        bare = bare && ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-');
    return bare ? std::string(key) : quote(key);
}

std::string comment(const Origin& origin) { return origin.file.empty() ? "  # default" : "  # " + origin.str(); }

std::string json_origin(const Origin& origin) { return origin.file.empty() ? "null" : quote(origin.str()); }

std::string json_sourced(const std::string& value_json, const Origin& origin) {
    return "{\"value\": " + value_json + ", \"origin\": " + json_origin(origin) + "}";
}

std::string json_optional(const std::optional<Sourced<std::string>>& value) {
    return value ? json_sourced(quote(value->value), value->origin) : "null";
}

std::string json_table(const std::map<std::string, Sourced<std::string>>& table) {
    if (table.empty()) return "{}";
    std::string out = "{";
    for (const auto& [key, value] : table)
        out += (out.size() > 1 ? ",\n    " : "\n    ") + quote(key) + ": " + json_sourced(quote(value.value), value.origin);
    return out + "\n  }";
}

std::string json_mount(const MountSpec& mount) {
    std::string flags;
    for (const std::string& name : flag_names(mount.flags)) flags += (flags.empty() ? "" : ", ") + quote(name);
    return "{\"source\": " + quote(mount.source) + ", \"destination\": " + quote(mount.destination) +
           ", \"flags\": [" + flags + "], \"origin\": " + json_origin(mount.origin) + ", \"text\": " +
           quote(mount.text) + "}";
}

template <class T, class F>
std::string json_array(const std::vector<T>& items, F render) {
    if (items.empty()) return "[]";
    std::string out = "[";
    for (const T& item : items) out += (out.size() > 1 ? ",\n    " : "\n    ") + render(item);
    return out + "\n  ]";
}

void text_table(std::string& out, std::string_view header, const std::map<std::string, Sourced<std::string>>& table) {
    if (table.empty()) return;
    out += "\n[" + std::string(header) + "]\n";
    for (const auto& [key, value] : table) {
        std::string note = comment(value.origin);
        if (header == "env" && value.value.empty()) note += " (unsets the variable)";
        out += toml_key(key) + " = " + quote(value.value) + note + "\n";
    }
}

}  // namespace

std::string to_text(const Environment& env) {
    std::string out = "# EDF files applied, in order:\n";
    for (const std::string& file : env.files) out += "#   " + file + "\n";
    if (env.image) out += "image = " + quote(env.image->value) + comment(env.image->origin) + "\n";
    if (env.workdir) out += "workdir = " + quote(env.workdir->value) + comment(env.workdir->origin) + "\n";
    out += "entrypoint = " + bool_text(env.entrypoint.value) + comment(env.entrypoint.origin) + "\n";
    out += "writable = " + bool_text(env.writable.value) + comment(env.writable.origin) + "\n";
    out += "mounts = [";
    for (const MountSpec& mount : env.mounts) out += "\n  " + quote(mount_string(mount)) + "," + comment(mount.origin);
    out += env.mounts.empty() ? "]\n" : "\n]\n";
    if (!env.devices.empty()) {
        out += "devices = [";
        for (const auto& device : env.devices) out += "\n  " + quote(device.value) + "," + comment(device.origin);
        out += "\n]\n";
    }
    text_table(out, "env", env.env);
    text_table(out, "annotations", env.annotations);
    return out;
}

std::string to_json(const Environment& env) {
    auto quoted = [](const std::string& s) { return quote(s); };
    std::string out = "{\n";
    out += "  \"files\": " + json_array(env.files, quoted) + ",\n";
    out += "  \"image\": " + json_optional(env.image) + ",\n";
    out += "  \"workdir\": " + json_optional(env.workdir) + ",\n";
    out += "  \"entrypoint\": " + json_sourced(bool_text(env.entrypoint.value), env.entrypoint.origin) + ",\n";
    out += "  \"writable\": " + json_sourced(bool_text(env.writable.value), env.writable.origin) + ",\n";
    out += "  \"mounts\": " + json_array(env.mounts, json_mount) + ",\n";
    auto device = [](const Sourced<std::string>& d) { return json_sourced(quote(d.value), d.origin); };
    out += "  \"devices\": " + json_array(env.devices, device) + ",\n";
    out += "  \"env\": " + json_table(env.env) + ",\n";
    out += "  \"annotations\": " + json_table(env.annotations) + "\n";
    return out + "}\n";
}

}  // namespace skiff::edf
