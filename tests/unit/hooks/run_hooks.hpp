// The built-in hooks that read nothing from the host (standard, Slurm), run from the table
// (hooks/hook.hpp) as launcher/gather runs them, for tests of their contributions and plans.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <string_view>
#include <vector>

#include "hooks/hook.hpp"
#include "launcher/plan/planner.hpp"

namespace skiff::test {

inline constexpr std::string_view pure_hooks[] = {"shm", "passwd", "localtime", "home", "slurm"};

// The contributions of the hooks of `names` that are on, in table order.
inline Result<std::vector<plan::Contribution>> run_hooks(const plan::PlanRequest& request,
                                                         std::span<const std::string_view> names = pure_hooks) {
    hooks::SharedFacts shared{hooks::ImageLinkerCache(request.image, request.command)};
    Diagnostics diag;
    std::vector<plan::Contribution> out;
    for (const hooks::Hook& hook : hooks::builtin_hooks()) {
        if (std::find(names.begin(), names.end(), hook.name) == names.end()) continue;
        auto facts = hook.gather(request, shared, diag);
        if (!facts) return Unexpected(facts.error());
        if (!*facts) continue;
        auto contribution = hook.contribute(**facts, request);
        if (!contribution) return Unexpected(contribution.error());
        out.push_back(std::move(*contribution));
    }
    return out;
}

// make_plan after those hooks, whose contributions come before the request's own (the
// network hooks' a test sets).
inline Result<plan::LaunchPlan> plan_with_hooks(plan::PlanRequest request) {
    auto contributions = run_hooks(request);
    if (!contributions) return Unexpected(contributions.error());
    request.contributions.insert(request.contributions.begin(), contributions->begin(), contributions->end());
    return plan::make_plan(request);
}

}  // namespace skiff::test
