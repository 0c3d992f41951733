#include "hooks/external/fstab_line.hpp"

#include <array>
#include <vector>

#include "common/split.hpp"

namespace skiff::hooks::external {
namespace {

using plan::CreatePolicy;
using plan::MountOp;
using plan::Propagation;

struct Option {
    std::string_view name;
    void (*apply)(HookMount&);
};

constexpr std::array<Option, 14> options{{
    {"bind", [](HookMount& m) { m.op.recursive = false; }},
    {"rbind", [](HookMount& m) { m.op.recursive = true; }},
    {"ro", [](HookMount& m) { m.op.read_only = true; }},
    {"rw", [](HookMount& m) { m.op.read_only = false; }},
    {"nosuid", [](HookMount& m) { m.op.nosuid = true; }},
    {"nodev", [](HookMount& m) { m.op.nodev = true; }},
    {"noexec", [](HookMount& m) { m.op.noexec = true; }},
    {"private", [](HookMount& m) { m.op.propagation = Propagation::private_; }},
    {"rprivate", [](HookMount& m) { m.op.propagation = Propagation::rprivate; }},
    {"slave", [](HookMount& m) { m.op.propagation = Propagation::slave; }},
    {"rslave", [](HookMount& m) { m.op.propagation = Propagation::rslave; }},
    {"nofail", [](HookMount& m) { m.nofail = true; }},
    {"silent", [](HookMount&) {}},
    {"defaults", [](HookMount&) {}},
}};

constexpr std::array<std::string_view, 5> tmpfs_data = {"mode=", "size=", "nr_inodes=", "uid=", "gid="};

bool octal_escape_at(std::string_view field, std::size_t i) {
    return field[i] == '\\' && i + 4 <= field.size() &&
           field.substr(i + 1, 3).find_first_not_of("01234567") == std::string_view::npos;
}

// fstab's \ooo escapes (\040 space, \011 tab, \134 backslash).
std::string unescaped(std::string_view field) {
    std::string out;
    for (std::size_t i = 0; i < field.size(); ++i) {
        if (!octal_escape_at(field, i)) {
            out += field[i];
            continue;
        }
        out += static_cast<char>((field[i + 1] - '0') * 64 + (field[i + 2] - '0') * 8 + (field[i + 3] - '0'));
        i += 3;
    }
    return out;
}

std::vector<std::string> fields_of(std::string_view line) {
    std::vector<std::string> fields;
    std::size_t pos = 0;
    while ((pos = line.find_first_not_of(" \t\r", pos)) != std::string_view::npos) {
        std::size_t end = line.find_first_of(" \t\r", pos);
        fields.push_back(unescaped(line.substr(pos, end == std::string_view::npos ? std::string_view::npos : end - pos)));
        pos = end;
    }
    return fields;
}

Result<std::string> container_path(const std::string& destination, const std::string& rootfs) {
    std::string path = destination;
    if (path == rootfs) path = "/";
    else if (path.starts_with(rootfs + "/")) path = path.substr(rootfs.size());
    if (path.empty()) return fail("empty destination");
    return path.starts_with("/") ? path : "/" + path;
}

Result<void> apply_create(HookMount& mount, std::string_view value) {
    if (value == "dir") mount.op.create = CreatePolicy::directory;
    else if (value == "file") mount.op.create = CreatePolicy::file;
    else if (value == "auto") mount.op.create = CreatePolicy::like_source;
    else return fail("x-create must be dir, file or auto, not '" + std::string(value) + "'");
    return {};
}

Result<void> apply_option(HookMount& mount, std::string_view option) {
    if (option.starts_with("x-create=")) return apply_create(mount, option.substr(9));
    for (const Option& o : options)
        if (o.name == option) {
            o.apply(mount);
            return {};
        }
    if (mount.op.kind == plan::MountKind::tmpfs)
        for (auto prefix : tmpfs_data)
            if (option.starts_with(prefix)) {
                mount.op.options += (mount.op.options.empty() ? "" : ",") + std::string(option);
                return {};
            }
    return fail("unknown option '" + std::string(option) + "'");
}

Result<HookMount> from_fields(const std::vector<std::string>& fields, const std::string& rootfs) {
    if (fields.size() < 2) return fail("expected SRC DST [TYPE [OPTIONS]]");
    if (fields.size() > 6) return fail("more than 6 fields (a space in a path is written \\040)");
    HookMount mount;
    mount.op.recursive = false;
    mount.op.create = CreatePolicy::none;
    const std::string type = fields.size() > 2 ? fields[2] : "none";
    if (type == "tmpfs") mount.op.kind = plan::MountKind::tmpfs;
    else if (type != "none") return fail("unknown type '" + type + "'; skiff applies bind mounts (none) and tmpfs");
    if (mount.op.kind == plan::MountKind::bind) {
        if (!fields[0].starts_with("/")) return fail("the source '" + fields[0] + "' is not an absolute path");
        mount.op.source = fields[0];
    }
    auto destination = container_path(fields[1], rootfs);
    if (!destination) return Unexpected(destination.error());
    mount.op.destination = *destination;
    if (fields.size() > 3)
        for (std::string_view option : split(fields[3], ','))
            if (auto r = apply_option(mount, option); !r) return Unexpected(r.error());
    return mount;
}

}  // namespace

Result<std::optional<HookMount>> parse_fstab_line(std::string_view line, const std::string& rootfs) {
    auto fields = fields_of(line);
    if (fields.empty() || fields[0].starts_with("#")) return std::optional<HookMount>{};
    auto mount = from_fields(fields, rootfs);
    if (!mount) return Unexpected(mount.error());
    return std::optional<HookMount>(std::move(*mount));
}

}  // namespace skiff::hooks::external
