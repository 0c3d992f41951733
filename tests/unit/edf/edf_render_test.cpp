// `skiff edf show`: to_text() and to_json().
#include "edf_fixture.hpp"

namespace skiff::edf {
namespace {

Environment sample() {
    Environment env;
    env.files = {"/e/base.toml", "/e/app.toml"};
    env.image = Sourced<std::string>{"ubuntu:24.04", {"/e/base.toml", 1}};
    env.writable = Sourced<bool>{false, {"/e/app.toml", 3}};
    MountSpec mount;
    mount.source = "/s";
    mount.destination = "/d";
    mount.flags.read_only = true;
    mount.origin = {"/e/app.toml", 4};
    mount.text = "/s:/d:ro";
    env.mounts.push_back(mount);
    env.devices.push_back({"nvidia.com/gpu=0", {"/e/app.toml", 5}});
    env.env["NOTE"] = Sourced<std::string>{"say \"hi\"\n\tand \\ \x01", {"/e/app.toml", 6}};
    env.env["GONE"] = Sourced<std::string>{"", {"/e/app.toml", 7}};
    env.annotations["com.hooks.ssh.port"] = Sourced<std::string>{"15300", {"/e/base.toml", 9}};
    return env;
}

TEST(EdfRender, Text) {
    EXPECT_EQ(to_text(sample()), R"(# EDF files applied, in order:
#   /e/base.toml
#   /e/app.toml
image = "ubuntu:24.04"  # /e/base.toml:1
entrypoint = false  # default
writable = false  # /e/app.toml:3
mounts = [
  "/s:/d:ro",  # /e/app.toml:4
]
devices = [
  "nvidia.com/gpu=0",  # /e/app.toml:5
]

[env]
GONE = ""  # /e/app.toml:7 (unsets the variable)
NOTE = "say \"hi\"\n\tand \\ \u0001"  # /e/app.toml:6

[annotations]
"com.hooks.ssh.port" = "15300"  # /e/base.toml:9
)");
}

TEST(EdfRender, Json) {
    EXPECT_EQ(to_json(sample()), R"({
  "files": [
    "/e/base.toml",
    "/e/app.toml"
  ],
  "image": {"value": "ubuntu:24.04", "origin": "/e/base.toml:1"},
  "workdir": null,
  "entrypoint": {"value": false, "origin": null},
  "writable": {"value": false, "origin": "/e/app.toml:3"},
  "mounts": [
    {"source": "/s", "destination": "/d", "flags": ["ro", "rbind", "rprivate"], "origin": "/e/app.toml:4", "text": "/s:/d:ro"}
  ],
  "devices": [
    {"value": "nvidia.com/gpu=0", "origin": "/e/app.toml:5"}
  ],
  "env": {
    "GONE": {"value": "", "origin": "/e/app.toml:7"},
    "NOTE": {"value": "say \"hi\"\n\tand \\ \u0001", "origin": "/e/app.toml:6"}
  },
  "annotations": {
    "com.hooks.ssh.port": {"value": "15300", "origin": "/e/base.toml:9"}
  }
}
)");
}

TEST(EdfRender, EmptyEnvironment) {
    std::string json = to_json(Environment{});
    EXPECT_NE(json.find("\"files\": [],"), std::string::npos);
    EXPECT_NE(json.find("\"image\": null,"), std::string::npos);
    EXPECT_NE(json.find("\"mounts\": [],"), std::string::npos);
    EXPECT_NE(json.find("\"devices\": [],"), std::string::npos);
    EXPECT_EQ(to_text(Environment{}).find("devices"), std::string::npos) << "shown only when there are some";
    EXPECT_NE(json.find("\"annotations\": {}\n"), std::string::npos);
    EXPECT_NE(to_text(Environment{}).find("mounts = []\n"), std::string::npos);
}

TEST(EdfRender, OriginString) {
    EXPECT_EQ((Origin{"/e/a.toml", 4}).str(), "/e/a.toml:4");
    EXPECT_EQ((Origin{"command line", 0}).str(), "command line");
    EXPECT_EQ(Origin{}.str(), "");
}

using EdfShow = testing::EdfFixture;

TEST_F(EdfShow, LoadedEnvironmentRoundTripsThroughText) {
    mkdir("scratch");
    edf("a", "image = \"ubuntu:24.04\"\nmounts = [\"${SCRATCH}:/s:ro+nosuid\"]\n[env]\nA = \"1\"\n");
    auto env = load("a");
    ASSERT_TRUE(env) << first_error();
    std::string text = to_text(*env);
    EXPECT_NE(text.find("  \"" + root + "/scratch:/s:ro+nosuid\",  # " + edf_dir + "/a.toml:2\n"), std::string::npos)
        << text;
    EXPECT_NE(text.find("A = \"1\"  # " + edf_dir + "/a.toml:4\n"), std::string::npos) << text;
}

}  // namespace
}  // namespace skiff::edf
