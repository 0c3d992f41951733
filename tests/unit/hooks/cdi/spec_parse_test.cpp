#include "hooks/cdi/spec_parse.hpp"

#include <gtest/gtest.h>

#include "hooks/cdi/cdi_names.hpp"
#include "tests/unit/hooks/cdi/cdi_test_specs.hpp"

namespace skiff::cdi {
namespace {

using testing::gpu_md_json;
using testing::gpu_md_json_050;
using testing::gpu_md_yaml;

std::string json_error(const std::string& text) {
    auto r = parse_spec_text(text, SpecFormat::json, "s.json");
    return r ? "(loaded)" : r.error().message;
}

std::string yaml_error(const std::string& text) {
    auto r = parse_spec_text(text, SpecFormat::yaml, "s.yaml");
    return r ? "(loaded)" : r.error().message;
}

// A 0.3.0-style JSON spec with `edits` as the device's containerEdits and `top` as extra
// top-level fields.
std::string spec_with(const std::string& version, const std::string& edits, const std::string& top = "") {
    return R"({"cdiVersion":")" + version + R"(","kind":"vendor.com/dev",)" + top +
           R"("devices":[{"name":"d0","containerEdits":)" + edits + "}]}";
}

TEST(CdiSpec, ReadsTheYamlExampleOfGpuMd) {
    auto spec = parse_spec_text(gpu_md_yaml, SpecFormat::yaml, "/etc/cdi/nvidia.yaml");
    ASSERT_TRUE(spec) << spec.error().message;
    EXPECT_EQ(spec->file, "/etc/cdi/nvidia.yaml");
    EXPECT_EQ(spec->version, "0.5.0");
    EXPECT_EQ(spec->kind, "nvidia.com/gpu");
    ASSERT_EQ(spec->devices.size(), 1u);
    EXPECT_EQ(spec->devices[0].name, "0");
    ASSERT_EQ(spec->devices[0].edits.device_nodes.size(), 1u);
    EXPECT_EQ(spec->devices[0].edits.device_nodes[0].path, "/dev/nvidia0");
    EXPECT_EQ(spec->devices[0].edits.device_nodes[0].host(), "/dev/nvidia0");
    EXPECT_EQ(spec->edits.env, std::vector<std::string>{"NVIDIA_VISIBLE_DEVICES=void"});
    ASSERT_EQ(spec->edits.mounts.size(), 1u);
    EXPECT_EQ(spec->edits.mounts[0].container_path, "/usr/lib64/libcuda.so.550.54.15");
    EXPECT_EQ(spec->edits.mounts[0].options,
              (std::vector<std::string>{"ro", "nosuid", "nodev", "rbind", "rprivate"}));
    ASSERT_EQ(spec->edits.hooks.size(), 1u);
    EXPECT_EQ(spec->edits.hooks[0].hook_name, "createContainer");
    EXPECT_EQ(spec->edits.hooks[0].args,
              (std::vector<std::string>{"nvidia-cdi-hook", "update-ldcache", "--folder", "/usr/lib64"}));
}

TEST(CdiSpec, TheJsonExampleOfGpuMdNeedsVersion050ForItsDigitName) {
    EXPECT_EQ(json_error(gpu_md_json),
              "s.json: devices[0].name: a name starting with a digit ('0') needs cdiVersion 0.5.0 or later; "
              "the spec declares 0.3.0");
    auto spec = parse_spec_text(gpu_md_json_050, SpecFormat::json, "s.json");
    ASSERT_TRUE(spec) << spec.error().message;
    EXPECT_EQ(spec->devices[0].edits.device_nodes[0].path, "/dev/nvidia0");
    EXPECT_TRUE(spec->edits.empty());
}

TEST(CdiSpec, JsonAndYamlGiveTheSameSpec) {
    auto from_json = parse_spec_text(gpu_md_json_050, SpecFormat::json, "f");
    auto from_yaml = parse_spec_text(
        "cdiVersion: \"0.5.0\"\nkind: nvidia.com/gpu\ndevices:\n  - name: \"0\"\n    containerEdits:\n"
        "      deviceNodes:\n        - path: /dev/nvidia0\n",
        SpecFormat::yaml, "f");
    ASSERT_TRUE(from_json && from_yaml);
    EXPECT_EQ(from_json->devices[0].name, from_yaml->devices[0].name);
    EXPECT_EQ(from_json->devices[0].edits.device_nodes[0].path, from_yaml->devices[0].edits.device_nodes[0].path);
}

TEST(CdiSpec, ReadsEveryFieldOfVersion110) {
    std::string edits = R"({"env":["A=1"],
        "deviceNodes":[{"path":"/dev/x","hostPath":"/dev/y","type":"c","major":195,"minor":0,"fileMode":438,
                        "permissions":"rw","uid":0,"gid":0}],
        "mounts":[{"hostPath":"/h","containerPath":"/c","options":["ro"],"type":"bind"}],
        "hooks":[{"hookName":"createContainer","path":"/bin/h","args":["h"],"env":["X=1"],"timeout":5}],
        "additionalGids":[5,6],
        "intelRdt":{"closID":"c","schemata":["L3:0=f"],"enableMonitoring":true},
        "netDevices":[{"hostInterfaceName":"eth1","name":"net1"}]})";
    auto spec = parse_spec_text(spec_with("1.1.0", edits, R"("annotations":{"a":"b"},)"), SpecFormat::json, "f");
    ASSERT_TRUE(spec) << spec.error().message;
    const auto& e = spec->devices[0].edits;
    EXPECT_EQ(e.device_nodes[0].host(), "/dev/y");
    EXPECT_EQ(e.device_nodes[0].major, 195);
    EXPECT_EQ(e.device_nodes[0].file_mode, 438u);
    EXPECT_EQ(e.mounts[0].type, "bind");
    EXPECT_EQ(e.hooks[0].timeout, 5);
    EXPECT_EQ(e.additional_gids, (std::vector<std::uint32_t>{5, 6}));
    ASSERT_TRUE(e.intel_rdt);
    EXPECT_EQ(e.intel_rdt->clos_id, "c");
    ASSERT_EQ(e.net_devices.size(), 1u);
    EXPECT_EQ(e.net_devices[0].name, "net1");
    EXPECT_EQ(spec->annotations.at("a"), "b");
}

// Each feature fails one version before the one that added it and loads from that version on.
struct Gate {
    const char* before;
    const char* since;
    std::string text;
    const char* error;
};

TEST(CdiSpec, EveryFieldNeedsTheVersionThatAddedIt) {
    const std::vector<Gate> gates = {
        {"0.3.0", "0.4.0", spec_with("%", R"({"mounts":[{"hostPath":"/h","containerPath":"/c","type":"bind"}]})"),
         "f: device 'd0'.containerEdits.mounts[0].type: needs cdiVersion 0.4.0 or later; the spec declares 0.3.0"},
        {"0.4.0", "0.5.0", spec_with("%", R"({"deviceNodes":[{"path":"/dev/x","hostPath":"/dev/y"}]})"),
         "f: device 'd0'.containerEdits.deviceNodes[0].hostPath: needs cdiVersion 0.5.0 or later; the spec declares 0.4.0"},
        {"0.5.0", "0.6.0", spec_with("%", R"({"env":["A=1"]})", R"("annotations":{"a":"b"},)"),
         "f: annotations: needs cdiVersion 0.6.0 or later; the spec declares 0.5.0"},
        {"0.5.0", "0.6.0",
         R"({"cdiVersion":"%","kind":"v.com/c","devices":[{"name":"d","annotations":{},"containerEdits":{"env":["A=1"]}}]})",
         "f: devices[0].annotations: needs cdiVersion 0.6.0 or later; the spec declares 0.5.0"},
        {"0.5.0", "0.6.0", R"({"cdiVersion":"%","kind":"v.com/c.x","devices":[{"name":"d","containerEdits":{"env":["A=1"]}}]})",
         "f: kind: a '.' in the class of 'v.com/c.x' needs cdiVersion 0.6.0 or later; the spec declares 0.5.0"},
        {"0.6.0", "0.7.0", spec_with("%", R"({"additionalGids":[5]})"),
         "f: device 'd0'.containerEdits.additionalGids: needs cdiVersion 0.7.0 or later; the spec declares 0.6.0"},
        {"0.6.0", "0.7.0", spec_with("%", R"({"intelRdt":{"closID":"x"}})"),
         "f: device 'd0'.containerEdits.intelRdt: needs cdiVersion 0.7.0 or later; the spec declares 0.6.0"},
        {"1.0.0", "1.1.0", spec_with("%", R"({"netDevices":[{"hostInterfaceName":"a","name":"b"}]})"),
         "f: device 'd0'.containerEdits.netDevices: needs cdiVersion 1.1.0 or later; the spec declares 1.0.0"},
        {"1.0.0", "1.1.0", spec_with("%", R"({"intelRdt":{"closID":"x","enableMonitoring":true}})"),
         "f: device 'd0'.containerEdits.intelRdt.enableMonitoring: needs cdiVersion 1.1.0 or later; the spec declares 1.0.0"},
        {"1.0.0", "1.1.0", spec_with("%", R"({"intelRdt":{"schemata":["L3:0=f"]}})"),
         "f: device 'd0'.containerEdits.intelRdt.schemata: needs cdiVersion 1.1.0 or later; the spec declares 1.0.0"},
    };
    auto with = [](std::string text, const char* version) { return text.replace(text.find('%'), 1, version); };
    for (const auto& g : gates) {
        auto old = parse_spec_text(with(g.text, g.before), SpecFormat::json, "f");
        ASSERT_FALSE(old) << g.error;
        EXPECT_EQ(old.error().message, g.error);
        auto current = parse_spec_text(with(g.text, g.since), SpecFormat::json, "f");
        EXPECT_TRUE(current) << g.error << ": " << current.error().message;
    }
}

TEST(CdiSpec, VersionsOutsideTheRangeAreRefused) {
    for (const char* v : {"0.3.0", "0.4.0", "0.5.0", "0.6.0", "0.7.0", "0.8.0", "1.0.0", "1.1.0"})
        EXPECT_EQ(json_error(spec_with(v, R"({"env":["A=1"]})")), "(loaded)") << v;
    EXPECT_EQ(json_error(spec_with("0.2.0", "{}")),
              "s.json: cdiVersion: '0.2.0' is not supported; skiff reads cdiVersion 0.3.0 to 1.1.0");
    EXPECT_EQ(json_error(spec_with("1.2.0", "{}")),
              "s.json: cdiVersion: '1.2.0' is not supported; skiff reads cdiVersion 0.3.0 to 1.1.0");
    EXPECT_EQ(json_error(R"({"kind":"a.com/b","devices":[]})"),
              "s.json: cdiVersion: is required; skiff reads cdiVersion 0.3.0 to 1.1.0");
    EXPECT_EQ(json_error(R"({"cdiVersion":0.5,"kind":"a.com/b"})"), "s.json: cdiVersion: must be a string, not number");
}

TEST(CdiSpec, MalformedSpecsAreOneLineNamingTheFileAndField) {
    EXPECT_EQ(json_error(R"({"cdiVersion":"0.6.0","kind":"nvidia","devices":[]})"),
              "s.json: kind: kind 'nvidia' must be vendor/class");
    EXPECT_EQ(json_error(R"({"cdiVersion":"0.6.0","kind":"1vendor/gpu","devices":[]})"),
              "s.json: kind: vendor '1vendor' must start with a letter");
    EXPECT_EQ(json_error(R"({"cdiVersion":"0.6.0","kind":"v.com/g*u","devices":[]})"),
              "s.json: kind: class 'g*u' has '*'; allowed: letters, digits, '.', '_', '-'");
    EXPECT_EQ(json_error(R"({"cdiVersion":"0.6.0","kind":"v.com/g","devices":[{"name":"a b","containerEdits":{"env":["A=1"]}}]})"),
              "s.json: devices[0].name: device name 'a b' has ' '; allowed: letters, digits, '.', '_', ':', '-'");
    EXPECT_EQ(json_error(R"({"cdiVersion":"0.6.0","kind":"v.com/g","devices":[{"name":"x-","containerEdits":{"env":["A=1"]}}]})"),
              "s.json: devices[0].name: device name 'x-' must end with a letter or digit");
    EXPECT_EQ(json_error(spec_with("0.6.0", R"({"env":["A=1"]})", R"("kindShort":"x",)")),
              "s.json: kindShort: unknown field; valid here: cdiVersion, kind, annotations, devices, containerEdits");
    EXPECT_EQ(json_error(spec_with("0.6.0", R"({"devicenodes":[]})")),
              "s.json: device 'd0'.containerEdits.devicenodes: unknown field; valid here: env, deviceNodes, mounts, hooks");
    EXPECT_EQ(json_error(spec_with("0.6.0", R"({"env":"A=1"})")),
              "s.json: device 'd0'.containerEdits.env: must be a list, not string");
    EXPECT_EQ(json_error(spec_with("0.6.0", R"({"env":[1]})")),
              "s.json: device 'd0'.containerEdits.env[0]: must be a string, not number");
    EXPECT_EQ(json_error(spec_with("0.6.0", R"({"env":["NOVALUE"]})")),
              "s.json: device 'd0'.containerEdits.env[0]: 'NOVALUE' must be NAME=VALUE");
    EXPECT_EQ(json_error(spec_with("0.6.0", R"({"deviceNodes":[{"path":"dev/x"}]})")),
              "s.json: device 'd0'.containerEdits.deviceNodes[0].path: 'dev/x' must be an absolute path");
    EXPECT_EQ(json_error(spec_with("0.6.0", R"({"deviceNodes":[{"path":"/dev/x","major":"195"}]})")),
              "s.json: device 'd0'.containerEdits.deviceNodes[0].major: must be an integer, not string");
    EXPECT_EQ(json_error(spec_with("0.6.0", R"({"deviceNodes":[{"path":"/dev/x","type":"x"}]})")),
              "s.json: device 'd0'.containerEdits.deviceNodes[0].type: 'x' must be one of b, c, u, p");
    EXPECT_EQ(json_error(spec_with("0.6.0", R"({"deviceNodes":[{"path":"/dev/x","uid":-1}]})")),
              "s.json: device 'd0'.containerEdits.deviceNodes[0].uid: -1 is out of range 0..4294967295");
    EXPECT_EQ(json_error(spec_with("0.6.0", R"({"mounts":[{"hostPath":"/h","containerPath":"c"}]})")),
              "s.json: device 'd0'.containerEdits.mounts[0].containerPath: 'c' must be an absolute path");
    EXPECT_EQ(json_error(spec_with("0.6.0", R"({"hooks":[{"hookName":"prestop","path":"/h"}]})")),
              "s.json: device 'd0'.containerEdits.hooks[0].hookName: 'prestop' is not one of prestart, createRuntime, "
              "createContainer, startContainer, poststart, poststop");
    EXPECT_EQ(json_error(spec_with("0.6.0", "{}")), "s.json: device 'd0'.containerEdits: is empty");
    EXPECT_EQ(json_error(R"({"cdiVersion":"0.6.0","kind":"v.com/g","devices":[]})"),
              "s.json: devices: the spec has no devices");
    EXPECT_EQ(json_error(R"({"cdiVersion":"0.6.0","kind":"v.com/g","devices":[{"name":"a","containerEdits":{"env":["A=1"]}},{"name":"a","containerEdits":{"env":["A=1"]}}]})"),
              "s.json: device 'a': is defined twice");
    EXPECT_EQ(json_error("[1]"), "s.json: a CDI spec must be a mapping, not array");
    EXPECT_EQ(json_error("{"), "s.json: not valid JSON");
    EXPECT_EQ(yaml_error("cdiVersion: 0.6.0\nkind: [x]\n"), "s.yaml: kind: must be a string, not array");
}

TEST(CdiSpec, ErrorsQuotingTheSpecStayOneLine) {
    EXPECT_EQ(json_error(spec_with("0.6.0", R"({"env":["A=1"]})", R"("bad\nkey\u001b[31m":1,)")),
              "s.json: bad?key?[31m: unknown field; valid here: cdiVersion, kind, annotations, devices, containerEdits");
}

TEST(CdiSpec, OversizeAndDeepSpecsAreRefused) {
    std::string big(max_spec_bytes + 1, ' ');
    EXPECT_EQ(json_error(big), "s.json: 1048577 bytes, more than the 1048576 a CDI spec may have");
    EXPECT_EQ(yaml_error(big), "s.yaml: 1048577 bytes, more than the 1048576 a CDI spec may have");
    std::string deep = std::string(100000, '[') + std::string(100000, ']');
    EXPECT_EQ(json_error(deep), "s.json: nested deeper than 32 levels");
    EXPECT_EQ(yaml_error(deep), "s.yaml: line 1: nested deeper than 32 levels");
}

TEST(CdiSpec, YamlAliasBombIsRefused) {
    std::string bomb = "cdiVersion: 0.6.0\nkind: a.com/b\nx: &a [lol, lol, lol]\ny: [*a, *a, *a]\n";
    EXPECT_EQ(yaml_error(bomb), "s.yaml: line 3: YAML anchors and aliases are not supported in CDI specs");
}

TEST(CdiNames, QualifiedNames) {
    std::string why;
    auto q = parse_qualified("nvidia.com/gpu=GPU-4f2a:0", why);
    ASSERT_TRUE(q) << why;
    EXPECT_EQ(q->kind, "nvidia.com/gpu");
    EXPECT_EQ(q->name, "GPU-4f2a:0");
    EXPECT_TRUE(parse_qualified("nvidia.com/gpu=all", why));
    EXPECT_FALSE(parse_qualified("nvidia.com/gpu", why));
    EXPECT_EQ(why, "'nvidia.com/gpu' is not a CDI device name vendor/class=name (nvidia.com/gpu=0)");
    EXPECT_FALSE(parse_qualified("nvidia.com/gpu=", why));
    EXPECT_EQ(why, "'nvidia.com/gpu=': device name is empty");
    EXPECT_FALSE(parse_qualified("gpu=0", why));
    EXPECT_EQ(why, "'gpu=0': kind 'gpu' must be vendor/class");
}

}  // namespace
}  // namespace skiff::cdi
