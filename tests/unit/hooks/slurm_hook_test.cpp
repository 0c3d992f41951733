#include "hooks/slurm/slurm_hook.hpp"
#include "tests/unit/hooks/run_hooks.hpp"

#include <gtest/gtest.h>

namespace skiff::hooks {
namespace {

EnvMap step_env() {
    return {{"SLURM_JOB_ID", "42"}, {"SLURM_STEP_ID", "3"}, {"PMIX_SERVER_TMPDIR", "/var/spool/slurmd/pmix.42.3"},
            {"PMIX_PTL_MODULE", "tcp,usock"}, {"PMIX_GDS_MODULE", "ds21,ds12,hash"}, {"PMIX_SECURITY_MODE", "munge,native"}};
}

edf::Environment with_annotation(const std::string& key, const std::string& value) {
    edf::Environment environment;
    environment.annotations[key] = {value, {"/u/job.toml", 7}};
    return environment;
}

TEST(SlurmHook, InactiveOutsideAStep) {
    auto out = slurm_hook({}, {{"SLURM_JOB_ID", "42"}}, 1000);
    ASSERT_TRUE(out);
    EXPECT_TRUE(out->mounts.empty());
    EXPECT_TRUE(out->env.empty());
}

TEST(SlurmHook, BindsThePmixDirectoriesAtTheSamePath) {
    auto out = slurm_hook({}, step_env(), 1000);
    ASSERT_TRUE(out);
    ASSERT_EQ(out->mounts.size(), 3u);
    const auto& server = out->mounts[0];
    EXPECT_EQ(server.source, "/var/spool/slurmd/pmix.42.3");
    EXPECT_EQ(server.destination, server.source);
    EXPECT_FALSE(server.read_only);
    EXPECT_TRUE(server.nosuid && server.nodev && server.noexec);
    EXPECT_EQ(server.missing, plan::MissingSource::skip);
    EXPECT_EQ(out->mounts[1].destination, "/tmp/spmix_appdir_1000_42.3");
    EXPECT_EQ(out->mounts[2].destination, "/tmp/spmix_appdir_42.3");
}

TEST(SlurmHook, MapsPmixVariablesOnlyWhereTheContainerHasNone) {
    auto out = slurm_hook({}, step_env(), 1000);
    ASSERT_TRUE(out);
    plan::PlanRequest request;
    request.host.env = step_env();
    request.host.uid = 1000;
    request.environment.env["PMIX_MCA_gds"] = {"hash", {"a.toml", 3}};
    auto plan = test::plan_with_hooks(request);
    ASSERT_TRUE(plan) << plan.error().message;
    EXPECT_EQ(plan->env["PMIX_MCA_ptl"], "tcp,usock");
    EXPECT_EQ(plan->env["PMIX_MCA_gds"], "hash") << "the EDF's value wins";
    EXPECT_EQ(plan->env["PMIX_MCA_psec"], "native") << "munge is dropped: its socket is not in the container";
}

TEST(SlurmHook, MungeOnlySecurityBecomesNative) {
    auto host = step_env();
    host["PMIX_SECURITY_MODE"] = "munge";
    auto psec = [](const EnvMap& step) {
        auto slurm = slurm_hook({}, step, 1);
        for (const auto& [name, value] : slurm->env)
            if (name == "PMIX_MCA_psec") return value;
        return std::string();
    };
    EXPECT_EQ(psec(host), "native");
    host["PMIX_SECURITY_MODE"] = "native,munge,none";
    EXPECT_EQ(psec(host), "native,none");
}

TEST(SlurmHook, SwitchedOffByAnnotationOrTheCeVariable) {
    EXPECT_TRUE(slurm_hook(with_annotation("com.hooks.slurm.enabled", "FALSE"), step_env(), 1)->mounts.empty());
    edf::Environment ce;
    ce.env["ENROOT_SLURM_HOOK"] = {"off", {"/u/job.toml", 3}};
    EXPECT_TRUE(slurm_hook(ce, step_env(), 1)->mounts.empty());
    EXPECT_FALSE(slurm_hook(with_annotation("com.hooks.slurm.enabled", "yes"), step_env(), 1)->mounts.empty());
}

TEST(SlurmHook, ASwitchThatIsNotOneNamesTheKey) {
    auto out = slurm_hook(with_annotation("com.hooks.slurm.enabled", "maybe"), step_env(), 1);
    ASSERT_FALSE(out);
    EXPECT_EQ(out.error().message,
              "/u/job.toml:7: annotation com.hooks.slurm.enabled = \"maybe\" is not a switch; use true or false");
}

}  // namespace
}  // namespace skiff::hooks
