#include "hooks/cdi/cdi_contribution.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "launcher/plan/planner.hpp"
#include "launcher/plan/render.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/unit/hooks/fake_host.hpp"
#include "tests/unit/hooks/cdi/cdi_test_specs.hpp"
#include "tests/unit/ldcache/elf_builder.hpp"

namespace skiff::cdi {
namespace {

using plan::MountKind;
using plan::MountOp;

bool has_note(const plan::Contribution& c, const std::string& text) {
    return std::any_of(c.notes.begin(), c.notes.end(), [&](const std::string& n) { return n == text; });
}

// A fake host: a stand-in device node, a driver library with its soname, a data directory,
// and /etc/cdi/nvidia.json the way nvidia-ctk writes it (nvidia-cdi-hook hooks included).
class CdiContributionTest : public ::testing::Test {
protected:
    void SetUp() override {
        node = host.write_file("dev/nvidia0", "");
        ldtest::ElfSpec lib;
        lib.soname = "libcuda.so.1";
        libcuda = host.write_file("lib/libcuda.so.550.54.15", ldtest::build_elf(lib));
        data = host / "share";
        host.write_file("share/file", "x");
    }

    // `top` and `device`: the top-level and device containerEdits.
    void write_spec(const std::string& top, const std::string& device, const std::string& version = "0.6.0") {
        host.write_file("etc/cdi/nvidia.json", R"({"cdiVersion":")" + version +
                                                   R"(","kind":"nvidia.com/gpu","devices":[{"name":"0","containerEdits":)" +
                                                   device + R"(}],"containerEdits":)" + top + "}");
    }

    std::string device_edits() const {
        return R"({"env":["DEV=0"],"deviceNodes":[{"path":"/dev/nvidia0","hostPath":")" + node +
               R"(","uid":0,"fileMode":438}]})";
    }

    Result<plan::Contribution> contribute(const std::vector<std::string>& names = {"nvidia.com/gpu=0"}) {
        return cdi_contribution(load_cdi_registry({host / "etc/cdi"}), names);
    }

    std::string spec_file() { return host / "etc/cdi/nvidia.json"; }

    test::TempDir host{"cdi-host"};
    std::string node, libcuda, data;
};

TEST_F(CdiContributionTest, MapsEditsToOperationsInOrder) {
    write_spec(R"({"env":["NVIDIA_VISIBLE_DEVICES=void"],
        "mounts":[{"hostPath":")" + data + R"(","containerPath":"/usr/share/nvidia/deep","options":["ro","rbind","nosuid"]},
                  {"hostPath":")" + libcuda + R"(","containerPath":"/usr/lib64/libcuda.so.550.54.15","options":["ro","nosuid","nodev","bind","rprivate"]}],
        "hooks":[{"hookName":"createContainer","path":"/usr/bin/nvidia-cdi-hook","args":["nvidia-cdi-hook","update-ldcache","--folder","/usr/lib64"]},
                 {"hookName":"createContainer","path":"/usr/bin/nvidia-cdi-hook","args":["nvidia-cdi-hook","create-symlinks","--link","libcuda.so.1::/usr/lib64/libcuda.so"]}]})",
               device_edits());
    auto c = contribute();
    ASSERT_TRUE(c) << c.error().message;
    EXPECT_EQ(c->hook, "cdi");
    EXPECT_EQ(c->env, (std::vector<std::pair<std::string, std::string>>{{"NVIDIA_VISIBLE_DEVICES", "void"}, {"DEV", "0"}}));
    ASSERT_EQ(c->mounts.size(), 5u);
    // Mounts by depth, then the device node, then the symlinks: ldconfig's soname link first.
    const MountOp& lib = c->mounts[0];
    EXPECT_EQ(lib.kind, MountKind::bind);
    EXPECT_EQ(lib.source, libcuda);
    EXPECT_EQ(lib.destination, "/usr/lib64/libcuda.so.550.54.15");
    EXPECT_TRUE(lib.read_only && lib.nosuid && lib.nodev && !lib.noexec && !lib.recursive);
    EXPECT_EQ(lib.origin, "cdi nvidia.com/gpu (" + spec_file() + ")");
    const MountOp& dir = c->mounts[1];
    EXPECT_EQ(dir.destination, "/usr/share/nvidia/deep");
    EXPECT_TRUE(dir.read_only && dir.recursive && dir.nosuid && !dir.nodev);
    const MountOp& dev = c->mounts[2];
    EXPECT_EQ(dev.source, node);
    EXPECT_EQ(dev.destination, "/dev/nvidia0");
    EXPECT_FALSE(dev.read_only);
    EXPECT_TRUE(dev.nosuid && dev.noexec && !dev.nodev && !dev.recursive);
    EXPECT_EQ(dev.create, plan::CreatePolicy::file);
    EXPECT_EQ(dev.origin, "cdi nvidia.com/gpu=0 (" + spec_file() + "): device");
    const MountOp& soname = c->mounts[3];
    EXPECT_EQ(soname.kind, MountKind::symlink);
    EXPECT_EQ(soname.source, "libcuda.so.550.54.15");
    EXPECT_EQ(soname.destination, "/usr/lib64/libcuda.so.1");
    const MountOp& link = c->mounts[4];
    EXPECT_EQ(link.kind, MountKind::symlink);
    EXPECT_EQ(link.source, "libcuda.so.1");
    EXPECT_EQ(link.destination, "/usr/lib64/libcuda.so");
    // update-ldcache: the library mounted into /usr/lib64 joins the cache under its soname.
    ASSERT_EQ(c->cache_entries.size(), 1u);
    EXPECT_EQ(c->cache_entries[0].key, "libcuda.so.1");
    EXPECT_EQ(c->cache_entries[0].container_path, "/usr/lib64/libcuda.so.550.54.15");
    EXPECT_EQ(c->notes.front(), "device nvidia.com/gpu=0");
    EXPECT_TRUE(has_note(*c, "linker cache: libcuda.so.1 -> /usr/lib64/libcuda.so.550.54.15"));
    EXPECT_TRUE(has_note(*c, "symlink /usr/lib64/libcuda.so -> libcuda.so.1"));
    EXPECT_TRUE(has_note(*c, "nvidia.com/gpu=0 (" + spec_file() + "): device " + node +
                                 " -> /dev/nvidia0 (uid, gid, fileMode moot rootless)"));
    // What it read of the host, for the plan memory: the node's presence, the library whole.
    ASSERT_TRUE(c->host_inputs);
    EXPECT_EQ(hooks::testing::described(*c->host_inputs), (std::vector<std::string>{"presence " + node, libcuda}));
}

TEST_F(CdiContributionTest, NvidiaCtkHooksAndNotedSubcommands) {
    write_spec(R"({"hooks":[
        {"hookName":"createContainer","path":"/usr/bin/nvidia-ctk","args":["nvidia-ctk","hook","create-symlinks","--link=a::/b/c"]},
        {"hookName":"createContainer","path":"/usr/bin/nvidia-cdi-hook","args":["nvidia-cdi-hook","chmod","--mode","755","--path","/dev/dri"]},
        {"hookName":"createContainer","path":"/usr/bin/nvidia-cdi-hook","args":["nvidia-cdi-hook","enable-cuda-compat","--host-driver-version=550.54.15"]},
        {"hookName":"createContainer","path":"/usr/bin/nvidia-cdi-hook","args":["nvidia-cdi-hook","--debug","disable-device-node-modification"]},
        {"hookName":"createContainer","path":"/usr/bin/nvidia-cdi-hook","args":["nvidia-cdi-hook","update-ldcache","--folder","/usr/lib64"]}]})",
               device_edits());
    auto c = contribute();
    ASSERT_TRUE(c) << c.error().message;
    ASSERT_EQ(c->mounts.size(), 2u);
    EXPECT_EQ(c->mounts[1].kind, MountKind::symlink);
    EXPECT_EQ(c->mounts[1].destination, "/b/c");
    EXPECT_TRUE(c->cache_entries.empty());  // nothing mounted into /usr/lib64
    std::string label = "nvidia.com/gpu (" + spec_file() + ")";
    EXPECT_TRUE(has_note(*c, label + ": chmod hook ignored: rootless, skiff cannot change the modes of host device nodes"));
    EXPECT_TRUE(has_note(*c, label + ": enable-cuda-compat hook ignored: CUDA forward compatibility is skiff's nvidia hook's work"));
    EXPECT_TRUE(has_note(*c, label + ": disable-device-node-modification hook ignored: skiff mounts the host's driver "
                                     "parameters as they are"));
}

TEST_F(CdiContributionTest, RefusesWhatItCannotDo) {
    std::string label = "nvidia.com/gpu (" + spec_file() + ")";
    auto error_for = [&](const std::string& top, const std::string& version = "0.6.0") {
        write_spec(top, device_edits(), version);
        auto c = contribute();
        return c ? std::string("(contributed)") : c.error().message;
    };
    EXPECT_EQ(error_for(R"({"hooks":[{"hookName":"createContainer","path":"/opt/vendor/hook","args":["hook","--x"]}]})"),
              "CDI " + label + ": createContainer hook '/opt/vendor/hook --x': not an NVIDIA CDI hook; skiff does not "
              "run CDI hook programs, it does the work of NVIDIA's hooks itself (README, \"CDI devices\")");
    EXPECT_EQ(error_for(R"({"hooks":[{"hookName":"prestart","path":"/usr/bin/nvidia-cdi-hook","args":["nvidia-cdi-hook","update-ldcache"]}]})"),
              "CDI " + label + ": prestart hook '/usr/bin/nvidia-cdi-hook update-ldcache': NVIDIA's hooks run at "
              "createContainer; skiff does not run CDI hook programs, it does the work of NVIDIA's hooks itself "
              "(README, \"CDI devices\")");
    EXPECT_NE(error_for(R"({"hooks":[{"hookName":"createContainer","path":"/usr/bin/nvidia-cdi-hook","args":["nvidia-cdi-hook","frobnicate"]}]})")
                  .find("subcommand 'frobnicate' is unknown to skiff"),
              std::string::npos);
    EXPECT_NE(error_for(R"({"hooks":[{"hookName":"createContainer","path":"/usr/bin/nvidia-cdi-hook","args":["nvidia-cdi-hook","create-symlinks","--link","nolink"]}]})")
                  .find("--link 'nolink' is not TARGET::/ABSOLUTE/LINK"),
              std::string::npos);
    EXPECT_EQ(error_for(R"({"mounts":[{"hostPath":"tmpfs","containerPath":"/t","type":"tmpfs"}]})"),
              "CDI " + label + ": mount '/t': type 'tmpfs' is not supported; skiff makes bind mounts only");
    EXPECT_EQ(error_for(R"({"mounts":[{"hostPath":"/h","containerPath":"/t","options":["ro","shared"]}]})"),
              "CDI " + label + ": mount '/t': option 'shared' is not supported");
    EXPECT_EQ(error_for(R"({"additionalGids":[44]})", "0.7.0"),
              "CDI " + label + ": additionalGids is not supported rootless (it needs privilege skiff does not have)");
    EXPECT_EQ(error_for(R"({"netDevices":[{"hostInterfaceName":"eth0","name":"n"}]})", "1.1.0"),
              "CDI " + label + ": netDevices is not supported rootless (it needs privilege skiff does not have)");
    EXPECT_EQ(error_for(R"({"intelRdt":{"closID":"x"}})", "0.7.0"),
              "CDI " + label + ": intelRdt is not supported rootless (it needs privilege skiff does not have)");
}

TEST_F(CdiContributionTest, AMissingHostNodeIsAnError) {
    write_spec(R"({"env":["A=1"]})", R"({"deviceNodes":[{"path":"/dev/nvidia0","hostPath":")" + host / "dev/nvidia9" + R"("}]})");
    auto c = contribute();
    ASSERT_FALSE(c);
    EXPECT_EQ(c.error().message,
              "CDI nvidia.com/gpu=0 (" + spec_file() + "): device node '" + host / "dev/nvidia9" + "' does not exist on this host");
}

// What --dry-run prints: the hook's notes, then its mounts among the others.
TEST_F(CdiContributionTest, ShowsInTheDryRun) {
    write_spec(R"({"env":["NVIDIA_VISIBLE_DEVICES=void"],
        "mounts":[{"hostPath":")" + libcuda + R"(","containerPath":"/usr/lib64/libcuda.so.550.54.15","options":["ro","nosuid","nodev","bind"]}],
        "hooks":[{"hookName":"createContainer","path":"/usr/bin/nvidia-cdi-hook","args":["nvidia-cdi-hook","create-symlinks","--link","libcuda.so.1::/usr/lib64/libcuda.so"]}]})",
               device_edits());
    auto c = contribute();
    ASSERT_TRUE(c) << c.error().message;
    plan::PlanRequest r;
    r.image.kind = image::ImageSource::Kind::directory;
    r.image.path = "/images/app";
    r.host = {1000, 100, "alice", "users", "/users/alice", "/bin/bash", {}};
    r.command = {"true"};
    r.contributions.push_back(*c);
    auto plan = plan::make_plan(r);
    ASSERT_TRUE(plan) << plan.error().message;
    auto text = plan::render(*plan);
    std::string label = "nvidia.com/gpu (" + spec_file() + ")";
    for (const std::string& line : std::vector<std::string>{
             "hook     cdi: device nvidia.com/gpu=0\n",
             "hook     cdi: " + label + ": env NVIDIA_VISIBLE_DEVICES=void\n",
             "hook     cdi: symlink /usr/lib64/libcuda.so -> libcuda.so.1\n",
             "mount    bind  " + libcuda + " -> /usr/lib64/libcuda.so.550.54.15 [ro,bind,nosuid,nodev,rprivate] "
                 "create=like-source missing-source=error (cdi " + label + ")\n",
             "mount    bind  " + node + " -> /dev/nvidia0 [rw,bind,nosuid,noexec,rprivate] create=file "
                 "missing-source=error (cdi nvidia.com/gpu=0 (" + spec_file() + "): device)\n",
             "mount    symlink libcuda.so.1 -> /usr/lib64/libcuda.so [symlink] create=like-source "
                 "missing-source=error (cdi: NVIDIA hooks)\n",
             "env      NVIDIA_VISIBLE_DEVICES=\"void\"\n"})
        EXPECT_NE(text.find(line), std::string::npos) << line << "\nin:\n" << text;
}

// A spec shaped like nvidia-ctk's: every GPU name resolves, and the hooks are done natively.
TEST_F(CdiContributionTest, ANvidiaCtkSpecWorks) {
    std::string text = testing::nvidia_ctk_yaml;
    for (auto at = text.find("HOST"); at != std::string::npos; at = text.find("HOST")) text.replace(at, 4, host.path());
    host.write_file("etc/cdi/nvidia.yaml", text);
    host.write_file("dev/nvidiactl", "");
    host.write_file("dev/dri/card1", "");
    host.write_file("run/socket", "");
    for (const char* name : {"nvidia.com/gpu=0", "nvidia.com/gpu=GPU-4f2ab3c1-8d2e-11ee-b9d1-0242ac120002",
                             "nvidia.com/gpu=all"}) {
        auto c = contribute({name});
        ASSERT_TRUE(c) << name << ": " << c.error().message;
        EXPECT_EQ(c->cache_entries.size(), 1u) << name;
    }
    // Asked for twice over, each bind, link and cache key is there once.
    auto twice = contribute({"nvidia.com/gpu=0", "nvidia.com/gpu=all"});
    ASSERT_TRUE(twice) << twice.error().message;
    EXPECT_EQ(std::count_if(twice->mounts.begin(), twice->mounts.end(),
                            [](const MountOp& op) { return op.destination == "/dev/nvidia0"; }),
              1);
    auto c = contribute({"nvidia.com/gpu=0"});
    ASSERT_TRUE(c);
    EXPECT_EQ(twice->mounts.size(), c->mounts.size());
    std::vector<std::string> links;
    for (const auto& op : c->mounts)
        if (op.kind == MountKind::symlink) links.push_back(op.destination + " -> " + op.source);
    EXPECT_EQ(links, (std::vector<std::string>{"/usr/lib/x86_64-linux-gnu/libcuda.so.1 -> libcuda.so.550.54.15",
                                               "/usr/lib/x86_64-linux-gnu/libcuda.so -> libcuda.so.1",
                                               "/dev/dri/by-path/pci-0000:3b:00.0-card -> ../card1"}));
}

TEST_F(CdiContributionTest, AtimeOptionsAreNoted) {
    write_spec(R"({"mounts":[{"hostPath":")" + data + R"(","containerPath":"/d","options":["ro","noatime"]}]})", device_edits());
    auto c = contribute();
    ASSERT_TRUE(c) << c.error().message;
    EXPECT_TRUE(has_note(*c, "CDI nvidia.com/gpu (" + spec_file() + "): mount '/d': 'noatime' left to the host mount"));
}

}  // namespace
}  // namespace skiff::cdi
