// One mount entry, SRC[:DST[:FLAGS]] (edf.md §6). Flags are parsed from a descriptor table.
#include <array>
#include <vector>

#include "launcher/edf/edf.hpp"
#include "launcher/edf/paths.hpp"

namespace skiff::edf {
namespace {

// Flags in one group exclude each other when they differ (ro+rw, bind+rbind, ...).
enum class FlagGroup { access, recursion, propagation, nosuid, nodev, noexec, sqsh, ldcache };

struct FlagRule {
    std::string_view name;
    FlagGroup group;
    bool with_sqsh;  // may be combined with sqsh
    void (*apply)(MountFlags&);
};

constexpr std::array<FlagRule, 13> kFlags{{
    {"ro", FlagGroup::access, true, [](MountFlags& f) { f.read_only = true; }},
    {"rw", FlagGroup::access, false, [](MountFlags& f) { f.read_only = false; }},
    {"bind", FlagGroup::recursion, false, [](MountFlags& f) { f.recursive = false; }},
    {"rbind", FlagGroup::recursion, false, [](MountFlags& f) { f.recursive = true; }},
    {"nosuid", FlagGroup::nosuid, true, [](MountFlags& f) { f.nosuid = true; }},
    {"nodev", FlagGroup::nodev, true, [](MountFlags& f) { f.nodev = true; }},
    {"noexec", FlagGroup::noexec, true, [](MountFlags& f) { f.noexec = true; }},
    {"private", FlagGroup::propagation, false, [](MountFlags& f) { f.propagation = Propagation::private_; }},
    {"rprivate", FlagGroup::propagation, false, [](MountFlags& f) { f.propagation = Propagation::rprivate; }},
    {"slave", FlagGroup::propagation, false, [](MountFlags& f) { f.propagation = Propagation::slave; }},
    {"rslave", FlagGroup::propagation, false, [](MountFlags& f) { f.propagation = Propagation::rslave; }},
    {"sqsh", FlagGroup::sqsh, true, [](MountFlags& f) { f.sqsh = true; }},
    {"ldcache", FlagGroup::ldcache, true, [](MountFlags& f) { f.ldcache = true; }},
}};

// pyxis pseudo-sources that skiff does not implement.
constexpr std::array<std::string_view, 2> kPseudoSources{"tmpfs", "umount"};

constexpr std::string_view kReserved = "/.skiff";

const FlagRule* find_flag(std::string_view name) {
    for (const FlagRule& rule : kFlags)
        if (rule.name == name) return &rule;
    return nullptr;
}

std::string valid_flags() {
    std::string out;
    for (const FlagRule& rule : kFlags) out += (out.empty() ? "" : " ") + std::string(rule.name);
    return out;
}

std::vector<std::string_view> split(std::string_view text, char sep) {
    std::vector<std::string_view> parts;
    std::size_t pos = 0;
    while (true) {
        std::size_t next = text.find(sep, pos);
        parts.push_back(text.substr(pos, next == std::string_view::npos ? next : next - pos));
        if (next == std::string_view::npos) return parts;
        pos = next + 1;
    }
}

Result<std::vector<const FlagRule*>> lookup_flags(std::string_view text) {
    std::vector<const FlagRule*> rules;
    for (std::string_view name : split(text, '+')) {
        const FlagRule* rule = find_flag(name);
        if (name.empty()) return fail("empty mount flag in '" + std::string(text) + "'; join flags with a single '+'");
        if (!rule) return fail("unknown mount flag '" + std::string(name) + "'; valid: " + valid_flags());
        for (const FlagRule* seen : rules)
            if (seen->group == rule->group && seen != rule)
                return fail("mount flags '" + std::string(seen->name) + "' and '" + std::string(name) + "' conflict");
        rules.push_back(rule);
    }
    return rules;
}

Result<MountFlags> parse_flags(std::string_view text) {
    auto rules = lookup_flags(text);
    if (!rules) return fail(rules.error().message);
    MountFlags flags;
    bool sqsh = false;
    for (const FlagRule* rule : *rules) sqsh = sqsh || rule->group == FlagGroup::sqsh;
    for (const FlagRule* rule : *rules) {
        if (sqsh && !rule->with_sqsh) return fail("'sqsh' cannot be combined with '" + std::string(rule->name) + "'");
        rule->apply(flags);
    }
    if (sqsh) flags.read_only = true;  // a squashfs is always mounted read-only
    return flags;
}

Result<std::string> parse_source(std::string_view source, std::string_view cwd) {
    std::string quoted = "'" + std::string(source) + "'";
    for (std::string_view pseudo : kPseudoSources)
        if (source == pseudo)
            return fail("mount source " + quoted + " is a pyxis pseudo-source, which skiff does not support; "
                        "mount a host directory instead");
    if (source.starts_with('~')) return fail("mount source " + quoted + ": '~' is not expanded; use ${HOME}");
    if (source.starts_with('/')) return clean_path(source);
    if (is_relative_form(source)) return make_absolute(cwd, source);
    return fail("mount source " + quoted + " must be absolute or start with ./");
}

Result<std::string> parse_destination(std::string_view destination) {
    std::string quoted = "'" + std::string(destination) + "'";
    if (!destination.starts_with('/')) return fail("mount destination " + quoted + " must be an absolute path");
    if (has_dotdot(destination)) return fail("mount destination " + quoted + " must not contain '..'");
    std::string clean = clean_path(destination);
    if (clean == "/") return fail("mount destination " + quoted + " would cover the container root; choose a directory");
    if (clean == kReserved || clean.starts_with(std::string(kReserved) + "/"))
        return fail("mount destination " + quoted + " is reserved for skiff");
    return clean;
}

Result<MountSpec> parse_fields(const std::string& text, const Origin& origin, const std::string& cwd) {
    std::vector<std::string_view> fields = split(text, ':');
    std::string quoted = "'" + text + "'";
    if (text.empty()) return fail("empty mount entry; write SRC[:DST[:FLAGS]]");
    if (fields.size() > 3)
        return fail("mount " + quoted + " has " + std::to_string(fields.size()) + " fields; paths cannot contain ':'");
    for (std::string_view field : fields)
        if (field.empty()) return fail("mount " + quoted + " has an empty field; write SRC[:DST[:FLAGS]]");
    MountSpec spec;
    spec.origin = origin;
    spec.text = text;
    auto source = parse_source(fields[0], cwd);
    if (!source) return fail(source.error().message);
    spec.source = *source;
    auto destination = parse_destination(fields.size() > 1 ? fields[1] : std::string_view(spec.source));
    if (!destination) return fail(destination.error().message);
    spec.destination = *destination;
    if (fields.size() == 3) {
        auto flags = parse_flags(fields[2]);
        if (!flags) return fail(flags.error().message);
        spec.flags = *flags;
    }
    return spec;
}

}  // namespace

Result<MountSpec> parse_mount(const std::string& text, const Origin& origin, const std::string& cwd) {
    auto spec = parse_fields(text, origin, cwd);
    if (!spec) return fail(origin.str() + ": " + spec.error().message);
    return spec;
}

std::vector<std::string> flag_names(const MountFlags& flags) {
    std::vector<std::string> names;
    auto add = [&](bool on, std::string_view name) {
        if (on) names.emplace_back(name);
    };
    add(true, flags.read_only ? "ro" : "rw");
    add(!flags.sqsh, flags.recursive ? "rbind" : "bind");
    add(flags.nosuid, "nosuid");
    add(flags.nodev, "nodev");
    add(flags.noexec, "noexec");
    for (const FlagRule& rule : kFlags) {
        MountFlags probe;
        rule.apply(probe);
        if (!flags.sqsh && rule.group == FlagGroup::propagation && probe.propagation == flags.propagation)
            names.emplace_back(rule.name);
    }
    add(flags.sqsh, "sqsh");
    add(flags.ldcache, "ldcache");
    return names;
}

std::string mount_string(const MountSpec& spec) {
    std::string flags;
    for (const std::string& name : flag_names(spec.flags)) {
        bool is_default = name == "rw" || name == "rbind" || name == "rprivate" || (name == "ro" && spec.flags.sqsh);
        if (!is_default) flags += (flags.empty() ? "" : "+") + name;
    }
    return spec.source + ":" + spec.destination + (flags.empty() ? "" : ":" + flags);
}

}  // namespace skiff::edf
