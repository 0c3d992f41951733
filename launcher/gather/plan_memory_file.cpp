#include "launcher/gather/plan_memory_file.hpp"

#include "launcher/gather/netstrings.hpp"
#include "launcher/gather/plan_codec.hpp"

namespace skiff::gather {
namespace {

// Bump whenever LaunchPlan, plan_codec or the key changes: another version is refused.
constexpr std::string_view plan_memory_header = "skiff-plan-memory 3\n";

bool take_inputs(NetstringReader& in, std::vector<MemoryInput>& inputs) {
    auto n = in.count();
    if (!n) return false;
    for (std::size_t i = 0; i < *n; ++i) {
        MemoryInput input;
        auto path = in.next();
        if (!path || path->empty() || !in.flag(input.presence_only)) return false;
        auto identity = in.next();
        if (!identity) return false;
        input.path = std::move(*path);
        input.identity = std::move(*identity);
        inputs.push_back(std::move(input));
    }
    return true;
}

}  // namespace

std::string encode_remembered(const RememberedPlan& remembered) {
    std::string out(plan_memory_header);
    put(out, remembered.key);
    put(out, std::to_string(remembered.inputs.size()));
    for (const auto& input : remembered.inputs) {
        put(out, input.path);
        put_flag(out, input.presence_only);
        put(out, input.identity);
    }
    put_list(out, remembered.warnings);
    plan::LaunchPlan stored = remembered.plan;
    if (remembered.has_read_profiles) stored.serving.read_profiles = "-";  // only whether there is one
    put_plan(out, stored);
    return out;
}

std::optional<RememberedPlan> decode_remembered(std::string_view bytes) {
    if (bytes.size() > plan_memory_limit || !bytes.starts_with(plan_memory_header)) return std::nullopt;
    NetstringReader in(bytes.substr(plan_memory_header.size()));
    RememberedPlan remembered;
    auto key = in.next();
    if (!key || key->empty() || !take_inputs(in, remembered.inputs) || !in.list(remembered.warnings))
        return std::nullopt;
    remembered.key = std::move(*key);
    auto plan = take_plan(in, remembered.has_read_profiles);
    if (!plan || !in.at_end()) return std::nullopt;
    remembered.plan = std::move(*plan);
    return remembered;
}

}  // namespace skiff::gather
