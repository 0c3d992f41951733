// The `devices` key: CDI names and /dev paths, merged over base environments, each once.
#include "edf_fixture.hpp"

namespace skiff::edf {
namespace {

using EdfDevices = testing::EdfFixture;

TEST_F(EdfDevices, BaseDevicesComeFirstAndRepeatsAreDropped) {
    std::string base = edf("base", "image = \"x\"\ndevices = [\"nvidia.com/gpu=all\"]\n");
    std::string app = edf("app", "base_environment = \"base\"\ndevices = [\n  \"/dev/fuse\",\n"
                                 "  \"nvidia.com/gpu=all\",\n  \"${DEV}\",\n]\n");
    options.host_env["DEV"] = "/dev/null";
    auto env = load("app");
    ASSERT_TRUE(env) << first_error();
    ASSERT_EQ(env->devices.size(), 3u);
    EXPECT_EQ(env->devices[0].value, "nvidia.com/gpu=all");
    EXPECT_EQ(env->devices[0].origin.str(), base + ":2");
    EXPECT_EQ(env->devices[1].value, "/dev/fuse");
    EXPECT_EQ(env->devices[1].origin.str(), app + ":3");
    EXPECT_EQ(env->devices[2].value, "/dev/null");
    EXPECT_EQ(env->devices[2].origin.str(), app + ":5");
}

TEST_F(EdfDevices, ABadRequestNamesTheFileLineAndIndex) {
    std::string path = edf("a", "image = \"x\"\ndevices = [\"/dev/fuse\",\n \"gpu0\"]\n");
    EXPECT_FALSE(load("a"));
    EXPECT_EQ(first_error(), path + ":3: devices[1]: 'gpu0' is neither a CDI device name (vendor/class=name, "
                                    "e.g. nvidia.com/gpu=0) nor a /dev path");
    edf("a", "image = \"x\"\ndevices = [\"/etc/shadow\"]\n");
    EXPECT_FALSE(load("a"));
    EXPECT_EQ(first_error(), path + ":2: devices[0]: device '/etc/shadow' is not a path under /dev");
}

TEST_F(EdfDevices, ASingleStringIsATypeErrorWithTheFix) {
    std::string path = edf("a", "image = \"x\"\ndevices = \"nvidia.com/gpu=0\"\n");
    EXPECT_FALSE(load("a"));
    EXPECT_EQ(first_error(), path + ":2: 'devices' must be an array of strings, not the string \"nvidia.com/gpu=0\"; "
                                    "write devices = [\"nvidia.com/gpu=0\"]");
}

}  // namespace
}  // namespace skiff::edf
