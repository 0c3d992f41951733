// --overlay DIR in the plan: the root line of --dry-run names DIR, and a read-only root is
// refused with the option or EDF line that asked for it.
#include <gtest/gtest.h>

#include "launcher/plan/planner.hpp"
#include "launcher/plan/render.hpp"
#include "tests/unit/hooks/run_hooks.hpp"
#include "tests/unit/plan/minimal_request.hpp"

namespace skiff::plan {
namespace {

PlanRequest request_with_overlay_dir() {
    PlanRequest r = test::minimal_request();
    r.overlay_dir = "/scratch/alice/overlays/a";
    return r;
}

TEST(PlannerOverlayDir, DryRunNamesTheLayerOnDisk) {
    auto plan = test::plan_with_hooks(request_with_overlay_dir());
    ASSERT_TRUE(plan) << plan.error().message;
    ASSERT_TRUE(plan->overlay_dir);
    EXPECT_EQ(plan->overlay_dir->dir, "/scratch/alice/overlays/a");
    EXPECT_EQ(plan->overlay_dir->lock_fd, -1);  // the launch that runs it claims DIR
    EXPECT_NE(render(*plan).find("\nroot     overlay (kernel overlayfs, else fuse-overlayfs), writable (writes go to "
                                 "/scratch/alice/overlays/a/upper and stay; locked while it runs)\n"),
              std::string::npos)
        << render(*plan);
}

TEST(PlannerOverlayDir, WithoutItWritesGoToMemory) {
    auto request = request_with_overlay_dir();
    request.overlay_dir.reset();
    auto plan = test::plan_with_hooks(request);
    ASSERT_TRUE(plan) << plan.error().message;
    EXPECT_FALSE(plan->overlay_dir);
    EXPECT_NE(render(*plan).find("writable (writes go to memory and vanish at exit)"), std::string::npos);
}

TEST(PlannerOverlayDir, AReadOnlyRootIsAnErrorNamingWhoAskedForIt) {
    auto request = request_with_overlay_dir();
    request.environment.writable = {false, {"command line", 0}};
    auto plan = test::plan_with_hooks(request);
    ASSERT_FALSE(plan);
    EXPECT_EQ(plan.error().message,
              "--overlay '/scratch/alice/overlays/a' keeps the writes of a writable root, but --read-only asks for a "
              "read-only one; drop one of the two");
    request.environment.writable = {false, {"/u/.edf/job.toml", 3}};
    plan = test::plan_with_hooks(request);
    ASSERT_FALSE(plan);
    EXPECT_NE(plan.error().message.find("but writable = false (/u/.edf/job.toml:3) asks"), std::string::npos)
        << plan.error().message;
}

}  // namespace
}  // namespace skiff::plan
