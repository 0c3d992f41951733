#include "launcher/gather/plan_memory.hpp"

#include <sys/utsname.h>
#include <time.h>

#include <cstdint>
#include <cstdio>

#include "common/read_small_file.hpp"
#include "common/replace_file.hpp"
#include "launcher/gather/host_facts.hpp"
#include "launcher/gather/plan_memory_file.hpp"
#include "launcher/gather/plan_memory_inputs.hpp"

namespace skiff::gather {
namespace {

// Files in the plans directory: a loop over many different commands reuses them.
constexpr std::uint64_t plan_memory_slots = 32;

std::int64_t realtime_ns() {
    struct timespec now {};
    ::clock_gettime(CLOCK_REALTIME, &now);
    return static_cast<std::int64_t>(now.tv_sec) * 1'000'000'000 + now.tv_nsec;
}

std::string node_name() {
    struct utsname names {};
    return ::uname(&names) == 0 ? std::string(names.nodename) : std::string();
}

// FNV-1a: only picks one of the slots; the file holds the whole key, compared byte for byte.
std::string slot_name(const std::string& key) {
    std::uint64_t hash = 0xcbf29ce484222325ULL;
    for (char c : key) hash = (hash ^ static_cast<unsigned char>(c)) * 0x100000001b3ULL;
    char name[16];
    std::snprintf(name, sizeof name, "plan-%02llu", static_cast<unsigned long long>(hash % plan_memory_slots));
    return name;
}

HeldDir plans_dir(const StateDirs& state, uid_t uid, Missing missing) {
    if (!state.runtime.valid()) return {};
    auto dir = private_subdir(state.runtime, "plans", uid, missing);
    return dir ? std::move(*dir) : HeldDir{};
}

std::string first_changed(const std::vector<MemoryInput>& inputs) {
    for (const auto& input : inputs)
        if (input_identity(input.path, input.presence_only) != input.identity) return input.path;
    return {};
}

// The descriptors of this launch's runtime directories in place of the remembering launch's.
bool attach_state(const RememberedPlan& remembered, const StateDirs& state, plan::LaunchPlan& plan) {
    if (plan.serving.warm) {
        if (!state.image_servers.valid() || plan.serving.server_directory != state.image_servers.path) return false;
        plan.serving.server_directory_fd = state.image_servers.fd.get();
    }
    if (remembered.has_read_profiles) {
        if (!state.image_facts.valid()) return false;
        plan.serving.read_profiles = state.image_facts.via();
        if (plan.serving.warm) plan.serving.read_profiles_fd = state.image_facts.fd.get();
    }
    return true;
}

}  // namespace

PlanMemory::PlanMemory(const RunOptions& options, const plan::HostFacts& host)
    : host_(host), started_ns_(realtime_ns()) {
    key_ = plan_memory_key(options, host_, input_identity("/proc/self/exe", false), node_name());
    slot_ = slot_name(key_);
}

std::optional<Recalled> PlanMemory::recall(KeptOpen& kept, Timeline& timeline) const {
    auto state = state_dirs(host_.env, host_.uid, Missing::leave);
    auto dir = plans_dir(state, host_.uid, Missing::leave);
    const std::string file = dir.path + "/" + slot_;
    auto bytes = dir.valid() ? read_small_file(dir.via() + "/" + slot_, plan_memory_limit) : std::nullopt;
    if (!bytes) {
        timeline.note("plan memory: nothing remembered for this launch");
        return std::nullopt;
    }
    auto remembered = decode_remembered(*bytes);
    std::string why;
    if (!remembered) why = file + " is damaged or of another version";
    else if (remembered->key != key_) why = file + " holds another launch's plan";
    else if (auto changed = first_changed(remembered->inputs); !changed.empty()) why = "'" + changed + "' changed";
    else if (!attach_state(*remembered, state, remembered->plan)) why = "the runtime directories changed";
    if (!why.empty()) {
        timeline.note("plan memory: planning afresh: " + why);
        return std::nullopt;
    }
    kept.state = std::move(state);
    timeline.step("recalled the plan remembered in " + file + " (no loading or planning)");
    return Recalled{std::move(remembered->plan), std::move(remembered->warnings)};
}

void PlanMemory::remember(const RunOptions& options, const plan::PlanRequest& request, const plan::LaunchPlan& plan,
                          const std::vector<std::string>& warnings, const KeptOpen& kept,
                          const Timeline& timeline) const {
    auto inputs = plan_memory_inputs(options, request);
    std::string why = inputs.why_not;
    if (why.empty() && inputs.newest_change_ns >= started_ns_ - racy_ns) why = "an input changed just now";
    HeldDir dir;
    if (why.empty()) {
        dir = plans_dir(kept.state, host_.uid, Missing::create);
        if (!dir.valid()) why = "no plans directory in skiff's runtime directory";
    }
    std::string bytes;
    if (why.empty()) {
        bytes = encode_remembered({key_, std::move(inputs.inputs), warnings, plan, false});
        if (bytes.size() > plan_memory_limit) why = "the plan is larger than the memory's limit";
    }
    if (!why.empty()) {
        timeline.note("plan memory: not remembered: " + why);
        return;
    }
    replace_file(dir.via() + "/" + slot_, bytes);
    timeline.note("plan memory: remembered in " + dir.path + "/" + slot_);
}

}  // namespace skiff::gather
