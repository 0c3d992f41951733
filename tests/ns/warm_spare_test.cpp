// Spares (namespaces/image_server/spare_pool.hpp): namespaces built ahead for a plan by a launch of it and
// entered by exactly one later launch of the same plan. Each test has a runtime directory of
// its own, so its servers and spares are its own.
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "common/env_map.hpp"
#include "tests/ns/warm_fixture.hpp"


namespace skiff::test {
namespace {

using namespace std::chrono_literals;

// Columns of `skiff image servers` after the header: PID CLIENTS IDLE LAUNCHES SPARES
// FROM-SPARE PREFETCHED IMAGE.
struct ServerLine {
    long pid = 0;
    long launches = 0;
    long spares = 0;
    long from_spare = 0;
};

class WarmSpare : public WarmTest {
protected:
    ProcessResult launch(const std::string& script, std::vector<std::string> flags = {"-v"}) const {
        return sh(image("debian.sqsh"), script, flags, options());
    }

    std::vector<ServerLine> servers() const {
        auto r = skiff({"image", "servers"});
        EXPECT_EQ(r.status, 0) << r;
        std::vector<ServerLine> lines;
        std::istringstream in(r.out);
        std::string line, clients, idle;
        std::getline(in, line);
        while (std::getline(in, line)) {
            ServerLine s;
            std::istringstream fields(line);
            fields >> s.pid >> clients >> idle >> s.launches >> s.spares >> s.from_spare;
            lines.push_back(s);
        }
        return lines;
    }

    // The one server's spares reach `n` within a few seconds (built in the background).
    ::testing::AssertionResult spares_reach(long n) const {
        auto deadline = std::chrono::steady_clock::now() + 15s;
        while (std::chrono::steady_clock::now() < deadline) {
            auto list = servers();
            if (list.size() == 1 && list[0].spares == n) return ::testing::AssertionSuccess();
            std::this_thread::sleep_for(50ms);
        }
        return ::testing::AssertionFailure() << "not " << n << " spares within 15 s:\n" << skiff({"image", "servers"}).out;
    }

};

// Files, ids, the environment and the mount table (mount points and types, in order).
const std::string portrait =
    "cat /etc/os-release; id; ls / /etc; env | grep -v '^_=' | sort; echo x > /tmp/w; cat /tmp/w; pwd; "
    "awk '{for (i = 7; $i != \"-\"; i++); print $5, $(i+1)}' /proc/self/mountinfo";

TEST_F(WarmSpare, SpareLaunchSeesWhatAColdOneSees) {
    auto first = launch(portrait);
    ASSERT_EQ(first.status, 0) << first;
    EXPECT_TRUE(says(first, "warm (clone): started the image server at")) << first.err;
    ASSERT_TRUE(spares_reach(2));
    auto spare = launch(portrait);
    ASSERT_EQ(spare.status, 0) << spare;
    EXPECT_TRUE(says(spare, "warm (spare): the image server at")) << spare.err;
    EXPECT_TRUE(says(spare, "joined the spare's user and mount namespace")) << spare.err;
    auto cold = launch(portrait, {"-v", "--cold"});
    ASSERT_EQ(cold.status, 0) << cold;
    EXPECT_TRUE(says(cold, "cold: --cold")) << cold.err;
    EXPECT_EQ(spare.out, cold.out);
    EXPECT_EQ(first.out, cold.out);
    auto list = servers();
    ASSERT_EQ(list.size(), 1u);
    EXPECT_EQ(list[0].launches, 2) << "the builder's clones are not launches";
    EXPECT_EQ(list[0].from_spare, 1);
}

TEST_F(WarmSpare, WorkdirAndEnvironmentAreTheLaunchs) {
    ASSERT_EQ(launch("true").status, 0);
    ASSERT_TRUE(spares_reach(2));
    env_["SKIFF_TEST_MARK"] = "second";
    auto r = launch("pwd; echo $SKIFF_TEST_MARK", {"-v", "--workdir", "/usr/share"});
    ASSERT_EQ(r.status, 0) << r;
    EXPECT_TRUE(says(r, "warm (spare)")) << r.err;
    EXPECT_EQ(r.out, "/usr/share\nsecond\n");
}

TEST_F(WarmSpare, ConsecutiveLaunchesShareNoWritableLayerNorMountNamespace) {
    ASSERT_EQ(launch("true").status, 0);
    ASSERT_TRUE(spares_reach(2));
    auto writer = start_container(image("debian.sqsh"),
                                  "echo mine > /etc/written; readlink /proc/self/ns/mnt; echo ready; sleep 30", true);
    ASSERT_TRUE(writer.wait_for_output("ready", 10s)) << writer.err_so_far();
    ASSERT_TRUE(spares_reach(2));  // the writer took one; its builder made another
    auto reader = launch("cat /etc/written 2>&1; readlink /proc/self/ns/mnt; true");
    ASSERT_EQ(reader.status, 0) << reader;
    EXPECT_TRUE(says(reader, "warm (spare)")) << reader.err;
    EXPECT_NE(reader.out.find("No such file"), std::string::npos) << reader;
    std::string writer_ns = writer.out_so_far().substr(0, writer.out_so_far().find('\n'));
    ASSERT_TRUE(writer_ns.starts_with("mnt:[")) << writer_ns;
    EXPECT_EQ(reader.out.find(writer_ns), std::string::npos) << "shared mount namespace " << writer_ns;
    writer.signal_group(SIGKILL);
    EXPECT_TRUE(says(writer.wait(10s), "warm (spare)"));
}

TEST_F(WarmSpare, AnotherPlanNeverGetsTheSpareOfThisOne) {
    TempDir data("data");
    {
        std::ofstream(data / "marker") << "host data\n";
    }
    ASSERT_EQ(launch("true").status, 0);
    ASSERT_TRUE(spares_reach(2));
    auto other = launch("cat /mnt/marker", {"-v", "--mount", data.path() + ":/mnt"});
    ASSERT_EQ(other.status, 0) << other;
    EXPECT_TRUE(says(other, "warm (clone)")) << other.err;
    EXPECT_EQ(other.out, "host data\n");
    auto plain = launch("ls /mnt");
    ASSERT_EQ(plain.status, 0) << plain;
    EXPECT_TRUE(says(plain, "warm (spare)")) << plain.err;
    EXPECT_EQ(plain.out, "");
}

TEST_F(WarmSpare, SparesExpireUnused) {
    env_["SKIFF_SERVER_IDLE"] = "2";  // spares live min(60 s, the idle timeout)
    auto keeper = start_container(image("debian.sqsh"), "echo ready; sleep 30");
    ASSERT_TRUE(keeper.wait_for_output("ready", 10s)) << keeper.err_so_far();
    ASSERT_TRUE(spares_reach(2));
    ASSERT_TRUE(spares_reach(0));  // dropped while the server stays for its client
    ASSERT_EQ(servers().size(), 1u);
    auto r = launch("true");
    ASSERT_EQ(r.status, 0) << r;
    EXPECT_TRUE(says(r, "warm (clone): the image server at")) << r.err;
    keeper.signal_group(SIGKILL);
}

// Processes of ours whose environment names this test's runtime directory: launches,
// servers and spare builders.
std::vector<pid_t> processes_using(const std::string& runtime) {
    std::vector<pid_t> found;
    for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
        const std::string name = entry.path().filename();
        if (name.find_first_not_of("0123456789") != std::string::npos) continue;
        const std::string text = proc_file(std::stoi(name), "environ");
        if (text.find("XDG_RUNTIME_DIR=" + runtime + '\0') != std::string::npos) found.push_back(std::stoi(name));
    }
    return found;
}

TEST_F(WarmSpare, TheBuilderGoesWithTheServer) {
    env_["SKIFF_SERVER_IDLE"] = "1";
    ASSERT_EQ(launch("true").status, 0);
    ASSERT_TRUE(spares_reach(2));
    ASSERT_FALSE(processes_using(runtime_.path()).empty()) << "the server and the builder";
    auto deadline = std::chrono::steady_clock::now() + 10s;
    while (!processes_using(runtime_.path()).empty() && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(50ms);
    EXPECT_TRUE(processes_using(runtime_.path()).empty()) << "left behind after the server retired";
}

// The processes of this test's runtime directory other than `server`, once they have all
// gone; failure names those still there after 10 s.
::testing::AssertionResult only_the_server_left(const std::string& runtime, pid_t server) {
    std::vector<pid_t> others;
    auto deadline = std::chrono::steady_clock::now() + 10s;
    do {
        others.clear();
        for (pid_t pid : processes_using(runtime))
            if (pid != server) others.push_back(pid);
        if (others.empty()) return ::testing::AssertionSuccess();
        std::this_thread::sleep_for(20ms);
    } while (std::chrono::steady_clock::now() < deadline);
    auto failure = ::testing::AssertionFailure() << "still running besides the server:";
    for (pid_t pid : others) failure << ' ' << pid;
    return failure;
}

// The first launch of a plan is told to start the plan's spare builder. When that launch
// fails (a command that is not there, one that cannot be executed, a missing workdir: none of
// them is in the plan's key), no builder may stay to build spares for it, and the next launch
// of the plan, told again, starts one that does.
TEST_F(WarmSpare, AFailingLaunchLeavesNoBuilder) {
    struct Failure {
        std::vector<std::string> command;
        std::vector<std::string> flags;
        int status;
    };
    const Failure failures[] = {{{"no-such-command"}, {"-v"}, 127},
                                {{"/etc/os-release"}, {"-v"}, 126},  // fails in execve itself
                                {{"true"}, {"-v", "--workdir", "/no/such/dir"}, 125}};
    for (const auto& failure : failures) {
        SCOPED_TRACE(failure.command[0]);
        auto failed = run_in(image("debian.sqsh"), failure.flags, failure.command, options());
        ASSERT_EQ(failed.status, failure.status) << failed;
        EXPECT_TRUE(says(failed, "starting its builder of spares")) << failed.err;
        auto list = servers();
        ASSERT_EQ(list.size(), 1u);
        EXPECT_TRUE(only_the_server_left(runtime_.path(), static_cast<pid_t>(list[0].pid)));
        EXPECT_EQ(servers().at(0).spares, 0) << "spares were built for a launch that failed";
    }
    auto works = launch("true");
    ASSERT_EQ(works.status, 0) << works;
    EXPECT_TRUE(says(works, "warm (clone)")) << works.err;
    EXPECT_TRUE(says(works, "starting its builder of spares")) << works.err;
    ASSERT_TRUE(spares_reach(2));
}

// When memory runs out, the kernel kills the highest oom_score first. A dead image server
// takes the root of every container of its image with it (README), so a container and a
// spare builder rank above the server, which keeps the score its launch started with.
TEST_F(WarmSpare, ContainersAndBuildersRankAboveTheServerForTheOomKiller) {
    auto r = launch("cat /proc/self/oom_score_adj");
    ASSERT_EQ(r.status, 0) << r;
    ASSERT_TRUE(spares_reach(2));
    auto in_spare = launch("cat /proc/self/oom_score_adj");
    ASSERT_EQ(in_spare.status, 0) << in_spare;
    EXPECT_TRUE(says(in_spare, "warm (spare)")) << in_spare.err;
    auto adj = [](pid_t pid) {
        std::ifstream file("/proc/" + std::to_string(pid) + "/oom_score_adj");
        int value = -2000;
        file >> value;
        return value;
    };
    const int ours = adj(::getpid());
    auto server = static_cast<pid_t>(servers().at(0).pid);
    EXPECT_EQ(adj(server), ours) << "the server keeps the launch's score";
    EXPECT_EQ(r.out, std::to_string(ours + 1) + "\n") << "clone launch";
    EXPECT_EQ(in_spare.out, std::to_string(ours + 1) + "\n") << "spare launch";
    std::vector<pid_t> builders;
    for (pid_t pid : processes_using(runtime_.path()))
        if (pid != server) builders.push_back(pid);
    // A spare's build is a child of the builder that exits once its namespaces are handed
    // over: one listed above may be gone by the time its score is read.
    int checked = 0;
    for (pid_t pid : builders) {
        int value = adj(pid);
        if (value == -2000 && ::access(("/proc/" + std::to_string(pid)).c_str(), F_OK) != 0) continue;
        EXPECT_EQ(value, ours + 1) << "builder " << pid;
        ++checked;
    }
    EXPECT_GT(checked, 0) << "the plan's builder";
}

// The builder is forked from the plan's first launch, without an exec. In ps it must not
// look like that launch (`skiff run ... -- true`, a command long finished but seemingly still
// running) but like what it is: the image's builder of spares.
TEST_F(WarmSpare, TheBuilderShowsInPsAsTheImagesBuilder) {
    ASSERT_EQ(launch("true").status, 0);
    ASSERT_TRUE(spares_reach(2));
    auto server = static_cast<pid_t>(servers().at(0).pid);
    const std::string expected = std::string("skiff\0__spare-builder\0", 22) + image("debian.sqsh");
    int builders = 0;
    for (pid_t pid : processes_using(runtime_.path())) {
        if (pid == server) continue;
        ++builders;
        std::string cmdline = proc_file(pid, "cmdline");
        while (!cmdline.empty() && cmdline.back() == '\0') cmdline.pop_back();  // the old argv's room
        EXPECT_EQ(cmdline, expected) << "process " << pid;
        EXPECT_EQ(proc_file(pid, "comm"), "skiff-spare\n") << "process " << pid;
    }
    EXPECT_EQ(builders, 1) << "the plan's builder";
}

// Whether process `pid` has an open file descriptor on `ns` (a readlink of /proc/*/ns/*).
bool holds_namespace(pid_t pid, const std::string& ns) {
    return holds_descriptor(pid, [&](const std::string& target) { return target == ns; });
}

// The server keeps a used spare's namespaces while its container runs, so that the
// container's exit does not wait for their teardown, and lets them go after it: one kept for
// every launch would pin every container's mounts for the server's life.
TEST_F(WarmSpare, TheServerLetsGoOfAUsedSpareAfterItsContainer) {
    ASSERT_EQ(launch("true").status, 0);
    ASSERT_TRUE(spares_reach(2));
    auto container = start_container(image("debian.sqsh"), "readlink /proc/self/ns/mnt; echo ready; sleep 30", true);
    ASSERT_TRUE(container.wait_for_output("ready", 10s)) << container.err_so_far();
    std::string ns = container.out_so_far().substr(0, container.out_so_far().find('\n'));
    ASSERT_TRUE(ns.starts_with("mnt:[")) << ns;
    auto server = static_cast<pid_t>(servers().at(0).pid);
    EXPECT_TRUE(holds_namespace(server, ns)) << "server " << server << " does not hold " << ns;
    container.signal_group(SIGKILL);
    EXPECT_TRUE(says(container.wait(10s), "warm (spare)"));
    auto deadline = std::chrono::steady_clock::now() + 5s;  // 20 ms after the exit, on a calm machine
    while (holds_namespace(server, ns) && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(20ms);
    EXPECT_FALSE(holds_namespace(server, ns)) << "server " << server << " still holds " << ns;
}

TEST_F(WarmSpare, KilledServerWithSparesDoesNotHangLaterLaunches) {
    ASSERT_EQ(launch("true").status, 0);
    ASSERT_TRUE(spares_reach(2));
    auto pid = static_cast<pid_t>(servers().at(0).pid);
    ASSERT_EQ(::kill(pid, SIGKILL), 0);
    // As Warm.KilledServerIsReplacedByTheNextLaunch: a launch racing the dying server's
    // socket goes cold, which is not what this test is about.
    for (int i = 0; i < 250; ++i) {
        std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
        std::string text;
        if (!std::getline(stat, text) || text.find(") Z ") != std::string::npos) break;
        std::this_thread::sleep_for(20ms);
    }
    RunOptions o = options();
    o.timeout = 20s;
    auto r = sh(image("debian.sqsh"), "cat /etc/debian_version", {"-v"}, o);
    ASSERT_EQ(r.status, 0) << r;
    EXPECT_TRUE(says(r, "warm (clone): started the image server")) << r.err;
    ASSERT_TRUE(spares_reach(2));
    auto again = launch("cat /etc/debian_version");
    ASSERT_EQ(again.status, 0) << again;
    EXPECT_TRUE(says(again, "warm (spare)")) << again.err;
    EXPECT_EQ(again.out, r.out);
}

TEST_F(WarmSpare, AContainerInASpareKeepsItsRootPastIdleAndStop) {
    env_["SKIFF_SERVER_IDLE"] = "3";
    ASSERT_EQ(launch("true").status, 0);
    ASSERT_TRUE(spares_reach(2));
    auto container = start_container(image("debian.sqsh"), "echo ready; sleep 4; find / -xdev | wc -l", true);
    ASSERT_TRUE(container.wait_for_output("ready", 10s)) << container.err_so_far();
    EXPECT_NE(container.err_so_far().find("warm (spare)"), std::string::npos) << container.err_so_far();
    auto stop = skiff({"image", "stop"});  // retires at once, then waits for the container
    EXPECT_EQ(stop.status, 0) << stop;
    auto r = container.wait(15s);
    expect_root_outlived_server(r);
    EXPECT_TRUE(servers().empty());
}

TEST_F(WarmSpare, SwitchedOffAndExcludedPlansSayWhy) {
    env_["SKIFF_WARM_SPARES"] = "0";
    auto off = launch("true");
    ASSERT_EQ(off.status, 0) << off;
    EXPECT_TRUE(says(off, "warm (clone): started the image server")) << off.err;
    EXPECT_TRUE(says(off, "(no spares: SKIFF_WARM_SPARES=0)")) << off.err;
    env_.erase("SKIFF_WARM_SPARES");
    auto sqsh = launch("true", {"-v", "--mount", image("data.sqsh") + ":/data:sqsh"});
    ASSERT_EQ(sqsh.status, 0) << sqsh;
    EXPECT_TRUE(says(sqsh, "(no spares: a squashfs mount runs a FUSE server per container)")) << sqsh.err;
    EXPECT_EQ(servers().at(0).spares, 0);
    env_["SKIFF_WARM_SPARES"] = "many";
    auto bad = launch("true");
    EXPECT_EQ(bad.status, 125) << bad;
    EXPECT_TRUE(says(bad, "SKIFF_WARM_SPARES='many' is not a number of spares")) << bad.err;
}

}  // namespace
}  // namespace skiff::test
