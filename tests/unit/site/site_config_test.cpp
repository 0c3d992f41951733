#include "launcher/site/site_config.hpp"

#include <gtest/gtest.h>

#include "tests/support/temp_dir.hpp"

namespace skiff::site {
namespace {

TEST(SiteConfig, ExplicitFileIsParsed) {
    test::TempDir dir("site");
    auto path = dir.write_file("skiff.toml", "[hooks.cxi]\nenabled = true\n");
    auto config = load_site_config({{"SKIFF_CONFIG", path}});
    ASSERT_TRUE(config) << config.error().message;
    EXPECT_EQ(config->path, path);
    auto table = find_table(*config, "hooks.cxi");
    ASSERT_TRUE(table);
    ASSERT_NE(*table, nullptr);
    EXPECT_TRUE((*table)->as_table().at("enabled").as_boolean());
    auto absent = find_table(*config, "hooks.ssh");
    ASSERT_TRUE(absent);
    EXPECT_EQ(*absent, nullptr);
}

TEST(SiteConfig, MissingExplicitFileIsAnError) {
    auto config = load_site_config({{"SKIFF_CONFIG", "/nonexistent/skiff.toml"}});
    ASSERT_FALSE(config);
    EXPECT_EQ(config.error().message,
              "cannot read the site configuration '/nonexistent/skiff.toml' (SKIFF_CONFIG): No such file or directory");
}

TEST(SiteConfig, SyntaxErrorNamesFileLineAndColumn) {
    test::TempDir dir("site");
    auto path = dir.write_file("skiff.toml", "[hooks.cxi]\nenabled = tru\n");
    auto config = load_site_config({{"SKIFF_CONFIG", path}});
    ASSERT_FALSE(config);
    EXPECT_TRUE(config.error().message.starts_with(path + ":2:")) << config.error().message;
}

TEST(SiteConfig, KeyThatIsNotATableIsNamed) {
    test::TempDir dir("site");
    auto path = dir.write_file("skiff.toml", "hooks = 3\n");
    auto config = load_site_config({{"SKIFF_CONFIG", path}});
    ASSERT_TRUE(config);
    auto table = find_table(*config, "hooks.cxi");
    ASSERT_FALSE(table);
    EXPECT_EQ(table.error().message, path + ":1: 'hooks' must be a table");
}

TEST(SiteConfig, DeepNestingIsRefusedBeforeParsing) {
    test::TempDir dir("site");
    auto path = dir.write_file("skiff.toml", "[hooks.cxi]\ndevices = " + std::string(100000, '[') + "\n");
    auto config = load_site_config({{"SKIFF_CONFIG", path}});
    ASSERT_FALSE(config);
    EXPECT_EQ(config.error().message, path + ":2: arrays, inline tables and dotted keys nest more than 32 levels"
                                             " deep here; skiff reads no deeper TOML, flatten this value");
}

TEST(SiteConfig, FileOverOneMebibyteIsRefused) {
    test::TempDir dir("site");
    auto path = dir.write_file("skiff.toml", "[hooks.cxi]\n" + std::string(1024 * 1024, '#') + "\n");
    auto config = load_site_config({{"SKIFF_CONFIG", path}});
    ASSERT_FALSE(config);
    EXPECT_EQ(config.error().message, path + ": the file is larger than 1 MiB, the most skiff reads of a TOML file;"
                                             " check that it is the file you meant");
}

TEST(SiteConfig, EndlessFileIsRefused) {
    auto config = load_site_config({{"SKIFF_CONFIG", "/dev/zero"}});
    ASSERT_FALSE(config);
    EXPECT_EQ(config.error().message, "/dev/zero: the file is larger than 1 MiB, the most skiff reads of a TOML file;"
                                      " check that it is the file you meant");
}

}  // namespace
}  // namespace skiff::site
