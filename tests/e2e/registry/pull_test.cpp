// `skiff image pull` and `skiff run` with a registry reference, end to end: the real registry,
// the real skiff-pull (fetch + conversion into the store) and a real container.
#include <future>

#include "tests/e2e/registry/pull_fixture.hpp"

namespace skiff::test {
namespace {

TEST_F(Pull, PulledImageRunsWithItsLayersMergedAndItsConfig) {
    std::string ref = repo_http("multi") + ":1";
    auto pull = skiff({"image", "pull", ref});
    ASSERT_EQ(pull.status, 0) << pull;
    auto run = skiff({"run", "--image", ref, "--", "/bin/sh", "-c",
                      "cat /skiff-fixture; test -e /etc/removed-file || echo removed; test -e /opt/gone || echo gone; "
                      "ls /opt/replaced; cat /opt/plain/file; echo $FIXTURE_VAR; pwd"},
                     false);
    ASSERT_EQ(run.status, 0) << run;
    EXPECT_EQ(run.out, "multi\nremoved\ngone\nnew\nplain\nfrom-oci-config\n/opt\n")
        << "whiteouts, the opaque directory, the plain-tar layer, Env and WorkingDir";
    auto ls = skiff({"image", "ls"});
    EXPECT_NE(ls.out.find("+test+multi+1."), std::string::npos) << ls;
}

// -v gives the true reason of a cold launch: without a store the image is a temporary file,
// and --cold was not given (issue 24, wrong 6).
TEST_F(Pull, VoidStoreSaysWhyTheLaunchIsCold) {
    auto run = skiff({"run", "-v", "--image", repo_http("multi") + ":1", "--", "/bin/cat", "/skiff-fixture"}, true, "void");
    ASSERT_EQ(run.status, 0) << run;
    EXPECT_NE(run.err.find("cold: the registry image is a temporary file (EDF_IMAGESTORE=void) that an image server "
                           "would outlive"),
              std::string::npos)
        << run;
    EXPECT_EQ(run.err.find("--cold"), std::string::npos) << run;
}

// Four pulls of one image at once: one image file, no temporary left, every pull succeeds.
TEST_F(Pull, ConcurrentPullsMakeOneFile) {
    std::string ref = repo_http("multiarch") + ":1";
    std::vector<std::future<ProcessResult>> pulls;
    for (int i = 0; i < 4; ++i) pulls.push_back(std::async(std::launch::async, [&] { return skiff({"image", "pull", ref}); }));
    for (auto& p : pulls) {
        auto r = p.get();
        EXPECT_EQ(r.status, 0) << r;
    }
    int images = 0;
    for (const auto& name : store_entries()) {
        if (name.ends_with(".sqsh")) ++images;
        else EXPECT_TRUE(name.ends_with(".sqsh.lock") || name == ".blobs") << "left behind: " << name;
    }
    EXPECT_EQ(images, 1);
    auto run = skiff({"run", "--image", ref, "--", "/bin/cat", "/skiff-fixture"}, false);
    EXPECT_EQ(run.status, 0) << run;
    EXPECT_EQ(run.out, "multi\n") << "the amd64 entry of the index";
}

}  // namespace
}  // namespace skiff::test
