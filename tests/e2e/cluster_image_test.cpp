// One image per job (issue 20, part 3): srun pins the EDF's registry tag to a digest once, every
// node runs that digest, the nodes' pulls into the shared image store make one download, and a
// killed pull leaves nothing half-made. Real srun on the 4-node cluster, a real registry on the
// cluster network (cluster_registry.hpp).
#include <signal.h>

#include <algorithm>
#include <filesystem>
#include <optional>
#include <regex>
#include <thread>

#include "tests/e2e/cluster_fixture.hpp"
#include "tests/e2e/cluster_registry.hpp"

namespace skiff::test {
namespace {

// Sets variables of this process (srun passes them to the tasks) and restores them after.
class ScopedEnv {
public:
    void set(const std::string& name, const std::string& value) {
        const char* old = std::getenv(name.c_str());
        saved_.emplace_back(name, old ? std::optional<std::string>(old) : std::nullopt);
        ::setenv(name.c_str(), value.c_str(), 1);
    }
    ~ScopedEnv() {
        for (auto it = saved_.rbegin(); it != saved_.rend(); ++it) {
            if (it->second) ::setenv(it->first.c_str(), it->second->c_str(), 1);
            else ::unsetenv(it->first.c_str());
        }
    }

private:
    std::vector<std::pair<std::string, std::optional<std::string>>> saved_;
};

std::vector<std::string> names_in(const std::string& dir) {
    std::vector<std::string> names;
    std::error_code ec;
    for (const auto& e : std::filesystem::directory_iterator(dir, ec)) names.push_back(e.path().filename());
    std::sort(names.begin(), names.end());
    return names;
}

std::vector<std::string> images_in(const std::string& store) {
    std::vector<std::string> images;
    for (const auto& name : names_in(store))
        if (name.ends_with(".sqsh")) images.push_back(name);
    return images;
}

std::vector<std::string> sorted_lines(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) out.push_back(line);
    std::sort(out.begin(), out.end());
    return out;
}

// What Cluster::srun runs, for a srun that the test does not wait for at once.
std::vector<std::string> srun_argv(const std::vector<std::string>& args) {
    std::vector<std::string> argv{"/usr/bin/env", "srun", "--quiet", "--overcommit"};
    argv.insert(argv.end(), args.begin(), args.end());
    return argv;
}

RunOptions srun_options(const std::string& cwd) {
    RunOptions options;
    options.env = current_environment();
    (*options.env)["SLURM_CONF"] = cluster_conf;
    (*options.env)["PATH"] = "/usr/local/bin:/usr/bin:/bin";
    options.cwd = cwd;
    options.timeout = std::chrono::seconds(120);
    return options;
}

std::string hex_of(const std::string& digest) { return digest.substr(std::string("sha256:").size()); }

// The cluster, a registry its nodes reach, and a fresh image store in the shared test directory
// that srun's environment names (EDF_IMAGESTORE), with the registry's plain HTTP allowed.
class ClusterImages {
public:
    explicit ClusterImages(const std::string& store) : store_(store) {
        std::filesystem::create_directories(store_);
        env_.set("EDF_IMAGESTORE", store_);
        env_.set("SKIFF_INSECURE_REGISTRIES", registry().address());
    }
    static ClusterRegistry& registry() { return ClusterRegistry::get(); }
    const std::string& store() const { return store_; }

private:
    std::string store_;
    ScopedEnv env_;
};

#define REQUIRE_REGISTRY()                                                                                   \
    SKIFF_REQUIRE(ClusterRegistry::get().missing().empty(), ClusterRegistry::get().error());                  \
    ASSERT_TRUE(ClusterRegistry::get().ok()) << "the cluster's registry: " << ClusterRegistry::get().error()

const std::string task_report = "echo $SLURMD_NODENAME $SKIFF_SPANK_IMAGE $(cat /skiff-fixture) "
                                "$(test -e /opt/zstd-layer && echo moved || echo pinned)";

TEST_F(Cluster, EveryNodeRunsTheImageSrunPinnedAndOnlyOneDownloadsIt) {
    REQUIRE_REGISTRY();
    ClusterImages world(dir_ / "store");
    auto& registry = world.registry();
    std::string repo = fresh_repository("every-node");
    ASSERT_EQ(registry.push("multi", repo + ":fresh"), "");
    std::string pinned = registry.address() + "/" + repo + "@" + registry.digest("multi");
    auto edf = dir_.write_file("fresh.toml", "image = \"" + registry.address() + "/" + repo + ":fresh\"\n");

    auto r = srun({"-N4", "--environment=" + edf, "/bin/sh", "-c", task_report});
    ASSERT_EQ(r.status, 0) << r;
    std::vector<std::string> want;
    for (const char* node : {"n1", "n2", "n3", "n4"}) want.push_back(std::string(node) + " " + pinned + " multi pinned");
    EXPECT_EQ(sorted_lines(r.out), want) << r;

    auto gets = registry.gets(repo);
    EXPECT_EQ(gets["manifests/fresh"], 1) << "srun resolves the tag once, the nodes never ask for it";
    int blobs = 0;
    for (const auto& [path, count] : gets) {
        if (!path.starts_with("blobs/")) continue;
        ++blobs;
        EXPECT_EQ(count, 1) << path << " was downloaded " << count << " times by the 4 nodes";
    }
    EXPECT_EQ(blobs, 4) << "the config and the 3 layers of the image";
    EXPECT_EQ(images_in(world.store()),
              std::vector<std::string>{std::regex_replace(registry.address(), std::regex(":"), "_") + "+" +
                                       std::regex_replace(repo, std::regex("/"), "+") + "+sha256-" +
                                       hex_of(registry.digest("multi")) + ".x86_64.sqsh"})
        << "one image, named by its digest";
}

// srun --hold resolves the tag and then waits; the tag moves to another image before the job is
// released, and every node still runs the image srun pinned.
TEST_F(Cluster, ATagMovedAfterSrunPinnedItDoesNotChangeTheStepsImage) {
    REQUIRE_REGISTRY();
    ClusterImages world(dir_ / "store");
    auto& registry = world.registry();
    std::string repo = fresh_repository("moving");
    ASSERT_EQ(registry.push("multi", repo + ":moving"), "");
    auto edf = dir_.write_file("moving.toml", "image = \"" + registry.address() + "/" + repo + ":moving\"\n");
    std::string name = "skiff-pin-" + std::to_string(::getpid());

    auto held = start_process(srun_argv({"--hold", "--job-name=" + name, "-N4", "--environment=" + edf, "/bin/sh", "-c",
                                         task_report}),
                              srun_options(dir_.path()));
    std::string job;
    for (int i = 0; i < 300 && job.empty(); ++i) {
        auto q = srun_plain({"squeue", "-h", "-n", name, "-o", "%i"});
        if (q.status == 0) job = lines(q.out).empty() ? "" : lines(q.out).front();
        if (job.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    ASSERT_FALSE(job.empty()) << "the held job never appeared in squeue: " << held.wait(std::chrono::seconds(1));

    ASSERT_EQ(registry.push("zstd", repo + ":moving"), "");
    auto now = run_process({skiff_binary(), "image", "resolve", registry.address() + "/" + repo + ":moving"});
    ASSERT_EQ(now.status, 0) << now;
    EXPECT_EQ(now.out, registry.address() + "/" + repo + "@" + registry.digest("zstd") + "\n") << "the tag moved";
    auto release = srun_plain({"scontrol", "release", job});
    ASSERT_EQ(release.status, 0) << release;

    auto r = held.wait(std::chrono::seconds(120));
    ASSERT_EQ(r.status, 0) << r;
    std::string pinned = registry.address() + "/" + repo + "@" + registry.digest("multi");
    std::vector<std::string> want;
    for (const char* node : {"n1", "n2", "n3", "n4"}) want.push_back(std::string(node) + " " + pinned + " multi pinned");
    EXPECT_EQ(sorted_lines(r.out), want) << r;
}

// An unknown tag, and a registry that does not answer: srun says why in one line and no task runs.
TEST_F(Cluster, ATagSrunCannotPinStopsTheStepBeforeItStarts) {
    REQUIRE_REGISTRY();
    ClusterImages world(dir_ / "store");
    auto& registry = world.registry();
    std::string repo = fresh_repository("unpinnable");
    ASSERT_EQ(registry.push("multi", repo + ":exists"), "");
    std::string host = registry.address().substr(0, registry.address().find(':'));
    ScopedEnv any_port;
    any_port.set("SKIFF_INSECURE_REGISTRIES", host);  // the closed port below too
    struct Case {
        std::string image, error;
    };
    for (const auto& c : {Case{registry.address() + "/" + repo + ":missing",
                               "no manifest missing in " + registry.address() + "/" + repo},
                          Case{host + ":9/" + repo + ":exists", "registry " + host + ":9 cannot be reached"}}) {
        auto edf = dir_.write_file("unpinnable.toml", "image = \"" + c.image + "\"\n");
        auto r = srun({"-N4", "--environment=" + edf, "/bin/sh", "-c", "echo the task ran"});
        EXPECT_NE(r.status, 0) << r;
        EXPECT_EQ(r.out, "") << "a task ran: " << r;
        EXPECT_NE(r.err.find(c.error), std::string::npos) << r;
        auto err = lines(r.err);
        EXPECT_EQ(std::count_if(err.begin(), err.end(),
                                [](const std::string& l) { return l.find("skiff: error:") != std::string::npos; }),
                  1)
            << "one error line: " << r;
    }
    EXPECT_EQ(images_in(world.store()), std::vector<std::string>{}) << "nothing was pulled";
    for (const auto& [path, count] : registry.gets(repo)) EXPECT_FALSE(path.starts_with("blobs/")) << path;
}

// A pull killed after some MB of its 64 MiB layer leaves no image and no partial blob in the
// shared store; the next node's step pulls the image whole. The registry is paused (SIGSTOP) the
// moment the pull reports 10%, so the kill lands mid-layer however fast the network is.
TEST_F(Cluster, APullKilledMidDownloadLeavesNoHalfImageAndTheNextNodePullsItWhole) {
    REQUIRE_REGISTRY();
    ClusterImages world(dir_ / "store");
    auto& registry = world.registry();
    std::string repo = fresh_repository("killed");
    ASSERT_EQ(registry.push("big", repo + ":big"), "");
    std::string ref = registry.address() + "/" + repo + ":big";

    auto pull = start_process({skiff_binary(), "image", "pull", ref}, srun_options(dir_.path()));
    ASSERT_TRUE(pull.wait_for_output("% of 64.0 MiB", std::chrono::seconds(60))) << pull.wait(std::chrono::seconds(1));
    ASSERT_EQ(::kill(registry.pid(), SIGSTOP), 0);
    pull.signal_group(SIGKILL);
    auto killed = pull.wait(std::chrono::seconds(10));
    ::kill(registry.pid(), SIGCONT);
    EXPECT_EQ(killed.term_signal, SIGKILL) << killed;
    EXPECT_EQ(killed.err.find("done (64.0 MiB)"), std::string::npos) << "the layer was whole before the kill: " << killed;

    EXPECT_EQ(images_in(world.store()), std::vector<std::string>{}) << "a half image";
    for (const auto& name : names_in(world.store()))
        EXPECT_TRUE(name == ".blobs" || name.ends_with(".sqsh.lock")) << "left in the store: " << name;
    for (const auto& name : names_in(world.store() + "/.blobs/sha256")) {
        EXPECT_EQ(name.size(), 64u) << "a temporary blob: " << name;
        EXPECT_EQ(std::filesystem::file_size(world.store() + "/.blobs/sha256/" + name) < (std::uintmax_t{64} << 20), true)
            << "the big layer was cached whole: " << name;
    }

    auto edf = dir_.write_file("big.toml", "image = \"" + ref + "\"\n");
    auto r = srun({"-N1", "-w", "n2", "--environment=" + edf, "/bin/sh", "-c",
                   "echo $SLURMD_NODENAME $(cat /skiff-fixture) $(test -s /big/data && echo whole)"});
    ASSERT_EQ(r.status, 0) << r;
    EXPECT_EQ(r.out, "n2 multi whole\n") << r;
    EXPECT_EQ(images_in(world.store()).size(), 1u);
}

}  // namespace
}  // namespace skiff::test
