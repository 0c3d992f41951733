// The pure planner: golden --dry-run output and each rule of the environment, identity,
// command and workdir decisions.
#include "launcher/plan/planner.hpp"
#include "hooks/ssh/ssh_files.hpp"
#include "tests/unit/hooks/run_hooks.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "launcher/plan/render.hpp"

namespace skiff::plan {
namespace {

edf::Origin at(int line) { return {"/u/.edf/job.toml", line}; }

PlanRequest basic_request() {
    PlanRequest r;
    r.environment.image = edf::Sourced<std::string>{"/store/app.sqsh", at(1)};
    r.environment.workdir = edf::Sourced<std::string>{"/work", at(2)};
    edf::MountSpec data{"/scratch/data", "/data", {}, at(3), "/scratch/data:/data:ro"};
    data.flags.read_only = true;
    edf::MountSpec set{"/store/ref.sqsh", "/ref", {}, at(4), "/store/ref.sqsh:/ref:sqsh"};
    set.flags.sqsh = true;
    r.environment.mounts = {data, set};
    r.environment.env["OMP_NUM_THREADS"] = {"4", at(6)};
    r.environment.env["PATH"] = {"/opt/app/bin:${PATH}", at(7)};
    r.environment.env["LANG"] = {"", at(8)};
    r.image.kind = image::ImageSource::Kind::squashfs;
    r.image.path = "/store/app.sqsh";
    r.image_facts.env = {{"PATH", "/usr/bin:/bin"}, {"LANG", "C.UTF-8"}, {"SLURM_JOB_ID", "stale"}};
    r.image_facts.passwd = "root:x:0:0:root:/root:/bin/sh\n";
    r.image_facts.group = "root:x:0:\n";
    r.host = {1000, 100, "alice", "users", "/home/alice", "/bin/bash",
              {{"PATH", "/host/bin"}, {"HOME", "/home/alice"}, {"LD_PRELOAD", "/host/lib.so"},
               {"SLURM_JOB_ID", "42"}, {"TERM", "xterm"}}};
    r.command = {"python", "train.py"};
    r.image.device = 2049;
    r.image.inode = 77;
    r.image.size = 4096;
    r.image.mtime_ns = 1700000000000000000;
    r.server_directory = "/run/user/1000/skiff/servers";
    return r;
}

std::string golden(const std::string& name, const std::string& actual) {
    std::string path = std::string(SKIFF_TEST_DATA) + "/" + name;
    if (const char* update = std::getenv("SKIFF_UPDATE_GOLDEN"); update && std::string(update) == "1") {
        std::ofstream(path) << actual;
        return actual;
    }
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

TEST(Planner, GoldenDryRun) {
    auto plan = test::plan_with_hooks(basic_request());
    ASSERT_TRUE(plan) << plan.error().message;
    auto text = render(*plan);
    EXPECT_EQ(text, golden("plan_basic.txt", text)) << "set SKIFF_UPDATE_GOLDEN=1 to accept a deliberate change";
}

TEST(Planner, EnvironmentLayers) {
    auto plan = test::plan_with_hooks(basic_request());
    ASSERT_TRUE(plan);
    const auto& env = plan->env;
    EXPECT_EQ(env.at("PATH"), "/opt/app/bin:/usr/bin:/bin") << "[env] ${PATH} extends the image's PATH";
    EXPECT_FALSE(env.contains("LD_PRELOAD")) << "host library paths never enter the container";
    EXPECT_FALSE(env.contains("LANG")) << "\"\" unsets what the image set";
    EXPECT_EQ(env.at("SLURM_JOB_ID"), "42") << "task variables come from the task, not the image";
    EXPECT_EQ(env.at("OMP_NUM_THREADS"), "4");
    EXPECT_EQ(env.at("TERM"), "xterm") << "other host variables pass";
}

TEST(Planner, DefaultPathWhenImageSetsNone) {
    auto request = basic_request();
    request.image_facts.env.clear();
    request.environment.env.erase("PATH");
    auto plan = test::plan_with_hooks(request);
    ASSERT_TRUE(plan);
    EXPECT_EQ(plan->env.at("PATH"), "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
}

TEST(Planner, TheTasksValueOfATaskVariableBeatsTheEnvs) {
    auto request = basic_request();
    request.environment.env["SLURM_JOB_ID"] = {"pinned", at(9)};
    auto plan = test::plan_with_hooks(request);
    ASSERT_TRUE(plan);
    EXPECT_EQ(plan->env.at("SLURM_JOB_ID"), "42");
}

TEST(Planner, UndefinedVariableInEnvIsAnErrorWithItsLocation) {
    auto request = basic_request();
    request.environment.env["X"] = {"${NOT_SET_ANYWHERE}", at(10)};
    auto plan = test::plan_with_hooks(request);
    ASSERT_FALSE(plan);
    EXPECT_NE(plan.error().message.find("/u/.edf/job.toml:10"), std::string::npos) << plan.error().message;
    EXPECT_NE(plan.error().message.find("NOT_SET_ANYWHERE"), std::string::npos) << plan.error().message;
}

TEST(Planner, UserGetsAPasswdAndGroupEntry) {
    auto plan = test::plan_with_hooks(basic_request());
    ASSERT_TRUE(plan);
    std::string passwd, group;
    for (const auto& op : plan->mounts) {
        if (op.destination == "/etc/passwd") passwd = op.content;
        if (op.destination == "/etc/group") group = op.content;
    }
    EXPECT_EQ(passwd, "root:x:0:0:root:/root:/bin/sh\nalice:x:1000:100::/home/alice:/bin/sh\n");
    EXPECT_EQ(group, "root:x:0:\nusers:x:100:\n");
}

TEST(Planner, AnImageEntryForTheIdsIsKeptAndNotDuplicated) {
    auto request = basic_request();
    // The uid in field 3 of the last line, which has no newline; a short line and a line
    // with the uid in another field must not count as matches for the group.
    request.image_facts.passwd = "root:x:0:0:root:/root:/bin/sh\nbob:x:1000:1000::/home/bob:/bin/sh";
    request.image_facts.group = "short\n\nstaff:x:50:100\n";
    auto plan = test::plan_with_hooks(request);
    ASSERT_TRUE(plan);
    std::string passwd, group;
    for (const auto& op : plan->mounts) {
        if (op.destination == "/etc/passwd") passwd = op.content;
        if (op.destination == "/etc/group") group = op.content;
    }
    EXPECT_EQ(passwd, "root:x:0:0:root:/root:/bin/sh\nbob:x:1000:1000::/home/bob:/bin/sh\n");
    EXPECT_EQ(group, "short\n\nstaff:x:50:100\nusers:x:100:\n");
}

TEST(Planner, RootMapsToZeroAndReusesTheImagesRootEntry) {
    auto request = basic_request();
    request.map_root = true;
    auto plan = test::plan_with_hooks(request);
    ASSERT_TRUE(plan);
    EXPECT_EQ(plan->ids.inside_uid, 0u);
    EXPECT_EQ(plan->ids.inside_gid, 0u);
    EXPECT_EQ(plan->ids.outside_uid, 1000u);
    for (const auto& op : plan->mounts) {
        if (op.destination == "/etc/passwd") {
            EXPECT_EQ(op.content, "root:x:0:0:root:/root:/bin/sh\n");
        }
    }
}

TEST(Planner, EntrypointPrefixesTheCommand) {
    auto request = basic_request();
    request.image_facts.entrypoint = {"/etc/rc"};
    EXPECT_EQ(test::plan_with_hooks(request)->argv, (std::vector<std::string>{"python", "train.py"})) << "off by default";
    request.environment.entrypoint = {true, at(5)};
    EXPECT_EQ(test::plan_with_hooks(request)->argv, (std::vector<std::string>{"/etc/rc", "python", "train.py"}));
}

TEST(Planner, NoCommandRunsTheImagesCmdElseAShell) {
    auto request = basic_request();
    request.command.clear();
    EXPECT_EQ(test::plan_with_hooks(request)->argv, (std::vector<std::string>{"/bin/sh"}));
    request.image_facts.cmd = {"/usr/bin/app", "--serve"};
    EXPECT_EQ(test::plan_with_hooks(request)->argv, (std::vector<std::string>{"/usr/bin/app", "--serve"}));
}

TEST(Planner, WorkdirFromEdfElseImageElseRoot) {
    auto request = basic_request();
    request.image_facts.workdir = "/opt";
    EXPECT_EQ(test::plan_with_hooks(request)->workdir, "/work");
    EXPECT_EQ(test::plan_with_hooks(request)->workdir_origin, "/u/.edf/job.toml:2");
    request.environment.workdir.reset();
    EXPECT_EQ(test::plan_with_hooks(request)->workdir, "/opt");
    request.image_facts.workdir.reset();
    EXPECT_EQ(test::plan_with_hooks(request)->workdir, "/");
}

TEST(Planner, MountsKeepEdfOrderAfterTheStandardOnes) {
    auto plan = test::plan_with_hooks(basic_request());
    ASSERT_TRUE(plan);
    ASSERT_GE(plan->mounts.size(), 2u);
    const auto& data = plan->mounts[plan->mounts.size() - 2];
    const auto& ref = plan->mounts.back();
    EXPECT_EQ(data.destination, "/data");
    EXPECT_TRUE(data.read_only);
    EXPECT_EQ(data.origin, "/u/.edf/job.toml:3");
    EXPECT_EQ(ref.kind, MountKind::sqsh);
    EXPECT_TRUE(ref.read_only) << "sqsh mounts are read-only";
    EXPECT_EQ(plan->mounts.front().destination, "/dev");
}

TEST(Planner, ReadOnlyRoot) {
    auto request = basic_request();
    request.environment.writable = {false, at(3)};
    EXPECT_FALSE(test::plan_with_hooks(request)->writable);
}

}  // namespace
}  // namespace skiff::plan

namespace skiff::plan {
namespace {

TEST(PlannerServing, SquashfsImageGoesWarmThroughOneServerPerIdentityAndJob) {
    auto plan = test::plan_with_hooks(basic_request());
    ASSERT_TRUE(plan) << plan.error().message;
    EXPECT_TRUE(plan->serving.warm);
    EXPECT_EQ(plan->serving.server_directory, "/run/user/1000/skiff/servers");
    EXPECT_EQ(plan->serving.server_name, "2049-77-4096-1700000000000000000-job42");
    EXPECT_EQ(plan->serving.idle_seconds, 600);
}

TEST(PlannerServing, ColdWhenAskedForWhenADirectoryOrWithoutRuntimeDirectory) {
    auto request = basic_request();
    request.cold_reason = "--cold";
    EXPECT_EQ(test::plan_with_hooks(request)->serving.cold_reason, "--cold");
    request = basic_request();
    request.image.kind = image::ImageSource::Kind::directory;
    EXPECT_FALSE(test::plan_with_hooks(request)->serving.warm);
    request = basic_request();
    request.server_directory.reset();
    request.server_directory_problem = "runtime directory is not private";
    auto plan = test::plan_with_hooks(request);
    EXPECT_FALSE(plan->serving.warm);
    EXPECT_EQ(plan->serving.cold_reason, "runtime directory is not private");
}

TEST(PlannerServing, SparesFromTheEnvironment) {
    auto request = basic_request();
    EXPECT_EQ(test::plan_with_hooks(request)->serving.spares, 2);
    request.host.env["SKIFF_WARM_SPARES"] = "0";
    EXPECT_EQ(test::plan_with_hooks(request)->serving.spares, 0);
    request.host.env["SKIFF_WARM_SPARES"] = "1000";
    EXPECT_EQ(test::plan_with_hooks(request)->serving.spares, 64);
    for (const char* bad : {"two", "-1", "2x"}) {
        request.host.env["SKIFF_WARM_SPARES"] = bad;
        auto plan = test::plan_with_hooks(request);
        ASSERT_FALSE(plan) << bad;
        EXPECT_EQ(plan.error().message, std::string("SKIFF_WARM_SPARES='") + bad + "' is not a number of spares (0: none)");
    }
}

TEST(PlannerServing, ServerThreadsAndCacheFromTheEnvironment) {
    auto request = basic_request();
    auto plan = test::plan_with_hooks(request);
    EXPECT_EQ(plan->serving.threads, 0);  // one per CPU the server may use
    EXPECT_EQ(plan->serving.cache_mib, 32);
    request.host.env["SKIFF_SERVER_THREADS"] = "6";
    request.host.env["SKIFF_SERVER_CACHE_MIB"] = "0";
    plan = test::plan_with_hooks(request);
    EXPECT_EQ(plan->serving.threads, 6);
    EXPECT_EQ(plan->serving.cache_mib, 0);  // no less than a block per thread, all the same
    for (const char* bad : {"many", "-1", "4x"}) {
        request.host.env["SKIFF_SERVER_THREADS"] = bad;
        plan = test::plan_with_hooks(request);
        ASSERT_FALSE(plan) << bad;
        EXPECT_EQ(plan.error().message, std::string("SKIFF_SERVER_THREADS='") + bad + "' is not a number of threads (0: one per CPU)");
    }
    request.host.env["SKIFF_SERVER_THREADS"] = "2";
    request.host.env["SKIFF_SERVER_CACHE_MIB"] = "32M";
    plan = test::plan_with_hooks(request);
    ASSERT_FALSE(plan);
    EXPECT_EQ(plan.error().message, "SKIFF_SERVER_CACHE_MIB='32M' is not a size in MiB");
}

TEST(PlannerServing, IdleTimeoutFromTheEnvironment) {
    auto request = basic_request();
    request.host.env["SKIFF_SERVER_IDLE"] = "5";
    EXPECT_EQ(test::plan_with_hooks(request)->serving.idle_seconds, 5);
    for (const char* bad : {"5s", "-1", "x", "99999999999"}) {
        request.host.env["SKIFF_SERVER_IDLE"] = bad;
        auto plan = test::plan_with_hooks(request);
        ASSERT_FALSE(plan) << bad;
        EXPECT_EQ(plan.error().message, std::string("SKIFF_SERVER_IDLE='") + bad + "' is not a number of seconds");
    }
}

}  // namespace
}  // namespace skiff::plan

namespace skiff::plan {
namespace {

TEST(Planner, SshServerGetsTheEnvironmentAProfileSnippetAndNoTtyGroup) {
    auto request = basic_request();
    request.image_facts.group = "root:x:0:\ntty:x:5:\nusers:x:100:\n";
    request.environment.env["NCCL_NET"] = {"AWS Libfabric", at(9)};
    request.environment.annotations["com.hooks.ssh.enabled"] = {"true", at(10)};
    Contribution ssh;
    ssh.hook = "ssh";
    ssh.place = MountPlace::last;
    ssh.ssh = SshServer{};
    ssh.ssh->port = 2222;
    ssh.ssh->key_file = "/home/alice/.ssh/id.pub";
    ssh.mounts.push_back(MountOp{});
    ssh.mounts.back().destination = "/etc/profile.d/zz-skiff-ssh.sh";
    request.contributions.push_back(ssh);
    auto plan = test::plan_with_hooks(request);
    ASSERT_TRUE(plan) << plan.error().message;
    ASSERT_TRUE(plan->ssh);
    std::string environment = hooks::ssh_environment_file(plan->env);
    EXPECT_NE(environment.find("export NCCL_NET='AWS Libfabric'\n"), std::string::npos);
    EXPECT_EQ(environment.find("SLURM_PROCID"), std::string::npos);
    for (const auto& op : plan->mounts) {
        if (op.destination == "/etc/group") {
            EXPECT_EQ(op.content, "root:x:0:\nusers:x:100:\n");
        }
    }
    EXPECT_EQ(plan->mounts.back().destination, "/etc/profile.d/zz-skiff-ssh.sh") << "the SSH hook's mounts come last";
    EXPECT_NE(render(*plan).find("ssh      sshd on 0.0.0.0:2222, key /home/alice/.ssh/id.pub"), std::string::npos);
}

// A cxi and an aws_ofi_nccl contribution as the hooks would make them.
std::vector<plan::Contribution> network_contributions() {
    plan::Contribution cxi{"cxi", {}, {}, {{"FI_PROVIDER_PATH", "/.skiff/lib/libfabric"}}, {}, {}};
    cxi.libraries = {{"/usr/lib64/libfabric.so.1.22.0", "libfabric.so.1", {}, "site library"},
                     {"/usr/lib64/libcxi.so.1.5.0", "libcxi.so.1", {}, "needed by libfabric.so.1"}};
    MountOp device;
    device.source = device.destination = "/dev/cxi0";
    device.read_only = true;
    device.missing = MissingSource::skip;
    device.origin = "hook cxi: device";
    cxi.mounts = {device};
    cxi.notes = {"on: site default (/etc/skiff/skiff.toml)", "device /dev/cxi0"};
    plan::Contribution nccl{"aws_ofi_nccl", {}, {}, {{"NCCL_NET", "AWS Libfabric"}, {"NCCL_PROTO", "^LL128"}}, {}, {}};
    nccl.libraries = {{"/opt/ofi/dl/lib/libnccl-net.so", "libnccl-net.so", {"libnccl-net-ofi.so"}, "NCCL plugin"}};
    nccl.notes = {"on: com.hooks.aws_ofi_nccl.enabled=true (command line)"};
    return {cxi, nccl};
}

TEST(PlannerHooks, GoldenDryRunWithNetworkHooks) {
    auto request = basic_request();
    request.contributions = network_contributions();
    auto plan = test::plan_with_hooks(request);
    ASSERT_TRUE(plan) << plan.error().message;
    auto text = render(*plan);
    EXPECT_EQ(text, golden("plan_hooks.txt", text)) << "set SKIFF_UPDATE_GOLDEN=1 to accept a deliberate change";
}

TEST(PlannerHooks, LibrariesGoToTheirPrivateTmpfsAfterTheEdfMounts) {
    auto request = basic_request();
    request.contributions = network_contributions();
    auto plan = test::plan_with_hooks(request);
    ASSERT_TRUE(plan);
    std::vector<std::string> tail;
    for (std::size_t i = plan->mounts.size() - 5; i < plan->mounts.size(); ++i) tail.push_back(plan->mounts[i].destination);
    EXPECT_EQ(tail, (std::vector<std::string>{"/.skiff", "/.skiff/lib/libfabric.so.1", "/.skiff/lib/libcxi.so.1",
                                              "/dev/cxi0", "/.skiff/lib/libnccl-net.so"}));
    const auto& lib = plan->mounts[plan->mounts.size() - 4];
    EXPECT_TRUE(lib.read_only && lib.ldcache && !lib.recursive);
    EXPECT_EQ(lib.create, CreatePolicy::file);
    EXPECT_EQ(lib.origin, "hook cxi: site library");
}

TEST(PlannerHooks, HookEnvironmentOverridesHostAndImageAndTheEdfOverridesIt) {
    auto request = basic_request();
    request.contributions = network_contributions();
    request.host.env["NCCL_NET"] = "Socket";
    request.image_facts.env.push_back({"NCCL_PROTO", "Simple"});
    auto plan = test::plan_with_hooks(request);
    ASSERT_TRUE(plan);
    EXPECT_EQ(plan->env.at("NCCL_NET"), "AWS Libfabric");
    EXPECT_EQ(plan->env.at("NCCL_PROTO"), "^LL128");
    request.environment.env["NCCL_PROTO"] = {"LL", at(11)};
    request.environment.env["FI_PROVIDER_PATH"] = {"", at(12)};
    plan = test::plan_with_hooks(request);
    ASSERT_TRUE(plan);
    EXPECT_EQ(plan->env.at("NCCL_PROTO"), "LL") << "the EDF has the last word";
    EXPECT_FALSE(plan->env.contains("FI_PROVIDER_PATH"));
}

TEST(PlannerHooks, NoHooksNoPrivateTmpfs) {
    auto plan = test::plan_with_hooks(basic_request());
    ASSERT_TRUE(plan);
    for (const auto& op : plan->mounts) EXPECT_NE(op.destination, "/.skiff");
    for (const auto& hook : plan->hooks) EXPECT_EQ(hook.notes, (std::vector<std::string>{"standard hook, on ([hooks.standard])"}));
}

}  // namespace
}  // namespace skiff::plan
