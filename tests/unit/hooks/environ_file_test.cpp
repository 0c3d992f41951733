// ENROOT_ENVIRON: written, read back with enroot's rules, and merged below [env].
#include "hooks/external/environ_file.hpp"

#include <gtest/gtest.h>

#include "hooks/external/hook_environment.hpp"

namespace skiff::hooks::external {
namespace {

TEST(EnvironFile, RenderLeavesOutValuesWithNewlines) {
    EXPECT_EQ(render_environ({{"A", "1"}, {"B", "two\nlines"}, {"C", "x=y"}}), "A=1\nC=x=y\n");
}

TEST(EnvironFile, ParseFollowsEnrootsRules) {
    auto f = parse_environ("# comment\n\nA=1\nB=\"quoted value\"\nC='single'\nD=\"mismatched'\nE=a=b\nA=2\n"
                           "F=\"\"\nG=\n");
    EXPECT_TRUE(f.warnings.empty());
    EXPECT_EQ(f.values, (EnvMap{{"A", "2"}, {"B", "quoted value"}, {"C", "single"}, {"D", "\"mismatched'"},
                               {"E", "a=b"}, {"F", ""}, {"G", ""}}));
}

TEST(EnvironFile, NamesThatAreNotIdentifiersAreSkippedWithAWarning) {
    auto f = parse_environ("OK=1\nBAD-NAME=2\n1X=3\nnoequals\n");
    EXPECT_EQ(f.values, (EnvMap{{"OK", "1"}}));
    ASSERT_EQ(f.warnings.size(), 3u);
    EXPECT_EQ(f.warnings[0], "ENROOT_ENVIRON line 2: 'BAD-NAME' is not a variable name; skipped");
}

TEST(EnvironFile, ChangesAddsAndDeletionsApplyBelowFixedNames) {
    EnvMap env{{"KEEP", "k"}, {"CHANGE", "old"}, {"DROP", "d"}, {"PINNED", "edf"}, {"MULTI", "a\nb"}};
    const EnvMap prefilled = renderable(env);
    EnvMap after{{"KEEP", "k"}, {"CHANGE", "new"}, {"ADDED", "+"}, {"PINNED", "hook"}, {"ENROOT_X", "1"}};
    auto kept = apply_environ(env, prefilled, after, {"PINNED"});
    EXPECT_EQ(env, (EnvMap{{"KEEP", "k"}, {"CHANGE", "new"}, {"ADDED", "+"}, {"PINNED", "edf"}, {"MULTI", "a\nb"}}))
        << "DROP deleted; MULTI was never written, so it is not a deletion; ENROOT_* never taken";
    EXPECT_EQ(kept, (std::vector<std::string>{"PINNED"}));
}

TEST(HookEnvironment, HostPlusAnnotationsWithoutHostAnnotationVariables) {
    std::map<std::string, edf::Sourced<std::string>> annotations{
        {"com.hooks.ssh.port", {"15300", {}}}, {"org.site.dcgm-enabled", {"true", {}}}};
    auto env = hook_environment({{"PATH", "/usr/bin"}, {"OCI_ANNOTATION_stale", "x"}}, annotations);
    EXPECT_EQ(env.at("PATH"), "/usr/bin") << "hooks run with the host's environment";
    EXPECT_FALSE(env.contains("OCI_ANNOTATION_stale")) << "host OCI_ANNOTATION_* are ignored (edf.md §9)";
    EXPECT_EQ(env.at("OCI_ANNOTATION_com__hooks__ssh__port"), "15300");
    EXPECT_EQ(env.at("OCI_ANNOTATION_org__site__dcgm_enabled"), "true");
    EXPECT_EQ(env.at("SKIFF_VERSION"), SKIFF_VERSION);
    EXPECT_FALSE(env.at("SKIFF_ARCH").empty());
}

}  // namespace
}  // namespace skiff::hooks::external
