#include "launcher/gather/plan_memory.hpp"

#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>

#include <array>
#include <cstdint>
#include <cstdio>
#include <utility>

#include "common/read_small_file.hpp"
#include "common/replace_file.hpp"
#include "launcher/gather/host_facts.hpp"
#include "launcher/gather/plan_memory_file.hpp"
#include "launcher/gather/plan_memory_inputs.hpp"

namespace skiff::gather {
namespace {

// Files in the plans directory: a loop over many different commands reuses them. Each key may
// live in one of two of them (two hashes), so that two launches used in turn that hash alike
// do not evict each other on every launch, as they would in one file each (with 10 keys in 32
// files, that happens to some pair 4 times in 5).
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

std::string slot_file(std::uint64_t slot) {
    char name[16];
    std::snprintf(name, sizeof name, "plan-%02llu", static_cast<unsigned long long>(slot));
    return name;
}

// FNV-1a from two offsets: only picks the two slots; the file holds the whole key, compared
// byte for byte.
std::array<std::string, 2> slot_names(const std::string& key) {
    std::uint64_t a = 0xcbf29ce484222325ULL, b = 0x84222325cbf29ce4ULL;
    for (char c : key) {
        a = (a ^ static_cast<unsigned char>(c)) * 0x100000001b3ULL;
        b = (b ^ static_cast<unsigned char>(c)) * 0x100000001b3ULL;
    }
    std::uint64_t first = a % plan_memory_slots, second = b % plan_memory_slots;
    if (second == first) second = (first + 1) % plan_memory_slots;
    return {slot_file(first), slot_file(second)};
}

// The key a slot's file holds; "" when it is missing or unreadable.
std::string key_in(const HeldDir& dir, const std::string& slot) {
    auto bytes = read_small_file(dir.via() + "/" + slot, plan_memory_limit);
    auto remembered = bytes ? decode_remembered(*bytes) : std::nullopt;
    return remembered ? remembered->key : std::string();
}

// Where to store `key`'s plan: the slot that holds it already, else an empty (or unreadable)
// one, else the one written longer ago.
std::string slot_to_write(const HeldDir& dir, const std::array<std::string, 2>& slots, const std::string& key) {
    std::array<std::string, 2> keys{key_in(dir, slots[0]), key_in(dir, slots[1])};
    for (std::size_t i = 0; i < 2; ++i)
        if (keys[i] == key || keys[i].empty()) return slots[i];
    struct stat first {}, second {};
    if (::fstatat(dir.fd.get(), slots[0].c_str(), &first, 0) != 0 ||
        ::fstatat(dir.fd.get(), slots[1].c_str(), &second, 0) != 0)
        return slots[0];
    auto written = [](const struct stat& st) { return std::pair(st.st_mtim.tv_sec, st.st_mtim.tv_nsec); };
    return written(first) <= written(second) ? slots[0] : slots[1];
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
    slots_ = slot_names(key_);
}

std::optional<Recalled> PlanMemory::recall(KeptOpen& kept, Timeline& timeline) const {
    auto state = state_dirs(host_.env, host_.uid, Missing::leave);
    auto dir = plans_dir(state, host_.uid, Missing::leave);
    std::string file, damaged;
    std::optional<RememberedPlan> remembered;
    for (const auto& slot : slots_) {
        auto bytes = dir.valid() ? read_small_file(dir.via() + "/" + slot, plan_memory_limit) : std::nullopt;
        auto found = bytes ? decode_remembered(*bytes) : std::nullopt;
        if (bytes && !found) damaged = dir.path + "/" + slot;
        if (found && found->key == key_) {
            remembered = std::move(found);
            file = dir.path + "/" + slot;
            break;
        }
    }
    std::string why;
    if (!remembered)
        why = damaged.empty() ? "no plan remembered for this launch" : damaged + " is damaged or of another version";
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
    std::string slot = slot_to_write(dir, slots_, key_);
    replace_file(dir.via() + "/" + slot, bytes);
    timeline.note("plan memory: remembered in " + dir.path + "/" + slot);
}

}  // namespace skiff::gather
