// The hooks in the plan: standard hooks switched by the site configuration, their place
// among the mounts, and what external hooks receive.
#include <gtest/gtest.h>

#include <algorithm>

#include "launcher/plan/planner.hpp"
#include "hooks/external/external_settings.hpp"
#include "hooks/external/hook_environment.hpp"
#include "tests/unit/hooks/run_hooks.hpp"
#include "launcher/plan/render.hpp"
#include "tests/unit/hooks/site_text.hpp"

namespace skiff::plan {
namespace {

PlanRequest request() {
    PlanRequest r;
    r.environment.image = edf::Sourced<std::string>{"/images/app", {"/u/a.toml", 1}};
    // Field by field: GCC 12 at -O3 warns falsely (maybe-uninitialized) about a braced
    // temporary MountSpec here.
    auto& scratch = r.environment.mounts.emplace_back();
    scratch.source = "/scratch";
    scratch.destination = "/users/alice/scratch";
    scratch.origin = {"/u/a.toml", 2};
    r.environment.env["OMP_NUM_THREADS"] = {"4", {"/u/a.toml", 3}};
    r.environment.env["LANG"] = {"", {"/u/a.toml", 4}};
    r.environment.annotations["com.site.dcgm"] = {"on", {"/u/a.toml", 5}};
    r.image.kind = image::ImageSource::Kind::directory;
    r.image.path = "/images/app";
    r.host = {1000, 100, "alice", "users", "/users/alice", "/bin/bash",
              {{"HOME", "/users/alice"}, {"SLURM_PROCID", "3"}, {"OCI_ANNOTATION_old", "x"}}};
    r.command = {"true"};
    return r;
}

std::vector<std::string> destinations(const LaunchPlan& plan) {
    std::vector<std::string> out;
    for (const auto& op : plan.mounts) out.push_back(op.destination);
    return out;
}

std::vector<std::string> hook_names(const LaunchPlan& plan) {
    std::vector<std::string> out;
    for (const auto& hook : plan.hooks) out.push_back(hook.hook);
    return out;
}

TEST(PlannerHooks, StandardHooksComeAfterSkiffsMountsAndBeforeTheEdfs) {
    auto site = test::site_text("[hooks.standard]\nhome = true\n");
    auto r = request();
    r.site = &site;
    auto plan = test::plan_with_hooks(r);
    ASSERT_TRUE(plan) << plan.error().message;
    EXPECT_EQ(destinations(*plan),
              (std::vector<std::string>{"/dev", "/dev/null", "/dev/zero", "/dev/full", "/dev/random", "/dev/urandom",
                                        "/dev/tty", "/dev/ptmx", "/dev/kfd", "/dev/pts", "/dev/mqueue",
                                        "/dev/hugepages", "/dev/infiniband", "/dev/dri", "/proc", "/sys", "/tmp",
                                        "/etc/hosts", "/etc/resolv.conf", "/dev/shm", "/etc/passwd", "/etc/group", "/etc/localtime", "/users/alice",
                                        "/users/alice/scratch"}))
        << "the EDF can mount inside the home directory";
    EXPECT_EQ(hook_names(*plan), (std::vector<std::string>{"shm", "passwd", "localtime", "home"}));
}

TEST(PlannerHooks, SwitchedOffHooksContributeNothing) {
    auto site = test::site_text("[hooks.standard]\npasswd = false\nlocaltime = false\n");
    auto r = request();
    r.site = &site;
    auto plan = test::plan_with_hooks(r);
    ASSERT_TRUE(plan) << plan.error().message;
    auto d = destinations(*plan);
    EXPECT_EQ(std::count(d.begin(), d.end(), "/etc/passwd"), 0);
    EXPECT_EQ(std::count(d.begin(), d.end(), "/etc/localtime"), 0);
    EXPECT_EQ(hook_names(*plan), (std::vector<std::string>{"shm"}));
}

TEST(PlannerHooks, SiteConfigurationErrorsStopThePlan) {
    auto site = test::site_text("[hooks.standard]\nshm = \"maybe\"\n");
    auto r = request();
    r.site = &site;
    auto plan = test::plan_with_hooks(r);
    ASSERT_FALSE(plan);
    EXPECT_EQ(plan.error().message, "/etc/skiff/skiff.toml:2: hooks.standard.shm must be true or false, not 'maybe'");
}

TEST(PlannerHooks, ExternalHooksGetAnnotationsAndCannotChangeEnvOrTaskVariables) {
    auto site = test::site_text("[hooks.external]\ntimeout_s = 9\n");
    auto r = request();
    r.site = &site;
    // As launcher/gather fills them in.
    r.external_hooks.scripts = {"/etc/skiff/hooks.d/10-a.sh", "/users/alice/.config/enroot/hooks.d/10-b.sh"};
    r.external_hooks.timeout_s = hooks::external::read_settings(&site, r.host.env)->timeout_s;
    r.external_hooks.environment = hooks::external::hook_environment(r.host.env, r.environment.annotations);
    auto plan = test::plan_with_hooks(r);
    ASSERT_TRUE(plan) << plan.error().message;
    const auto& hooks = plan->external_hooks;
    EXPECT_EQ(hooks.scripts, r.external_hooks.scripts);
    EXPECT_EQ(hooks.timeout_s, 9);
    EXPECT_EQ(hooks.environment.at("OCI_ANNOTATION_com__site__dcgm"), "on");
    EXPECT_EQ(hooks.environment.at("HOME"), "/users/alice");
    EXPECT_FALSE(hooks.environment.contains("OCI_ANNOTATION_old"));
    EXPECT_EQ(hooks.fixed_env, (std::set<std::string>{"LANG", "OMP_NUM_THREADS", "SLURM_PROCID"}));
    auto text = render(*plan);
    EXPECT_NE(text.find("hook     /etc/skiff/hooks.d/10-a.sh (external, timeout 9 s)\n"
                        "hook     /users/alice/.config/enroot/hooks.d/10-b.sh (external, timeout 9 s)\n"
                        "hookenv  OCI_ANNOTATION_com__site__dcgm=\"on\"\n"),
              std::string::npos)
        << text;
}

TEST(PlannerHooks, NoExternalHooksNoHookEnvironment) {
    auto plan = test::plan_with_hooks(request());
    ASSERT_TRUE(plan);
    EXPECT_TRUE(plan->external_hooks.scripts.empty());
    EXPECT_TRUE(plan->external_hooks.environment.empty());
}

}  // namespace
}  // namespace skiff::plan
