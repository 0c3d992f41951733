#include "hooks/cdi/cdi_registry.hpp"

#include <gtest/gtest.h>

#include "hooks/cdi/cdi_resolve.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/unit/hooks/cdi/cdi_test_specs.hpp"

namespace skiff::cdi {
namespace {

// A spec of `kind` whose devices set MARK=<mark> each.
std::string marked_spec(const std::string& kind, const std::vector<std::string>& devices, const std::string& mark) {
    std::string out = R"({"cdiVersion":"0.6.0","kind":")" + kind + R"(","devices":[)";
    for (std::size_t i = 0; i < devices.size(); ++i)
        out += std::string(i ? "," : "") + R"({"name":")" + devices[i] + R"(","containerEdits":{"env":["MARK=)" + mark +
               R"("]}})";
    return out + R"(],"containerEdits":{"env":["TOP=)" + mark + R"("]}})";
}

std::string mark_of(const Resolution& r, const std::string& device) {
    for (const auto& e : r.edits)
        if (e.device && e.spec->kind + "=" + e.device->name == device) return e.edits->env.at(0);
    return "";
}

class CdiRegistryTest : public ::testing::Test {
protected:
    test::TempDir root{"cdi"};
    std::string etc = root / "etc";
    std::string run = root / "run";
};

// The plan memory's inputs for a CDI lookup: what load_cdi_registry read, missing
// directories included (one made later must make a new plan).
TEST_F(CdiRegistryTest, ItNamesEachDirectoryThenEachSpecFileItRead) {
    root.write_file("etc/nvidia.yaml", testing::gpu_md_yaml);
    root.write_file("etc/a.json", marked_spec("vendor.com/net", {"a"}, "etc"));
    root.write_file("etc/notes.txt", "not a spec");
    EXPECT_EQ(load_cdi_registry({etc, run}).read,
              (std::vector<std::string>{etc, etc + "/a.json", etc + "/nvidia.yaml", run}));
}

TEST_F(CdiRegistryTest, ReadsJsonAndYamlAndSkipsOtherFilesAndMissingDirectories) {
    root.write_file("etc/nvidia.yaml", testing::gpu_md_yaml);
    root.write_file("etc/other.json", marked_spec("vendor.com/net", {"a"}, "etc"));
    root.write_file("etc/notes.txt", "not a spec");
    auto registry = load_cdi_registry({etc, root / "missing"});
    EXPECT_EQ(registry.specs.size(), 2u);
    EXPECT_TRUE(registry.unreadable.empty());
    EXPECT_EQ(registry.kinds.at("nvidia.com/gpu").devices.count("0"), 1u);
    EXPECT_EQ(registry.kinds.at("vendor.com/net").devices.count("a"), 1u);
}

TEST_F(CdiRegistryTest, ALaterDirectoryWins) {
    root.write_file("etc/a.json", marked_spec("vendor.com/gpu", {"0", "1"}, "etc"));
    root.write_file("run/a.json", marked_spec("vendor.com/gpu", {"1"}, "run"));
    auto registry = load_cdi_registry({etc, run});
    auto r = resolve_devices(registry, {"vendor.com/gpu=0", "vendor.com/gpu=1"});
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(mark_of(*r, "vendor.com/gpu=0"), "MARK=etc");
    EXPECT_EQ(mark_of(*r, "vendor.com/gpu=1"), "MARK=run");
    // Each used spec's top-level edits once, first, then the devices' in request order.
    ASSERT_EQ(r->edits.size(), 4u);
    EXPECT_EQ(r->edits[0].device, nullptr);
    EXPECT_EQ(r->edits[0].edits->env.at(0), "TOP=etc");
    EXPECT_EQ(r->edits[1].device, nullptr);
    EXPECT_EQ(r->edits[1].edits->env.at(0), "TOP=run");
    EXPECT_EQ(r->edits[2].device->name, "0");
    EXPECT_EQ(r->edits[3].device->name, "1");
}

TEST_F(CdiRegistryTest, ADeviceTwiceInOneDirectoryIsDropped) {
    root.write_file("etc/a.json", marked_spec("vendor.com/gpu", {"0", "1"}, "a"));
    root.write_file("etc/b.json", marked_spec("vendor.com/gpu", {"1"}, "b"));
    auto registry = load_cdi_registry({etc});
    EXPECT_TRUE(resolve_devices(registry, {"vendor.com/gpu=0"}));
    auto r = resolve_devices(registry, {"vendor.com/gpu=1"});
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().message, "CDI device 'vendor.com/gpu=1': defined in both " + etc + "/a.json and " + etc +
                                     "/b.json; CDI drops a device defined twice in one directory");
    // A later directory that defines it once brings it back.
    root.write_file("run/c.json", marked_spec("vendor.com/gpu", {"1"}, "c"));
    auto both = load_cdi_registry({etc, run});
    auto later = resolve_devices(both, {"vendor.com/gpu=1"});
    ASSERT_TRUE(later) << later.error().message;
    EXPECT_EQ(mark_of(*later, "vendor.com/gpu=1"), "MARK=c");
}

TEST_F(CdiRegistryTest, AllIsEveryDeviceOnceInDefinitionOrder) {
    root.write_file("etc/a.json", marked_spec("vendor.com/gpu", {"b", "a"}, "x"));
    auto registry = load_cdi_registry({etc});
    auto r = resolve_devices(registry, {"vendor.com/gpu=a", "vendor.com/gpu=all"});
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(r->devices, (std::vector<std::string>{"vendor.com/gpu=a", "vendor.com/gpu=b"}));
    auto all = resolve_devices(registry, {"vendor.com/gpu=all"});
    ASSERT_TRUE(all);
    EXPECT_EQ(all->devices, (std::vector<std::string>{"vendor.com/gpu=b", "vendor.com/gpu=a"}));
    EXPECT_EQ(all->edits.size(), 3u);  // the top-level edits once
}

// NVIDIA's generated specs define a device "all" with every GPU's edits: that one is used.
TEST_F(CdiRegistryTest, ADeviceNamedAllIsUsedForAll) {
    root.write_file("etc/a.json", marked_spec("nvidia.com/gpu", {"0", "1", "all"}, "x"));
    auto registry = load_cdi_registry({etc});
    auto r = resolve_devices(registry, {"nvidia.com/gpu=all"});
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(r->devices, (std::vector<std::string>{"nvidia.com/gpu=all"}));
}

TEST_F(CdiRegistryTest, UnknownNamesListWhatThereIs) {
    std::vector<std::string> many;
    for (int i = 0; i < 12; ++i) many.push_back("d" + std::to_string(i));
    root.write_file("etc/a.json", marked_spec("vendor.com/gpu", many, "x"));
    auto registry = load_cdi_registry({etc});
    auto device = resolve_devices(registry, {"vendor.com/gpu=d99"});
    ASSERT_FALSE(device);
    EXPECT_EQ(device.error().message,
              "CDI device 'vendor.com/gpu=d99': vendor.com/gpu has no device 'd99'; it has: d0, d1, d10, d11, d2, "
              "d3, d4, d5 and 5 more");
    auto kind = resolve_devices(registry, {"other.com/x=0"});
    ASSERT_FALSE(kind);
    EXPECT_EQ(kind.error().message, "CDI device 'other.com/x=0': no spec for kind 'other.com/x'; known kinds: vendor.com/gpu");
    auto empty = load_cdi_registry({root / "nowhere"});
    auto none = resolve_devices(empty, {"nvidia.com/gpu=0"});
    ASSERT_FALSE(none);
    EXPECT_EQ(none.error().message,
              "CDI device 'nvidia.com/gpu=0': no spec for kind 'nvidia.com/gpu'; no CDI specs in " + root.path() + "/nowhere");
    auto bad = resolve_devices(registry, {"vendor.com/gpu"});
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error().message, "CDI device 'vendor.com/gpu' is not a CDI device name vendor/class=name (nvidia.com/gpu=0)");
}

TEST_F(CdiRegistryTest, AMalformedSpecIsReportedOnlyWhenItsKindIsRequested) {
    root.write_file("etc/good.json", marked_spec("vendor.com/net", {"a"}, "x"));
    root.write_file("etc/bad.json", R"({"cdiVersion":"0.6.0","kind":"nvidia.com/gpu","devices":[{"name":"0","containerEdits":{"bogus":1}}]})");
    root.write_file("etc/garbage.yaml", "{{{");
    auto registry = load_cdi_registry({etc});
    auto fine = resolve_devices(registry, {"vendor.com/net=a"});
    EXPECT_TRUE(fine) << fine.error().message;
    auto r = resolve_devices(registry, {"nvidia.com/gpu=0"});
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().message, "CDI device 'nvidia.com/gpu=0': " + etc +
                                     "/bad.json: device '0'.containerEdits.bogus: unknown field; valid here: env, "
                                     "deviceNodes, mounts, hooks");
    // A file whose kind cannot be read shows when a name is not found.
    auto missing = resolve_devices(registry, {"vendor.com/net=zz"});
    ASSERT_FALSE(missing);
    EXPECT_NE(missing.error().message.find("; 1 spec file(s) could not be read, first: " + etc + "/garbage.yaml: line "),
              std::string::npos)
        << missing.error().message;
}

}  // namespace
}  // namespace skiff::cdi
