// The plan memory: a repeated launch skips gathering and planning. After planning, a launch
// stores its plan in the user's runtime directory (.../skiff/plans, one of the two of 32
// files that the key's two hashes choose), with its key and inputs (plan_memory_inputs.hpp); a
// later launch with the same key takes that plan if every input still has the identity it
// had. Any mismatch, a damaged file or another version means gathering and planning as usual,
// which then stores the plan afresh. What it saves is mostly parsing the EDF chain (TOML):
// with two files, about 0.6 ms of a warm launch. The check costs a stat per input, and the key
// the user's passwd and group entries (NSS), which gathering reads too.
//
// Never remembered or recalled: --dry-run (it plans, so it shows what a launch would do
// either way), a Slurm step's container holder, and the launches plan_memory_inputs.hpp
// excludes. A plan whose inputs changed within `racy_ns` of the launch's start is not
// stored: a file's change time is taken from a clock that lags by up to a tick, so an edit
// made while gathering read the file could otherwise keep its old identity's plan.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/timeline.hpp"
#include "launcher/gather/gather.hpp"
#include "launcher/gather/run_options.hpp"
#include "launcher/plan/planner.hpp"

namespace skiff::gather {

inline constexpr std::int64_t racy_ns = 20'000'000;

struct Recalled {
    plan::LaunchPlan plan;
    std::vector<std::string> warnings;  // what gathering warned when it made the plan
};

class PlanMemory {
public:
    // `host`: the launch's host facts (read_host_facts), part of the key.
    PlanMemory(const RunOptions& options, const plan::HostFacts& host);

    // This launch's remembered plan if its inputs are unchanged; `kept` then holds the runtime
    // directories the plan names. -v says which, or why not.
    std::optional<Recalled> recall(KeptOpen& kept, Timeline& timeline) const;

    // Best effort: a plan that cannot be stored is made again next time. -v says why not.
    void remember(const RunOptions& options, const plan::PlanRequest& request, const plan::LaunchPlan& plan,
                  const std::vector<std::string>& warnings, const KeptOpen& kept, const Timeline& timeline) const;

private:
    plan::HostFacts host_;
    std::string key_;
    std::array<std::string, 2> slots_;  // the files' names in the plans directory
    std::int64_t started_ns_ = 0;
};

}  // namespace skiff::gather
