// [hooks.external]: the hook directories and the timeout.
#include "hooks/external/external_settings.hpp"

#include <gtest/gtest.h>

#include "tests/unit/hooks/site_text.hpp"

namespace skiff::hooks::external {
namespace {

TEST(ExternalSettings, DefaultsAreTheSiteDirectoryAndEnrootsUserDirectory) {
    auto s = read_settings(nullptr, {{"HOME", "/users/alice"}});
    ASSERT_TRUE(s) << s.error().message;
    EXPECT_EQ(s->system_dir, "/etc/skiff/hooks.d");
    EXPECT_EQ(s->user_dir, "/users/alice/.config/enroot/hooks.d");
    EXPECT_EQ(s->timeout_s, 120);
}

TEST(ExternalSettings, XdgConfigHomeWinsOverHome) {
    auto s = read_settings(nullptr, {{"HOME", "/users/alice"}, {"XDG_CONFIG_HOME", "/cfg"}});
    ASSERT_TRUE(s);
    EXPECT_EQ(s->user_dir, "/cfg/enroot/hooks.d");
}

TEST(ExternalSettings, NoHomeMeansNoUserDirectory) {
    auto s = read_settings(nullptr, {});
    ASSERT_TRUE(s);
    EXPECT_EQ(s->user_dir, "");
}

TEST(ExternalSettings, SiteChoosesDirectoriesTildeIsHomeEmptySwitchesOff) {
    auto site = test::site_text("[hooks.external]\nsystem_dir = \"\"\nuser_dir = \"~/.config/skiff/hooks.d\"\ntimeout_s = 30\n");
    auto s = read_settings(&site, {{"HOME", "/users/alice"}});
    ASSERT_TRUE(s) << s.error().message;
    EXPECT_EQ(s->system_dir, "");
    EXPECT_EQ(s->user_dir, "/users/alice/.config/skiff/hooks.d");
    EXPECT_EQ(s->timeout_s, 30);
}

TEST(ExternalSettings, RelativeDirectoryIsAnError) {
    auto site = test::site_text("[hooks.external]\n\nsystem_dir = \"hooks.d\"\n");
    auto s = read_settings(&site, {});
    ASSERT_FALSE(s);
    EXPECT_EQ(s.error().message,
              "/etc/skiff/skiff.toml:3: hooks.external.system_dir must be an absolute path or start with ~/, not 'hooks.d'");
}

TEST(ExternalSettings, BadTimeoutAndWrongTypesAreErrors) {
    auto site = test::site_text("[hooks.external]\ntimeout_s = 0\n");
    auto s = read_settings(&site, {});
    ASSERT_FALSE(s);
    EXPECT_EQ(s.error().message, "/etc/skiff/skiff.toml:2: hooks.external.timeout_s must be a whole number of seconds from 1 to 86400");
    site = test::site_text("[hooks.external]\nuser_dir = 3\n");
    s = read_settings(&site, {});
    ASSERT_FALSE(s);
    EXPECT_EQ(s.error().message, "/etc/skiff/skiff.toml:2: hooks.external.user_dir must be a string");
}

}  // namespace
}  // namespace skiff::hooks::external
