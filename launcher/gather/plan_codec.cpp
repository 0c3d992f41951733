#include "launcher/gather/plan_codec.hpp"

#include <charconv>
#include <utility>

namespace skiff::gather {
namespace {

// A field added to the plan and not stored here would be lost by every recalled launch (its
// default instead of what the planner chose): the build stops until it is stored, and these
// sizes are updated (a field small enough to fit in padding slips through: review the
// struct too). Checked where they were measured (x86-64, libstdc++). Not stored: `ssh`, `mps`
// and `save`, since plans that have them are never remembered (plan_memory_inputs.cpp).
#if defined(__x86_64__) && defined(__GLIBCXX__)
static_assert(sizeof(plan::LaunchPlan) == 1328, "store the new LaunchPlan field in put_plan/take_plan");
static_assert(sizeof(plan::ImageServing) == 200, "store the new ImageServing field in put_serving/take_serving");
static_assert(sizeof(plan::MountOp) == 216, "store the new MountOp field in put_mount/take_mount");
static_assert(sizeof(plan::ExternalHooks) == 128, "store the new ExternalHooks field");
static_assert(sizeof(plan::HookReport) == 56, "store the new HookReport field in put_reports/take_reports");
static_assert(sizeof(image::ImageSource) == 72, "store the new ImageSource field in put_image/take_image");
static_assert(sizeof(IdMap) == 16, "store the new IdMap field in put_ids/take_ids");
#endif

template <typename T>
void put_number(std::string& out, T value) {
    put(out, std::to_string(value));
}

// A decimal number that fits T, and nothing else (from_chars takes no sign for unsigned T).
template <typename T>
bool take_number(NetstringReader& in, T& out) {
    auto text = in.next();
    if (!text || text->empty()) return false;
    T value{};
    const char* end = text->data() + text->size();
    auto [stop, ec] = std::from_chars(text->data(), end, value);
    if (ec != std::errc{} || stop != end) return false;
    out = value;
    return true;
}

template <typename E>
bool take_enum(NetstringReader& in, E last, E& out) {
    int value = 0;
    if (!take_number(in, value) || value < 0 || value > static_cast<int>(last)) return false;
    out = static_cast<E>(value);
    return true;
}

bool take_text(NetstringReader& in, std::string& out) {
    auto text = in.next();
    if (!text) return false;
    out = std::move(*text);
    return true;
}

void put_pairs(std::string& out, const std::vector<std::pair<std::string, std::string>>& pairs) {
    put_number(out, pairs.size());
    for (const auto& [first, second] : pairs) {
        put(out, first);
        put(out, second);
    }
}

bool take_pairs(NetstringReader& in, std::vector<std::pair<std::string, std::string>>& out) {
    auto n = in.count();
    if (!n) return false;
    for (std::size_t i = 0; i < *n; ++i) {
        std::string first, second;
        if (!take_text(in, first) || !take_text(in, second)) return false;
        out.emplace_back(std::move(first), std::move(second));
    }
    return true;
}

void put_env(std::string& out, const EnvMap& env) {
    put_number(out, env.size());
    for (const auto& [name, value] : env) {
        put(out, name);
        put(out, value);
    }
}

// Names in order and each once, as a map holds them: one plan has one encoding.
bool take_env(NetstringReader& in, EnvMap& out) {
    std::vector<std::pair<std::string, std::string>> pairs;
    if (!take_pairs(in, pairs)) return false;
    for (auto& [name, value] : pairs) {
        if (!out.empty() && !(out.rbegin()->first < name)) return false;
        out.emplace_hint(out.end(), std::move(name), std::move(value));
    }
    return true;
}

void put_mount(std::string& out, const plan::MountOp& op) {
    put_number(out, static_cast<int>(op.kind));
    put(out, op.source);
    put(out, op.destination);
    for (bool flag : {op.read_only, op.recursive, op.nosuid, op.nodev, op.noexec, op.ldcache,
                      op.optional_destination, op.replace_symlink})
        put_flag(out, flag);
    put_number(out, static_cast<int>(op.propagation));
    put_number(out, static_cast<int>(op.create));
    put_number(out, static_cast<int>(op.missing));
    put(out, op.content);
    put_pairs(out, op.links);
    put(out, op.options);
    put(out, op.origin);
}

bool take_mount(NetstringReader& in, plan::MountOp& op) {
    if (!take_enum(in, plan::MountKind::symlink, op.kind) || !take_text(in, op.source) ||
        !take_text(in, op.destination))
        return false;
    for (bool* flag : {&op.read_only, &op.recursive, &op.nosuid, &op.nodev, &op.noexec, &op.ldcache,
                       &op.optional_destination, &op.replace_symlink})
        if (!in.flag(*flag)) return false;
    return take_enum(in, plan::Propagation::slave, op.propagation) &&
           take_enum(in, plan::CreatePolicy::like_source, op.create) &&
           take_enum(in, plan::MissingSource::skip, op.missing) && take_text(in, op.content) &&
           take_pairs(in, op.links) && take_text(in, op.options) && take_text(in, op.origin);
}

void put_image(std::string& out, const image::ImageSource& image) {
    put_number(out, static_cast<int>(image.kind));
    put(out, image.path);
    put_number(out, image.device);
    put_number(out, image.inode);
    put_number(out, image.size);
    put_number(out, image.mtime_ns);
}

bool take_image(NetstringReader& in, image::ImageSource& image) {
    return take_enum(in, image::ImageSource::Kind::directory, image.kind) && take_text(in, image.path) &&
           take_number(in, image.device) && take_number(in, image.inode) && take_number(in, image.size) &&
           take_number(in, image.mtime_ns);
}

void put_serving(std::string& out, const plan::ImageServing& s) {
    put_flag(out, s.warm);
    put(out, s.cold_reason);
    put(out, s.server_directory);
    put(out, s.server_name);
    put_number(out, s.idle_seconds);
    put_number(out, s.retire_with);
    put_flag(out, !s.read_profiles.empty());  // it and read_profiles_fd: this launch's, attached on recall
    put_number(out, s.spares);
    put_number(out, s.threads);
    put_number(out, s.cache_mib);
    put(out, s.spare_key);
}

bool take_serving(NetstringReader& in, plan::ImageServing& s, bool& has_read_profiles) {
    return in.flag(s.warm) && take_text(in, s.cold_reason) && take_text(in, s.server_directory) &&
           take_text(in, s.server_name) && take_number(in, s.idle_seconds) && take_number(in, s.retire_with) &&
           in.flag(has_read_profiles) && take_number(in, s.spares) && take_number(in, s.threads) &&
           take_number(in, s.cache_mib) && take_text(in, s.spare_key);
}

void put_ids(std::string& out, const IdMap& ids) {
    for (auto id : {ids.outside_uid, ids.outside_gid, ids.inside_uid, ids.inside_gid}) put_number(out, id);
}

bool take_ids(NetstringReader& in, IdMap& ids) {
    return take_number(in, ids.outside_uid) && take_number(in, ids.outside_gid) && take_number(in, ids.inside_uid) &&
           take_number(in, ids.inside_gid);
}

void put_external_hooks(std::string& out, const plan::ExternalHooks& hooks) {
    put_list(out, hooks.scripts);
    put_env(out, hooks.environment);
    put_list(out, {hooks.fixed_env.begin(), hooks.fixed_env.end()});
    put_number(out, hooks.timeout_s);
}

bool take_external_hooks(NetstringReader& in, plan::ExternalHooks& hooks) {
    std::vector<std::string> fixed;
    if (!in.list(hooks.scripts) || !take_env(in, hooks.environment) || !in.list(fixed)) return false;
    for (auto& name : fixed)
        if (!hooks.fixed_env.insert(std::move(name)).second) return false;
    return take_number(in, hooks.timeout_s);
}

void put_reports(std::string& out, const std::vector<plan::HookReport>& reports) {
    put_number(out, reports.size());
    for (const auto& report : reports) {
        put(out, report.hook);
        put_list(out, report.notes);
    }
}

bool take_reports(NetstringReader& in, std::vector<plan::HookReport>& reports) {
    auto n = in.count();
    if (!n) return false;
    for (std::size_t i = 0; i < *n; ++i) {
        plan::HookReport report;
        if (!take_text(in, report.hook) || !in.list(report.notes)) return false;
        reports.push_back(std::move(report));
    }
    return true;
}

}  // namespace

void put_plan(std::string& out, const plan::LaunchPlan& plan) {
    put_image(out, plan.image);
    put_serving(out, plan.serving);
    put_flag(out, plan.writable);
    put_number(out, static_cast<int>(plan.overlay));
    // Only the directory: its lock and freshness belong to the launch that runs the plan.
    put_optional(out, plan.overlay_dir ? std::optional<std::string>(plan.overlay_dir->dir) : std::nullopt);
    put_ids(out, plan.ids);
    put_number(out, plan.mounts.size());
    for (const auto& op : plan.mounts) put_mount(out, op);
    put_external_hooks(out, plan.external_hooks);
    put_env(out, plan.env);
    put_list(out, plan.argv);
    put(out, plan.workdir);
    put(out, plan.workdir_origin);
    put_reports(out, plan.hooks);
}

std::optional<plan::LaunchPlan> take_plan(NetstringReader& in, bool& has_read_profiles) {
    plan::LaunchPlan plan;
    std::optional<std::string> overlay_dir;
    if (!take_image(in, plan.image) || !take_serving(in, plan.serving, has_read_profiles) ||
        !in.flag(plan.writable) || !take_enum(in, plan::OverlayDriver::fuse, plan.overlay) ||
        !in.optional(overlay_dir) || !take_ids(in, plan.ids))
        return std::nullopt;
    if (overlay_dir) plan.overlay_dir = plan::OverlayDir{*overlay_dir};
    auto mounts = in.count();
    if (!mounts) return std::nullopt;
    for (std::size_t i = 0; i < *mounts; ++i) {
        plan::MountOp op;
        if (!take_mount(in, op)) return std::nullopt;
        plan.mounts.push_back(std::move(op));
    }
    if (!take_external_hooks(in, plan.external_hooks) || !take_env(in, plan.env) || !in.list(plan.argv) ||
        !take_text(in, plan.workdir) || !take_text(in, plan.workdir_origin) || !take_reports(in, plan.hooks))
        return std::nullopt;
    // The executor indexes argv.front(): a plan always has a command.
    if (plan.argv.empty()) return std::nullopt;
    return plan;
}

}  // namespace skiff::gather
