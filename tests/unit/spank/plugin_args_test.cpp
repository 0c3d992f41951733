#include "launcher/spank/plugin_args.hpp"

#include <gtest/gtest.h>

namespace skiff::spank {
namespace {

// The default is the skiff that `cmake --install` puts next to the plugin's prefix.
TEST(PluginArguments, NoneMeansTheInstalledSkiff) {
    auto settings = parse_plugin_arguments({});
    ASSERT_TRUE(settings) << settings.error().message;
    EXPECT_EQ(settings->skiff, SKIFF_INSTALLED_BINARY);
    EXPECT_TRUE(settings->skiff.starts_with('/')) << settings->skiff;
    EXPECT_TRUE(settings->skiff.ends_with("/bin/skiff")) << settings->skiff;
}

TEST(PluginArguments, SkiffNamesTheBinaryAndTheLastOneWins) {
    auto settings = parse_plugin_arguments({"skiff=/opt/skiff/bin/skiff", "skiff=/usr/bin/skiff"});
    ASSERT_TRUE(settings) << settings.error().message;
    EXPECT_EQ(settings->skiff, "/usr/bin/skiff");
}

TEST(PluginArguments, AValueMayHoldAnEqualsSign) {
    auto settings = parse_plugin_arguments({"skiff=/opt/a=b/skiff"});
    ASSERT_TRUE(settings) << settings.error().message;
    EXPECT_EQ(settings->skiff, "/opt/a=b/skiff");
}

// A typo in plugstack.conf says so, with the arguments there are, instead of being ignored.
TEST(PluginArguments, AnUnknownArgumentIsAnErrorThatListsTheKnownOnes) {
    for (std::string_view word : {"skif=/usr/bin/skiff", "skiff", "SKIFF=/usr/bin/skiff", "", "runtime_path=/run"}) {
        SCOPED_TRACE(word);
        auto settings = parse_plugin_arguments({word});
        ASSERT_FALSE(settings);
        EXPECT_EQ(settings.error().message, "plugstack.conf: spank_skiff.so argument '" + std::string(word) +
                                                "' is unknown (known: skiff=PATH)");
    }
}

// Relative to slurmstepd's working directory, a path means something else on every node.
TEST(PluginArguments, APathMustBeAbsolute) {
    for (std::string_view word : {"skiff=", "skiff=skiff", "skiff=./bin/skiff"}) {
        SCOPED_TRACE(word);
        auto settings = parse_plugin_arguments({word});
        ASSERT_FALSE(settings);
        EXPECT_NE(settings.error().message.find("needs an absolute path"), std::string::npos) << settings.error().message;
    }
}

}  // namespace
}  // namespace skiff::spank
