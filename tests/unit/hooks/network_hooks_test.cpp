// Which network hooks are on (annotations, site defaults, aws_ofi_nccl implying cxi), the
// failure policy, and what the cxi and aws_ofi_nccl hooks contribute (hooks.md §0-§2).
#include <gtest/gtest.h>

#include "hooks/network_hooks.hpp"
#include "tests/unit/hooks/fake_host.hpp"

namespace skiff::hooks {
namespace {

using testing::ContextParts;
using testing::write_library;

// A fake host: libfabric needing libcxi, two "devices", a plugin per variant.
struct FakeSite {
    test::TempDir dir{"site"};
    std::string toml(const std::string& cxi_default = "true", const std::string& extra = "") const {
        return "[hooks.cxi]\ndefault = \"" + cxi_default + "\"\nlibraries = [\"" + dir.path() + "/lib/libfabric.so.*\"]\n" +
               "devices = [\"" + dir.path() + "/dev/cxi*\", \"" + dir.path() + "/dev/xpmem\"]\n" + extra +
               "[hooks.aws_ofi_nccl]\ndefault_variant = \"cuda-dl\"\n"
               "variants = { cuda-dl = \"" + dir.path() + "/ofi/dl\", cuda12 = \"" + dir.path() + "/ofi/12\" }\n";
    }
    FakeSite() {
        write_library(dir, "lib/libfabric.so.1", "libfabric.so.1", {"libcxi.so.1", "libc.so.6"});
        write_library(dir, "lib/libcxi.so.1", "libcxi.so.1", {"libc.so.6"});
        write_library(dir, "ofi/dl/lib/libnccl-net.so", "libnccl-net.so", {"libfabric.so.1", "libcudart.so.12"});
        dir.write_file("dev/cxi0", "");
        dir.write_file("dev/cxi1", "");
    }
};

struct HookRig {
    FakeSite host;
    test::TempDir config_dir{"config"};
    ContextParts parts;
    NetworkSettings settings;
    Diagnostics diag;

    explicit HookRig(const std::string& cxi_default = "true", const std::string& extra = "") {
        parts.site = testing::site_config(config_dir, host.toml(cxi_default, extra));
        auto read = read_network_settings(parts.site);
        EXPECT_TRUE(read) << (read ? "" : read.error().message);
        if (read) settings = *read;
    }
    Result<std::vector<ActiveHook>> active(const FileExists& exists = [](const std::string&) { return false; }) {
        return active_network_hooks(settings, parts.annotations, diag, exists);
    }
    // Every active hook's contribution, as skiff run gathers them.
    Result<std::vector<Contribution>> run() {
        auto hooks = active();
        if (!hooks) return Unexpected(hooks.error());
        for (const auto& hook : *hooks) {
            auto c = contribute(hook, settings, parts.context(), diag);
            if (!c) return Unexpected(c.error());
            if (*c) parts.earlier.push_back(**c);
        }
        return parts.earlier;
    }
};

std::string env_of(const Contribution& c, const std::string& name) {
    for (const auto& [k, v] : c.env)
        if (k == name) return v;
    return "<unset>";
}

TEST(NetworkHooks, SiteDefaultTurnsCxiOnAndAnAnnotationWins) {
    HookRig s("true");
    auto on = s.active();
    ASSERT_TRUE(on) << on.error().message;
    ASSERT_EQ(on->size(), 1u);
    EXPECT_FALSE((*on)[0].requested);
    EXPECT_EQ((*on)[0].why, "site default (" + s.parts.site.path + ")");
    s.parts.annotate("com.hooks.cxi.enabled", "OFF");
    EXPECT_TRUE(s.active()->empty());
    s.parts.annotate("com.hooks.cxi.enabled", "maybe");
    auto bad = s.active();
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error().message, "command line: annotation com.hooks.cxi.enabled = \"maybe\" is not a switch; "
                                   "use true or false");
}

TEST(NetworkHooks, AutoMeansOnWhenTheAutoDeviceExists) {
    HookRig s("auto");
    EXPECT_TRUE(s.active([](const std::string&) { return false; })->empty());
    auto on = s.active([](const std::string& p) { return p == "/dev/cxi0"; });
    ASSERT_EQ(on->size(), 1u);
    EXPECT_EQ((*on)[0].why, "site default auto: /dev/cxi0 exists");
}

TEST(NetworkHooks, NcclImpliesCxiUnlessCxiIsExplicitlyOffThenWarns) {
    HookRig s("false");
    s.parts.annotate("com.hooks.aws_ofi_nccl.enabled", "true");
    auto on = s.active();
    ASSERT_TRUE(on) << on.error().message;
    ASSERT_EQ(on->size(), 2u);
    EXPECT_EQ(hook_name((*on)[0].hook), std::string("cxi"));
    EXPECT_TRUE((*on)[0].requested) << "failures of a cxi hook the NCCL request implies are errors";
    EXPECT_EQ((*on)[1].variant, "cuda-dl") << "the site's default variant";
    s.parts.annotate("com.hooks.cxi.enabled", "false");
    on = s.active();
    ASSERT_EQ(on->size(), 1u);
    ASSERT_EQ(s.diag.warnings.size(), 1u);
    EXPECT_EQ(s.diag.warnings[0], "com.hooks.cxi.enabled=false (command line) wins over the aws_ofi_nccl hook: "
                                  "NCCL will not reach the network through the host's libfabric");
}

TEST(NetworkHooks, AHookTheSiteDoesNotConfigureCannotBeRequested) {
    test::TempDir dir("config");
    ContextParts parts;
    parts.site = testing::site_config(dir, "[hooks.other]\nx = 1\n");
    Diagnostics diag;
    auto settings = read_network_settings(parts.site);
    ASSERT_TRUE(settings);
    EXPECT_TRUE(active_network_hooks(*settings, parts.annotations, diag)->empty()) << "no [hooks.cxi]: off";
    parts.annotate("com.hooks.cxi.enabled", "true");
    auto on = active_network_hooks(*settings, parts.annotations, diag);
    ASSERT_FALSE(on);
    EXPECT_EQ(on.error().message, "com.hooks.cxi.enabled=true (command line): this node's site configuration (" +
                                      parts.site.path + ") has no [hooks.cxi] table; ask the site's administrators, "
                                                        "or remove the annotation");
}

TEST(NetworkHooks, CxiInjectsTheClosureBindsExistingDevicesAndSetsTheProviderPath) {
    HookRig s("true");
    auto all = s.run();
    ASSERT_TRUE(all) << all.error().message;
    ASSERT_EQ(all->size(), 1u);
    const auto& cxi = (*all)[0];
    ASSERT_EQ(cxi.libraries.size(), 2u);
    EXPECT_EQ(cxi.libraries[0].name, "libfabric.so.1");
    EXPECT_EQ(cxi.libraries[1].reason, "needed by libfabric.so.1");
    std::vector<std::string> devices;
    for (const auto& op : cxi.mounts) devices.push_back(op.destination);
    EXPECT_EQ(devices, (std::vector<std::string>{s.host.dir / "dev/cxi0", s.host.dir / "dev/cxi1"}));
    EXPECT_TRUE(cxi.mounts[0].read_only);
    EXPECT_EQ(env_of(cxi, "FI_PROVIDER_PATH"), "/.skiff/lib/libfabric");
    EXPECT_EQ(cxi.notes.front(), "on: site default (" + s.parts.site.path + ")");
    EXPECT_NE(std::find(cxi.notes.begin(), cxi.notes.end(), "no device matches " + s.host.dir / "dev/xpmem" + " on this node"),
              cxi.notes.end());
}

// What the plan memory checks before it reuses a plan with these contributions.
TEST(NetworkHooks, EachHookNamesEveryHostPathItRead) {
    HookRig s("true");
    s.parts.annotate("com.hooks.aws_ofi_nccl.enabled", "true");
    auto all = s.run();
    ASSERT_TRUE(all) << all.error().message;
    ASSERT_EQ(all->size(), 2u);
    const auto& dir = s.host.dir;
    ASSERT_TRUE((*all)[0].host_inputs);
    EXPECT_EQ(testing::described(*(*all)[0].host_inputs),
              (std::vector<std::string>{dir / "lib/libfabric.so.1", dir / "lib/libcxi.so.1", dir / "lib",
                                        dir / "dev", "presence " + dir / "dev/xpmem",
                                        "presence " + dir / "lib/libfabric"}));
    ASSERT_TRUE((*all)[1].host_inputs);
    EXPECT_EQ(testing::described(*(*all)[1].host_inputs),
              (std::vector<std::string>{dir / "ofi/dl/lib/libnccl-net.so", "presence " + dir / "ofi/dl/libnccl-net.so",
                                        "presence " + dir / "ofi/dl/libnccl-net-ofi.so",
                                        "presence " + dir / "ofi/dl/libnccl-net-aws-ofi.so",
                                        "presence " + dir / "ofi/dl/lib/libnccl-net.so"}));
}

TEST(NetworkHooks, AnAbiProblemIsAnErrorWhenRequestedAndAWarningBySiteDefault) {
    HookRig s("true");
    s.parts.libc = testing::glibc_image("GLIBC_2.30");
    auto quiet = s.run();
    ASSERT_TRUE(quiet) << quiet.error().message;
    EXPECT_TRUE(quiet->empty());
    ASSERT_EQ(s.diag.warnings.size(), 1u);
    EXPECT_NE(s.diag.warnings[0].find("cxi hook (on by site default ("), std::string::npos) << s.diag.warnings[0];
    EXPECT_NE(s.diag.warnings[0].find("needs GLIBC_2.34 (libc.so.6), the image has glibc 2.30; nothing injected "
                                      "(com.hooks.cxi.enabled=true makes this an error)"),
              std::string::npos)
        << s.diag.warnings[0];
    s.parts.annotate("com.hooks.cxi.enabled", "true");
    auto loud = s.run();
    ASSERT_FALSE(loud);
    EXPECT_EQ(loud.error().message, "cxi hook: libfabric.so.1 (" + s.host.dir / "lib/libfabric.so.1" +
                                        ") needs GLIBC_2.34 (libc.so.6), the image has glibc 2.30; or disable the hook "
                                        "with --annotation com.hooks.cxi.enabled=false");
}

TEST(NetworkHooks, MuslImageWithTheHookOnByDefaultJustWarns) {
    HookRig s("true");
    s.parts.libc = testing::musl_image();
    s.parts.annotate("com.hooks.cxi.enabled", "true");
    auto all = s.run();
    ASSERT_TRUE(all) << "never an error on musl: " << all.error().message;
    ASSERT_EQ(all->size(), 1u);
    EXPECT_TRUE((*all)[0].libraries.empty());
    EXPECT_EQ(env_of((*all)[0], "FI_PROVIDER_PATH"), "<unset>") << "no libfabric injected";
    ASSERT_EQ(s.diag.warnings.size(), 1u);
    EXPECT_EQ(s.diag.warnings[0], "cxi hook: the image uses musl; 2 glibc-linked host libraries are not injected "
                                  "(libfabric.so.1 libcxi.so.1)");
}

TEST(NetworkHooks, NcclInjectsThePluginUnderItsNcclNamesAndSetsTheEnvironment) {
    HookRig s("false");
    s.parts.annotate("com.hooks.aws_ofi_nccl.enabled", "true");
    auto all = s.run();
    ASSERT_TRUE(all) << all.error().message;
    ASSERT_EQ(all->size(), 2u);
    const auto& nccl = (*all)[1];
    ASSERT_EQ(nccl.libraries.size(), 1u) << "libfabric came with cxi, libcudart is the GPU runtime's";
    EXPECT_EQ(nccl.libraries[0].name, "libnccl-net.so");
    EXPECT_EQ(nccl.libraries[0].aliases, (std::vector<std::string>{"libnccl-net-ofi.so", "libnccl-net-aws-ofi.so"}));
    EXPECT_EQ(env_of(nccl, "NCCL_NET"), "AWS Libfabric");
    EXPECT_EQ(env_of(nccl, "NCCL_PROTO"), "^LL128");
    EXPECT_EQ(env_of(nccl, "FI_MR_CACHE_MONITOR"), "userfaultfd");
    EXPECT_EQ(nccl.env.size(), 9u);
}

TEST(NetworkHooks, AnUnknownVariantListsTheKnownOnes) {
    HookRig s("false");
    s.parts.annotate("com.hooks.aws_ofi_nccl.enabled", "yes");
    s.parts.annotate("com.hooks.aws_ofi_nccl.variant", "cuda11");
    auto all = s.run();
    ASSERT_FALSE(all);
    EXPECT_EQ(all.error().message, "aws_ofi_nccl hook: com.hooks.aws_ofi_nccl.variant: unknown variant 'cuda11'; "
                                   "this site has: cuda-dl, cuda12; or disable the hook with --annotation "
                                   "com.hooks.aws_ofi_nccl.enabled=false");
}

TEST(NetworkHooks, ASiteEnvTableReplacesTheNcclDefaultsButKeepsNcclNet) {
    HookRig s("false");
    test::TempDir dir("config2");
    s.parts.site = testing::site_config(dir, s.host.toml("false") + "env = { NCCL_CROSS_NIC = \"0\" }\n");
    s.settings = *read_network_settings(s.parts.site);
    s.parts.annotate("com.hooks.aws_ofi_nccl.enabled", "true");
    auto all = s.run();
    ASSERT_TRUE(all) << all.error().message;
    const auto& nccl = all->back();
    EXPECT_EQ(nccl.env, (std::vector<std::pair<std::string, std::string>>{{"NCCL_NET", "AWS Libfabric"}, {"NCCL_CROSS_NIC", "0"}}));
}

TEST(NetworkHooks, AnotherNcclNetPluginInTheFinalEnvironmentWarns) {
    EXPECT_FALSE(nccl_plugin_warning({}));
    EXPECT_FALSE(nccl_plugin_warning({{"NCCL_NET_PLUGIN", "ofi"}}));
    EXPECT_FALSE(nccl_plugin_warning({{"NCCL_NET_PLUGIN", "libnccl-net-aws-ofi.so"}}));
    EXPECT_EQ(nccl_plugin_warning({{"NCCL_NET_PLUGIN", "/opt/mine/libnccl-net-custom.so"}}).value_or(""),
              "aws_ofi_nccl hook: NCCL_NET_PLUGIN=/opt/mine/libnccl-net-custom.so names another plugin, which NCCL "
              "loads instead of the injected one; unset it in the EDF (NCCL_NET_PLUGIN = \"\")");
}

TEST(NetworkHooks, SiteErrorsNameFileLineAndKey) {
    test::TempDir dir("config");
    auto site = testing::site_config(dir, "[hooks.cxi]\ndefault = \"sometimes\"\n");
    auto settings = read_network_settings(site);
    ASSERT_FALSE(settings);
    EXPECT_EQ(settings.error().message, site.path + ":2: hooks.cxi.default must be \"true\", \"false\" or \"auto\" (got \"sometimes\")");
    site = testing::site_config(dir, "[hooks.cxi]\nlibraries = [1]\n");
    settings = read_network_settings(site);
    ASSERT_FALSE(settings);
    EXPECT_EQ(settings.error().message, site.path + ":2: hooks.cxi.libraries must be an array of strings");
    site = testing::site_config(dir, "[hooks.aws_ofi_nccl]\ndefault = false\nvarients = {}\n");
    settings = read_network_settings(site);
    ASSERT_FALSE(settings) << "a misspelt key is an error, as in every table of the site configuration";
    EXPECT_EQ(settings.error().message, site.path + ":3: hooks.aws_ofi_nccl.varients is not a setting (did you mean "
                                        "'variants'?); valid: default default_variant variants env");
}

}  // namespace
}  // namespace skiff::hooks
