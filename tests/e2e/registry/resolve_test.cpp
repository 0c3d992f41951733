// `skiff image resolve`: a tag pinned to the digest it names now, with the real registry and
// skiff-pull; and a pinned reference, which `skiff run` then runs from its own store file.
#include <algorithm>

#include "tests/e2e/registry/pull_fixture.hpp"

namespace skiff::test {
namespace {

TEST_F(Pull, ResolvePinsATagToItsDigest) {
    std::string repo = repo_http("multiarch");
    auto r = skiff({"image", "resolve", repo + ":1"});
    ASSERT_EQ(r.status, 0) << r;
    EXPECT_EQ(r.out, repo + "@" + world().digests.at("multiarch") + "\n") << "the index's digest, as pulls verify it";
    EXPECT_EQ(r.err, "");
    EXPECT_EQ(store_entries(), std::vector<std::string>{}) << "nothing pulled or cached";

    auto run = skiff({"run", "--image", repo + "@" + world().digests.at("multiarch"), "--", "/bin/cat", "/skiff-fixture"});
    ASSERT_EQ(run.status, 0) << run;
    EXPECT_EQ(run.out, "multi\n");
}

// A reference with a digest needs no request: it resolves with the registry allowed nowhere.
TEST_F(Pull, ResolvePrintsADigestReferencePinned) {
    std::string digest = world().digests.at("multi");
    auto r = skiff({"image", "resolve", "docker://" + http() + "/test/not-pushed:7@" + digest}, false);
    ASSERT_EQ(r.status, 0) << r;
    EXPECT_EQ(r.out, http() + "/test/not-pushed@" + digest + "\n");
}

TEST_F(Pull, ResolveOfAnUnknownTagIsOneLine) {
    auto r = skiff({"image", "resolve", repo_http("multi") + ":nope"});
    EXPECT_EQ(r.status, 125) << r;
    EXPECT_EQ(r.out, "");
    EXPECT_TRUE(r.err.starts_with("skiff: error: image '" + repo_http("multi") + ":nope': no manifest nope in " +
                                  repo_http("multi") + " (HTTP 404 MANIFEST_UNKNOWN"))
        << r;
    EXPECT_TRUE(r.err.ends_with("; check the tag or digest\n")) << r;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r;
}

TEST_F(Pull, ResolveOfAnEdfsImage) {
    auto remote = work_.write_file("remote.toml", "image = \"" + repo_http("zstd") + ":1\"\n");
    auto r = skiff({"image", "resolve", "-e", remote});
    ASSERT_EQ(r.status, 0) << r;
    EXPECT_EQ(r.out, repo_http("zstd") + "@" + world().digests.at("zstd") + "\n");

    auto local = work_.write_file("local.toml", "image = \"" + work_.path() + "\"\n");
    r = skiff({"image", "resolve", "-e", local});
    EXPECT_EQ(r.status, 0) << r;
    EXPECT_EQ(r.out, "") << "nothing to pin";
    EXPECT_NE(r.err.find("image '" + work_.path() + "' is local (a squashfs file or directory), not a registry tag: nothing to resolve"),
              std::string::npos)
        << r;

    r = skiff({"image", "resolve", "./local.sqsh"});
    EXPECT_EQ(r.status, 125) << r;
    EXPECT_EQ(r.err, "skiff: error: image resolve: './local.sqsh' is a local path, not a registry tag: nothing to resolve\n");
}

// What the Slurm plugin runs in srun: the EDF's check and its image pinned, in one process;
// a tag the registry does not know fails the check.
TEST_F(Pull, EdfCheckForSrunPrintsThePinnedImageLast) {
    auto remote = work_.write_file("remote.toml", "image = \"" + repo_http("zstd") + ":1\"\n");
    auto r = skiff({"edf", "check", "--srun", remote});
    ASSERT_EQ(r.status, 0) << r;
    EXPECT_EQ(r.out, remote + ": ok\n" + repo_http("zstd") + "@" + world().digests.at("zstd") + "\n");
    auto unknown = work_.write_file("unknown.toml", "image = \"" + repo_http("zstd") + ":no-such-tag\"\n");
    r = skiff({"edf", "check", "--srun", unknown});
    EXPECT_NE(r.status, 0) << r;
    EXPECT_EQ(r.out, unknown + ": ok\n");
    EXPECT_NE(r.err.find("no-such-tag"), std::string::npos) << r;
}

}  // namespace
}  // namespace skiff::test
