// `skiff edf check` runs the hooks' checks that `skiff run` makes before the command (issue
// 24, wrong 3): each problem is one error line.
#include "hooks/check_hooks.hpp"

#include <gtest/gtest.h>

#include "tests/unit/hooks/site_text.hpp"

namespace skiff::hooks {
namespace {

std::vector<std::string> errors_of(std::map<std::string, std::string> annotations, const std::string& site = "") {
    edf::Environment environment;
    for (auto& [key, value] : annotations) environment.annotations[key] = {value, {"/u/job.toml", 3}};
    Diagnostics diag;
    check_hooks(environment, test::site_text(site), {{"HOME", "/u"}}, diag);
    return diag.errors;
}

TEST(CheckHooks, NothingAskedIsFine) { EXPECT_TRUE(errors_of({}).empty()); }

TEST(CheckHooks, BadSwitchValueIsOneError) {
    auto errors = errors_of({{"com.hooks.cxi.enabled", "maybe"}});
    ASSERT_EQ(errors.size(), 1u);
    EXPECT_EQ(errors[0], "/u/job.toml:3: annotation com.hooks.cxi.enabled = \"maybe\" is not a switch; use true or false");
    EXPECT_EQ(errors_of({{"com.hooks.slurm.enabled", "sure"}}).size(), 1u);
}

TEST(CheckHooks, SshWithoutKeyIsAnError) {
    auto errors = errors_of({{"com.hooks.ssh.enabled", "true"}});
    ASSERT_EQ(errors.size(), 1u);
    EXPECT_NE(errors[0].find("com.hooks.ssh.enabled needs com.hooks.ssh.authorize_ssh_key"), std::string::npos)
        << errors[0];
    errors = errors_of({{"com.hooks.ssh.enabled", "true"}, {"com.hooks.ssh.authorize_ssh_key", "/nonexistent/k.pub"}});
    ASSERT_EQ(errors.size(), 1u);
    EXPECT_NE(errors[0].find("cannot read '/nonexistent/k.pub'"), std::string::npos) << errors[0];
}

TEST(CheckHooks, HookTheSiteDoesNotConfigureAndUnknownVariantAreErrors) {
    auto errors = errors_of({{"com.hooks.cxi.enabled", "true"}});
    ASSERT_EQ(errors.size(), 1u);
    EXPECT_NE(errors[0].find("has no [hooks.cxi] table"), std::string::npos) << errors[0];
    errors = errors_of({{"com.hooks.aws_ofi_nccl.enabled", "true"}, {"com.hooks.aws_ofi_nccl.variant", "cuda13"}},
                       "[hooks.aws_ofi_nccl.variants]\ncuda12 = \"/opt/ofi\"\n");
    ASSERT_EQ(errors.size(), 1u);
    EXPECT_EQ(errors[0], "com.hooks.aws_ofi_nccl.variant: unknown variant 'cuda13'; this site has: cuda12");
}

TEST(CheckHooks, SiteConfigurationIsChecked) {
    auto errors = errors_of({}, "[hooks.standard]\nhome = \"ture\"\n");
    ASSERT_EQ(errors.size(), 1u);
    EXPECT_NE(errors[0].find("hooks.standard.home must be true or false"), std::string::npos) << errors[0];
    errors = errors_of({}, "[hooks.bogus]\n");
    ASSERT_EQ(errors.size(), 1u);
    EXPECT_NE(errors[0].find("unknown table [hooks.bogus]"), std::string::npos) << errors[0];
}

}  // namespace
}  // namespace skiff::hooks
