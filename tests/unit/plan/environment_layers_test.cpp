// The host variables that never reach the container (launcher/plan/environment_layers.cpp):
// every LD_* and the glibc variables that make the image's libc load code or libc-specific
// data from host paths. The rest of glibc's unsecure list passes, and the image's and the
// EDF's values of dropped names still apply.
#include "launcher/plan/environment_layers.hpp"

#include <gtest/gtest.h>

namespace skiff::plan {
namespace {

EnvMap host_with_loader_variables() {
    return {
        {"LD_AUDIT", "/host/audit.so"},  {"LD_LIBRARY_PATH", "/host/lib"},  {"LD_PRELOAD", "/host/p.so"},
        {"LD_BIND_NOW", "1"},            {"LD_DEBUG", "all"},               {"LD_DEBUG_OUTPUT", "/host/log"},
        {"LD_PROFILE", "libc.so.6"},     {"LD_ORIGIN_PATH", "/host"},       {"LD_", "x"},
        {"GCONV_PATH", "/host/gconv"},   {"GETCONF_DIR", "/host/getconf"},  {"LOCPATH", "/host/locale"},
        {"PATH", "/host/bin"},           {"TMPDIR", "/scratch/tmp"},        {"TZDIR", "/host/zoneinfo"},
        {"NLSPATH", "/host/nls/%N"},     {"HOSTALIASES", "/home/a/hosts"},  {"LOCALDOMAIN", "example.org"},
        {"RES_OPTIONS", "ndots:2"},      {"RESOLV_HOST_CONF", "/h.conf"},   {"NIS_PATH", "org_dir"},
        {"MALLOC_TRACE", "/tmp/mtrace"}, {"GLIBC_TUNABLES", "glibc.malloc.arena_max=2"},
        {"OLD_LD_PRELOAD", "kept"},      {"LDFLAGS", "-L/x"},               {"ld_preload", "kept"},
        {"HOME", "/home/a"},
    };
}

TEST(EnvironmentLayers, HostLoaderVariablesAreDropped) {
    EnvMap env = base_environment(host_with_loader_variables(), ImageFacts{});
    for (const char* name : {"LD_AUDIT", "LD_LIBRARY_PATH", "LD_PRELOAD", "LD_BIND_NOW", "LD_DEBUG", "LD_DEBUG_OUTPUT",
                             "LD_PROFILE", "LD_ORIGIN_PATH", "LD_", "GCONV_PATH", "GETCONF_DIR", "LOCPATH"})
        EXPECT_FALSE(env.contains(name)) << name;
    EXPECT_EQ(env.at("PATH"), default_path) << "the host's PATH never enters";
}

TEST(EnvironmentLayers, OtherUnsecureVariablesPass) {
    EnvMap host = host_with_loader_variables();
    EnvMap env = base_environment(host, ImageFacts{});
    for (const char* name : {"TMPDIR", "TZDIR", "NLSPATH", "HOSTALIASES", "LOCALDOMAIN", "RES_OPTIONS",
                             "RESOLV_HOST_CONF", "NIS_PATH", "MALLOC_TRACE", "GLIBC_TUNABLES", "OLD_LD_PRELOAD",
                             "LDFLAGS", "ld_preload", "HOME"})
        EXPECT_EQ(env.at(name), host.at(name)) << name;
}

TEST(EnvironmentLayers, ImageAndEdfValuesOfDroppedNamesApply) {
    PlanRequest request;
    request.host.env = host_with_loader_variables();
    request.image_facts.env = {{"LD_LIBRARY_PATH", "/opt/lib"}, {"GCONV_PATH", "/opt/gconv"}};
    request.environment.env["LD_AUDIT"] = {"/opt/audit.so", {"/u/.edf/job.toml", 3}};
    request.environment.env["LOCPATH"] = {"${GCONV_PATH}/../locale", {"/u/.edf/job.toml", 4}};
    auto env = container_environment(request);
    ASSERT_TRUE(env) << env.error().message;
    EXPECT_EQ(env->at("LD_LIBRARY_PATH"), "/opt/lib");
    EXPECT_EQ(env->at("GCONV_PATH"), "/opt/gconv");
    EXPECT_EQ(env->at("LD_AUDIT"), "/opt/audit.so");
    EXPECT_EQ(env->at("LOCPATH"), "/opt/gconv/../locale");
    EXPECT_FALSE(env->contains("LD_PRELOAD"));
}

// A task's task variables: the task's values win over the image's and the EDF's (a PMIX_RANK
// in an EDF would make every rank the same rank), and each ignored [env] or --env value gets
// one warning naming where it was set.
PlanRequest request_in_a_task() {
    PlanRequest request;
    request.host.env = {{"SLURM_PROCID", "3"}, {"PMIX_RANK", "3"}, {"PMI_RANK", "3"}, {"SLINGSHOT_VNIS", "1234"},
                        {"PALS_RANKID", "3"}, {"HOME", "/home/a"}};
    request.image_facts.env = {{"SLURM_PROCID", "0"}, {"PMIX_MCA_gds", "hash"}};
    request.environment.env["PMIX_RANK"] = {"0", {"/u/.edf/job.toml", 5}};
    request.environment.env["SLURM_PROCID"] = {"", {"/u/.edf/job.toml", 6}};
    request.environment.env["SLINGSHOT_VNIS"] = {"1", {"command line", 0}};
    request.environment.env["PALS_RANKID"] = {"0", {"/u/.edf/job.toml", 7}};
    request.environment.env["PMIX_MCA_psec"] = {"native", {"/u/.edf/job.toml", 8}};
    return request;
}

TEST(EnvironmentLayers, TheTasksVariablesBeatTheEnvAndTheImage) {
    auto env = container_environment(request_in_a_task());
    ASSERT_TRUE(env) << env.error().message;
    EXPECT_EQ(env->at("PMIX_RANK"), "3");
    EXPECT_EQ(env->at("SLURM_PROCID"), "3") << "an [env] \"\" does not unset the task's value";
    EXPECT_EQ(env->at("SLINGSHOT_VNIS"), "1234");
    EXPECT_EQ(env->at("PALS_RANKID"), "3");
    EXPECT_EQ(env->at("PMI_RANK"), "3");
    EXPECT_EQ(env->at("PMIX_MCA_gds"), "hash") << "what the task does not set, the image may";
    EXPECT_EQ(env->at("PMIX_MCA_psec"), "native") << "what the task does not set, the EDF may";
}

TEST(EnvironmentLayers, EachIgnoredTaskVariableIsOneWarningNamingItsOrigin) {
    auto request = request_in_a_task();
    auto warnings = task_variable_warnings(request.environment, request.host.env);
    ASSERT_EQ(warnings.size(), 4U);
    EXPECT_EQ(warnings[0],
              "/u/.edf/job.toml:7: ignoring PALS_RANKID: the task sets it, and the task's SLURM_*, PMI_*, PMIX_*, "
              "SLINGSHOT_* and PALS_* variables always win; remove it from [env] or --env");
    EXPECT_TRUE(warnings[1].starts_with("/u/.edf/job.toml:5: ignoring PMIX_RANK: the task sets it")) << warnings[1];
    EXPECT_TRUE(warnings[2].starts_with("command line: ignoring SLINGSHOT_VNIS:")) << warnings[2];
    EXPECT_TRUE(warnings[3].starts_with("/u/.edf/job.toml:6: ignoring SLURM_PROCID:")) << warnings[3];
}

TEST(EnvironmentLayers, OutsideATaskTheEnvMaySetTaskVariablesWithoutAWarning) {
    auto request = request_in_a_task();
    request.host.env = {{"HOME", "/home/a"}};
    auto env = container_environment(request);
    ASSERT_TRUE(env) << env.error().message;
    EXPECT_EQ(env->at("PMIX_RANK"), "0");
    EXPECT_FALSE(env->contains("SLURM_PROCID")) << "\"\" unsets the image's value";
    EXPECT_TRUE(task_variable_warnings(request.environment, request.host.env).empty());
}

// The host's OCI_ANNOTATION_* are ignored (the launcher warns so), so they reach neither the
// hooks nor the command; an [env] value of such a name is the user's own and applies.
TEST(EnvironmentLayers, HostAnnotationVariablesAreDropped) {
    PlanRequest request;
    request.host.env = {{"OCI_ANNOTATION_com__hooks__ssh__enabled", "true"}, {"OCI_ANNOTATION_x", "1"},
                        {"OCI_ANNOTATIONS", "kept"}, {"HOME", "/home/a"}};
    request.environment.env["OCI_ANNOTATION_mine"] = {"2", {"/u/.edf/job.toml", 3}};
    auto env = container_environment(request);
    ASSERT_TRUE(env) << env.error().message;
    EXPECT_FALSE(env->contains("OCI_ANNOTATION_com__hooks__ssh__enabled"));
    EXPECT_FALSE(env->contains("OCI_ANNOTATION_x"));
    EXPECT_EQ(env->at("OCI_ANNOTATIONS"), "kept") << "only the prefix OCI_ANNOTATION_ is dropped";
    EXPECT_EQ(env->at("OCI_ANNOTATION_mine"), "2");
}

}  // namespace
}  // namespace skiff::plan
