// The plan memory (launcher/gather/plan_memory.hpp): a repeated launch takes the plan an
// earlier one stored, and any change to what that plan was made from (an EDF, the site
// configuration, an argument, the environment) makes the launch plan afresh. Each test has a
// runtime directory of its own (warm_fixture.hpp), so the memory starts empty.
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <thread>

#include "tests/ns/warm_fixture.hpp"
#include "tests/support/standin_driver.hpp"

namespace skiff::test {
namespace {

using namespace std::chrono_literals;

const std::string recalled = "recalled the plan remembered in";
const std::string remembered = "plan memory: remembered in";

class PlanMemory : public WarmTest {
protected:
    void SetUp() override {
        WarmTest::SetUp();
        env_["SKIFF_CONFIG"] = site_;
        write_site("");
        write_edf("one");
    }

    // Inputs changed within plan_memory.hpp's racy_ns of a launch's start are not stored.
    static void settle() { std::this_thread::sleep_for(50ms); }

    void write_site(const std::string& standard) {
        dir_.write_file("skiff.toml", "[hooks.standard]\n" + standard);
        settle();
    }
    void write_edf(const std::string& mark) {
        dir_.write_file("app.toml", "image = \"" + image("debian.sqsh") + "\"\n[env]\nEDF_MARK = \"" + mark + "\"\n");
        settle();
    }

    ProcessResult launch(const std::string& script, const std::vector<std::string>& flags = {"-v"}) const {
        std::vector<std::string> argv{skiff_binary(), "run", "-e", edf_};
        argv.insert(argv.end(), flags.begin(), flags.end());
        argv.insert(argv.end(), {"--", "/bin/sh", "-c", script});
        return run_process(argv, options());
    }

    // A launch that stores its plan, then one that takes it: both print `expected`.
    void remember(const std::string& script, const std::string& expected,
                  const std::vector<std::string>& flags = {"-v"}) const {
        auto first = launch(script, flags);
        ASSERT_EQ(first.status, 0) << first;
        EXPECT_EQ(first.out, expected);
        ASSERT_TRUE(says(first, remembered)) << first.err;
        auto again = launch(script, flags);
        ASSERT_EQ(again.status, 0) << again;
        EXPECT_EQ(again.out, expected);
        ASSERT_TRUE(says(again, recalled)) << again.err;
    }

    std::filesystem::path plans() const { return std::filesystem::path(runtime_.path()) / "skiff" / "plans"; }

    TempDir dir_{"memory"};
    std::string site_ = dir_ / "skiff.toml";
    std::string edf_ = dir_ / "app.toml";
};

TEST_F(PlanMemory, RepeatedLaunchTakesTheRememberedPlanAndNeitherLoadsNorPlans) {
    ASSERT_NO_FATAL_FAILURE(remember("echo $EDF_MARK", "one\n"));
    auto r = launch("echo $EDF_MARK; id -un");
    ASSERT_EQ(r.status, 0) << r;  // another command: another key
    EXPECT_FALSE(says(r, recalled)) << r.err;
    auto again = launch("echo $EDF_MARK");
    EXPECT_TRUE(says(again, recalled)) << again.err;
    EXPECT_FALSE(says(again, "loaded the environment")) << again.err;
    EXPECT_FALSE(says(again, "planned the launch")) << again.err;
    EXPECT_TRUE(says(again, "warm (")) << again.err;
}

TEST_F(PlanMemory, AChangedEdfIsPlannedAfresh) {
    ASSERT_NO_FATAL_FAILURE(remember("echo $EDF_MARK", "one\n"));
    write_edf("two");
    auto r = launch("echo $EDF_MARK");
    ASSERT_EQ(r.status, 0) << r;
    EXPECT_EQ(r.out, "two\n");
    EXPECT_TRUE(says(r, "planning afresh: '" + edf_ + "' changed")) << r.err;
}

TEST_F(PlanMemory, AChangedSiteConfigurationIsPlannedAfresh) {
    const std::string script = "id -un >/dev/null 2>&1 && echo known || echo unknown";
    ASSERT_NO_FATAL_FAILURE(remember(script, "known\n"));
    write_site("passwd = false\n");
    auto r = launch(script);
    ASSERT_EQ(r.status, 0) << r;
    EXPECT_EQ(r.out, "unknown\n");
    EXPECT_TRUE(says(r, "planning afresh: '" + site_ + "' changed")) << r.err;
}

TEST_F(PlanMemory, AnotherArgumentIsAnotherPlan) {
    ASSERT_NO_FATAL_FAILURE(remember("echo $EDF_MARK", "one\n"));
    auto r = launch("echo $EDF_MARK", {"-v", "--env", "EDF_MARK=flag"});
    ASSERT_EQ(r.status, 0) << r;
    EXPECT_EQ(r.out, "flag\n");
    EXPECT_FALSE(says(r, recalled)) << r.err;
}

TEST_F(PlanMemory, AnotherEnvironmentIsAnotherPlan) {
    env_["SKIFF_TEST_MARK"] = "first";
    ASSERT_NO_FATAL_FAILURE(remember("echo $SKIFF_TEST_MARK", "first\n"));
    env_["SKIFF_TEST_MARK"] = "second";
    auto r = launch("echo $SKIFF_TEST_MARK");
    ASSERT_EQ(r.status, 0) << r;
    EXPECT_EQ(r.out, "second\n");
    EXPECT_FALSE(says(r, recalled)) << r.err;
}

// An `ldcache` mount's linker cache is remembered with the plan; a library added to the
// directory, or one rewritten in place, makes the next launch scan and plan again.
TEST_F(PlanMemory, InjectedLibrariesAreRememberedUntilTheirDirectoryOrAFileChanges) {
    namespace fs = std::filesystem;
    const fs::path libs = dir_ / "libs";
    const fs::path host = "/usr/lib/x86_64-linux-gnu";
    SKIFF_REQUIRE(fs::exists(host / "libz.so.1") && fs::exists(host / "libbz2.so.1.0"),
                  "the host's libz.so.1 and libbz2.so.1.0 stand in for site libraries (Debian zlib1g, libbz2-1.0)");
    fs::create_directory(libs);
    fs::copy_file(host / "libz.so.1", libs / "libz.so.1");
    settle();
    const std::vector<std::string> flags{"-v", "-m", libs.string() + ":/opt/site/lib:ro+ldcache"};
    const std::string script = "/sbin/ldconfig -p | grep -o '/opt/site/lib/[^ ]*' | sort";
    ASSERT_NO_FATAL_FAILURE(remember(script, "/opt/site/lib/libz.so.1\n", flags));

    fs::copy_file(host / "libbz2.so.1.0", libs / "libbz2.so.1.0");
    settle();
    auto added = launch(script, flags);
    ASSERT_EQ(added.status, 0) << added;
    EXPECT_EQ(added.out, "/opt/site/lib/libbz2.so.1.0\n/opt/site/lib/libz.so.1\n");
    EXPECT_TRUE(says(added, "planning afresh: '" + libs.string() + "' changed")) << added.err;

    fs::copy_file(host / "libz.so.1", libs / "libz.so.1", fs::copy_options::overwrite_existing);  // same inode
    settle();
    auto rewritten = launch(script, flags);
    ASSERT_EQ(rewritten.status, 0) << rewritten;
    EXPECT_EQ(rewritten.out, added.out);
    EXPECT_TRUE(says(rewritten, "planning afresh: '" + (libs / "libz.so.1").string() + "' changed")) << rewritten.err;
}

// The network hooks name what they read (plan::Contribution::host_inputs), so a launch with
// the cxi hook on is remembered too, until a device appears, a dependency appears where it
// was looked for in vain, or a library of the closure is built again.
TEST_F(PlanMemory, NetworkHookLaunchesAreRememberedUntilADeviceOrALibraryChanges) {
    namespace fs = std::filesystem;
    // liba.so.1 needs libb.so.1, which no ld.so.cache names: it is looked for next to the
    // configured path (site/, a symlink) in vain, then found next to the file (build/).
    const fs::path build = dir_ / "build", site = dir_ / "site", dev = dir_ / "dev";
    for (const auto& dir : {build, site, dev}) fs::create_directory(dir);
    dir_.write_file("b.c", "int skiff_b(void) { return 2; }\n");
    dir_.write_file("a.c", "int skiff_b(void);\nint skiff_a(void) { return skiff_b(); }\n");
    auto cc = [&](const std::string& soname, const std::string& source, const std::string& extra) {
        return run_process({"cc", "-shared", "-fPIC", "-Wl,-soname," + soname, "-o", build / soname, dir_ / source, extra});
    };
    auto b = cc("libb.so.1", "b.c", "-lc");
    SKIFF_REQUIRE(b.status == 0, "no working C compiler (cc) to build the test libraries: " + b.err);
    ASSERT_EQ(cc("liba.so.1", "a.c", build / "libb.so.1").status, 0);
    fs::create_symlink(build / "liba.so.1", site / "liba.so.1");
    ASSERT_EQ(::mkfifo((dev / "cxi0").c_str(), 0666), 0);
    write_site("[hooks.cxi]\ndefault = \"true\"\nlibraries = [\"" + (site / "liba.so.1").string() +
               "\"]\ndevices = [\"" + (dev / "cxi*").string() + "\"]\n");
    const std::string script = "ls /.skiff/lib " + dev.string();
    ASSERT_NO_FATAL_FAILURE(remember(script, "/.skiff/lib:\nliba.so.1\nlibb.so.1\n\n" + dev.string() + ":\ncxi0\n"));

    ASSERT_EQ(::mkfifo((dev / "cxi1").c_str(), 0666), 0);
    settle();
    auto device = launch(script);
    ASSERT_EQ(device.status, 0) << device;
    EXPECT_EQ(device.out, "/.skiff/lib:\nliba.so.1\nlibb.so.1\n\n" + dev.string() + ":\ncxi0\ncxi1\n");
    EXPECT_TRUE(says(device, "planning afresh: '" + dev.string() + "' changed")) << device.err;

    fs::copy_file(build / "libb.so.1", site / "libb.so.1");
    settle();
    auto dependency = launch(script);
    ASSERT_EQ(dependency.status, 0) << dependency;
    EXPECT_TRUE(says(dependency, "planning afresh: '" + (site / "libb.so.1").string() + "' changed")) << dependency.err;
    EXPECT_TRUE(says(dependency, "libb.so.1 <- " + (site / "libb.so.1").string())) << dependency.err;

    ASSERT_EQ(cc("liba.so.1", "a.c", build / "libb.so.1").status, 0);  // built again
    settle();
    auto rewritten = launch(script);
    ASSERT_EQ(rewritten.status, 0) << rewritten;
    EXPECT_TRUE(says(rewritten, "planning afresh: '" + (site / "liba.so.1").string() + "' changed")) << rewritten.err;
    auto again = launch(script);
    EXPECT_TRUE(says(again, recalled)) << again.err;
}

// A CUDA image's NVIDIA_VISIBLE_DEVICES=all on a node whose driver is not loaded yet gets no
// GPU, and that plan is remembered only until the driver's version file appears (as when
// nvidia-modprobe loads the driver after the first launch).
TEST_F(PlanMemory, AGpuLessPlanLastsOnlyUntilTheDriverAppears) {
    SKIFF_REQUIRE(standin_driver_missing_tools().empty(), standin_driver_missing_tools());
    TempDir tree("driver");
    auto driver = build_standin_driver(tree, {{"0000:01:00.0", "GPU-first", 0}});
    ASSERT_TRUE(driver) << driver.error().message;
    const std::string later = tree / "proc-later";
    std::string table = driver->site_table();
    table.replace(table.find(tree / "proc"), (tree / "proc").size(), later);
    write_site("\n" + table);
    env_["NVIDIA_VISIBLE_DEVICES"] = "all";
    const std::string script = "ls /dev | grep -c nvidia0; true";
    ASSERT_NO_FATAL_FAILURE(remember(script, "0\n"));

    std::filesystem::rename(tree / "proc", later);
    settle();
    auto loaded = launch(script);
    ASSERT_EQ(loaded.status, 0) << loaded;
    EXPECT_EQ(loaded.out, "1\n");
    EXPECT_TRUE(says(loaded, "planning afresh: '" + later + "/version' changed")) << loaded.err;
    EXPECT_TRUE(says(loaded, remembered)) << "now with the GPU: " << loaded.err;
}

// A GPU launch on the built-in nvidia hook is remembered: the hook names the driver files it
// read, the host's cache and libraries, and each program and node it looked for; the CDI
// spec directories, where a spec of kind nvidia.com/gpu would take the request, count too.
TEST_F(PlanMemory, GpuLaunchesAreRememberedUntilTheDriverOrItsNodesChange) {
    SKIFF_REQUIRE(standin_driver_missing_tools().empty(), standin_driver_missing_tools());
    TempDir tree("driver"), cdi("cdi");
    auto driver = build_standin_driver(tree, {{"0000:01:00.0", "GPU-first", 0}, {"0000:02:00.0", "GPU-second", 1}});
    ASSERT_TRUE(driver) << driver.error().message;
    write_site("\n" + driver->site_table() + "[hooks.cdi]\nspec_dirs = [\"" + cdi.path() + "\"]\n");
    const std::vector<std::string> flags{"-v", "--device", "nvidia.com/gpu=1"};
    const std::string script = "ls /dev | grep nvidia | tr '\\n' ' '";
    ASSERT_NO_FATAL_FAILURE(remember(script, "nvidia-uvm nvidia1 nvidiactl ", flags));

    ASSERT_EQ(::mkfifo((driver->devices_dir + "/nvidia-uvm-tools").c_str(), 0666), 0);
    settle();
    auto node = launch(script, flags);
    ASSERT_EQ(node.status, 0) << node;
    EXPECT_EQ(node.out, "nvidia-uvm nvidia-uvm-tools nvidia1 nvidiactl ");
    EXPECT_TRUE(says(node, "planning afresh: '" + driver->devices_dir + "/nvidia-uvm-tools' changed")) << node.err;

    tree.write_file("proc/version", "NVRM version: NVIDIA UNIX x86_64 Kernel Module  " + standin_driver_version +
                                        "  reloaded\n");  // the driver loaded again
    settle();
    auto reloaded = launch(script, flags);
    EXPECT_TRUE(says(reloaded, "planning afresh: '" + tree / "proc/version" + "' changed")) << reloaded.err;

    cdi.write_file("nvidia.json", R"({"cdiVersion":"0.6.0","kind":"nvidia.com/gpu","devices":[{"name":"1",)"
                                  R"("containerEdits":{"env":["FROM_CDI=1"]}}]})");
    settle();
    auto spec = launch(script + "; echo ${FROM_CDI-none}", flags);  // another key: planned
    ASSERT_EQ(spec.status, 0) << spec;
    EXPECT_EQ(spec.out, "1\n") << "a spec of the kind now takes the request, with no nvidia hook";
    EXPECT_TRUE(says(spec, remembered)) << spec.err;
    auto changed = launch(script, flags);
    ASSERT_EQ(changed.status, 0) << changed;
    EXPECT_EQ(changed.out, "");
    EXPECT_TRUE(says(changed, "planning afresh: '" + cdi.path() + "' changed")) << changed.err;
}

// Devices a CDI spec names are remembered with the spec files and what their edits read of the
// host: each device node, by whether it is there.
TEST_F(PlanMemory, CdiDevicesAreRememberedUntilTheirNodeGoes) {
    TempDir cdi("cdi"), host("host");
    const std::string node = host / "card0";
    ASSERT_EQ(::mkfifo(node.c_str(), 0666), 0);
    write_site("\n[hooks.cdi]\nspec_dirs = [\"" + cdi.path() + "\"]\n");
    cdi.write_file("vendor.json", R"({"cdiVersion":"0.6.0","kind":"example.com/card","devices":[{"name":"0",)"
                                  R"("containerEdits":{"env":["CARD=zero"],"deviceNodes":[{"path":"/dev/card0",)"
                                  R"("hostPath":")" + node + R"("}]}}]})");
    settle();
    const std::vector<std::string> flags{"-v", "--device", "example.com/card=0"};
    const std::string script = "test -p /dev/card0 && echo $CARD";
    ASSERT_NO_FATAL_FAILURE(remember(script, "zero\n", flags));

    ASSERT_EQ(::unlink(node.c_str()), 0);
    settle();
    auto gone = launch(script, flags);
    EXPECT_EQ(gone.status, 125) << gone;
    EXPECT_TRUE(says(gone, "planning afresh: '" + node + "' changed")) << gone.err;
    EXPECT_TRUE(says(gone, "device node '" + node + "' does not exist on this host")) << gone.err;
}

// A host device in `devices` counts by its type alone: a terminal's times move with its
// writes (the kernel's tty_update_time, to 8 s), and the plan binds the path, not the inode.
TEST_F(PlanMemory, AHostDeviceIsRememberedWhileItsTimesMove) {
    const std::vector<std::string> flags{"-v", "--device", "/dev/ptmx"};
    ASSERT_NO_FATAL_FAILURE(remember("test -c /dev/ptmx && echo device", "device\n", flags));
    struct stat before {};
    ASSERT_EQ(::stat("/dev/ptmx", &before), 0);

    int master = ::posix_openpt(O_RDWR | O_NOCTTY);
    ASSERT_GE(master, 0);
    ASSERT_EQ(::unlockpt(master), 0);
    int terminal = ::open(::ptsname(master), O_RDWR | O_NOCTTY);
    ASSERT_GE(terminal, 0);
    struct stat after {};
    for (int tries = 0; tries < 50; ++tries) {  // a write in another 8 s window moves them
        ASSERT_EQ(::write(master, "x", 1), 1);
        ASSERT_EQ(::stat("/dev/ptmx", &after), 0);
        if (after.st_mtim.tv_sec != before.st_mtim.tv_sec) break;
        std::this_thread::sleep_for(200ms);
    }
    ::close(terminal);
    ::close(master);
    ASSERT_NE(after.st_mtim.tv_sec, before.st_mtim.tv_sec) << "the terminal's time did not move";
    settle();
    auto again = launch("test -c /dev/ptmx && echo device", flags);
    ASSERT_EQ(again.status, 0) << again;
    EXPECT_EQ(again.out, "device\n");
    EXPECT_TRUE(says(again, recalled)) << again.err;
}

TEST_F(PlanMemory, DryRunShowsTheSamePlanAndStoresNothing) {
    auto before = launch("true", {"--dry-run"});
    ASSERT_EQ(before.status, 0) << before;
    EXPECT_FALSE(std::filesystem::exists(plans()));
    ASSERT_NO_FATAL_FAILURE(remember("true", ""));
    auto after = launch("true", {"--dry-run", "-v"});
    ASSERT_EQ(after.status, 0) << after;
    EXPECT_EQ(after.out, before.out);
    EXPECT_FALSE(says(after, recalled)) << after.err;
}

TEST_F(PlanMemory, ADamagedMemoryIsRefusedAndRewritten) {
    ASSERT_NO_FATAL_FAILURE(remember("echo $EDF_MARK", "one\n"));
    std::vector<std::filesystem::path> files(std::filesystem::directory_iterator(plans()), {});
    ASSERT_EQ(files.size(), 1u);
    {
        std::ofstream damaged(files[0], std::ios::trunc);
        damaged << "skiff-plan-memory 3\n9999999999:";
    }
    auto r = launch("echo $EDF_MARK");
    ASSERT_EQ(r.status, 0) << r;
    EXPECT_EQ(r.out, "one\n");
    EXPECT_TRUE(says(r, "is damaged or of another version")) << r.err;
    EXPECT_TRUE(says(r, remembered)) << r.err;
    auto again = launch("echo $EDF_MARK");
    EXPECT_TRUE(says(again, recalled)) << again.err;
}

// Two launches whose keys pick the same first file both stay remembered: each key has two
// files, and a launch does not evict another's plan while its own second file is free.
TEST_F(PlanMemory, APlanInTheFirstFileOfAnotherLaunchIsNotEvicted) {
    ASSERT_NO_FATAL_FAILURE(remember("echo other", "other\n"));
    std::vector<std::filesystem::path> files(std::filesystem::directory_iterator(plans()), {});
    ASSERT_EQ(files.size(), 1u);
    std::ifstream other_file(files[0]);
    std::string other_plan((std::istreambuf_iterator<char>(other_file)), {});
    std::filesystem::remove_all(plans());
    ASSERT_NO_FATAL_FAILURE(remember("echo $EDF_MARK", "one\n"));
    std::vector<std::filesystem::path> mine(std::filesystem::directory_iterator(plans()), {});
    ASSERT_EQ(mine.size(), 1u);
    std::ofstream(mine[0], std::ios::trunc) << other_plan;  // the other launch now holds my first file
    auto r = launch("echo $EDF_MARK");
    EXPECT_TRUE(says(r, remembered)) << r.err;
    auto again = launch("echo $EDF_MARK");
    EXPECT_TRUE(says(again, recalled)) << again.err;
    std::ifstream kept(mine[0]);
    EXPECT_EQ(std::string((std::istreambuf_iterator<char>(kept)), {}), other_plan) << "the other launch's plan was evicted";
}

}  // namespace
}  // namespace skiff::test
