// The bytes of one remembered plan (plan_memory.hpp): a version line, then netstrings: the
// launch's key, the files and paths its plan was made from with their identities, the
// warnings its gathering printed, and the plan (plan_codec.hpp). The file is the user's own,
// but anyone who can run code as the user can write it, so it is read as hostile: bounded,
// every length checked, and anything unexpected (another version, trailing bytes) refused.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "launcher/plan/launch_plan.hpp"

namespace skiff::gather {

// Larger files are not read: a plan holds generated files (the image's passwd and group with
// the user's entry), seldom more than a few KiB.
inline constexpr std::size_t plan_memory_limit = 1u << 20;

// A file or path the plan depends on, as it was when the plan was made.
struct MemoryInput {
    std::string path;
    bool presence_only = false;  // only whether it exists and its type (a bind mount's source)
    std::string identity;        // input_identity() in plan_memory_inputs.hpp
    bool operator==(const MemoryInput&) const = default;
};

struct RememberedPlan {
    std::string key;  // plan_memory_key(): compared whole, byte for byte
    std::vector<MemoryInput> inputs;
    std::vector<std::string> warnings;
    plan::LaunchPlan plan;
    bool has_read_profiles = false;  // plan.serving.read_profiles is to be filled in
};

std::string encode_remembered(const RememberedPlan& remembered);
std::optional<RememberedPlan> decode_remembered(std::string_view bytes);  // nullopt: refused

}  // namespace skiff::gather
