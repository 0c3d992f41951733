// --save in the plan: the paths skiff writes through the root are listed for the saver to take
// back, --dry-run names the file, and a root that cannot be saved is refused here, before any
// container starts.
#include <gtest/gtest.h>

#include "launcher/plan/planner.hpp"
#include "launcher/plan/render.hpp"
#include "tests/unit/hooks/run_hooks.hpp"
#include "tests/unit/plan/minimal_request.hpp"

namespace skiff::plan {
namespace {

PlanRequest request_with_save() {
    PlanRequest r = test::minimal_request();
    r.save = ImageSave{"/scratch/saved.sqsh", false, "command line", "/usr/libexec/skiff/skiff-pull", {}};
    return r;
}

TEST(PlannerSave, TheFilesSkiffWritesThroughTheRootAreRestored) {
    auto plan = test::plan_with_hooks(request_with_save());
    ASSERT_TRUE(plan) << plan.error().message;
    ASSERT_TRUE(plan->save);
    std::vector<std::string> written;
    for (const auto& op : plan->mounts)
        if (op.kind == MountKind::write || op.kind == MountKind::symlink || op.replace_symlink)
            written.push_back(op.destination);
    EXPECT_FALSE(written.empty()) << "the standard hooks replace /etc/localtime's symlink";
    EXPECT_EQ(plan->save->restore, written);
    EXPECT_NE(render(*plan).find("save     /scratch/saved.sqsh when the command exits with status 0"), std::string::npos);
}

TEST(PlannerSave, FuseOverlayfsCannotBeSaved) {
    auto request = request_with_save();
    request.host.env["SKIFF_OVERLAY"] = "fuse";
    auto plan = test::plan_with_hooks(request);
    ASSERT_FALSE(plan);
    EXPECT_NE(plan.error().message.find("--save needs the kernel's overlayfs"), std::string::npos);
}

TEST(PlannerSave, AReadOnlyRootCannotBeSavedAndTheErrorNamesWhoAskedForIt) {
    auto request = request_with_save();
    request.environment.writable = {false, {"/u/.edf/job.toml", 3}};
    auto plan = test::plan_with_hooks(request);
    ASSERT_FALSE(plan);
    EXPECT_EQ(plan.error().message, "--save /scratch/saved.sqsh: the root is read-only (/u/.edf/job.toml:3); a container "
                                    "is saved from its writable root: add --writable");
    request.save->origin = "/u/.edf/job.toml:7";
    plan = test::plan_with_hooks(request);
    ASSERT_FALSE(plan);
    EXPECT_TRUE(plan.error().message.starts_with("/u/.edf/job.toml:7: com.skiff.container_save: the root is read-only"))
        << plan.error().message;
}

}  // namespace
}  // namespace skiff::plan
