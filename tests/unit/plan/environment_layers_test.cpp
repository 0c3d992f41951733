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

}  // namespace
}  // namespace skiff::plan
