// fetch_image's failures against a real registry: each is one clear line, and nothing is
// left in the blob cache under a final name unless verified.
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "launcher/image/registry/platform.hpp"
#include "tests/e2e/registry/registry_fixture.hpp"
#include "tests/support/free_port.hpp"

namespace skiff::test {
namespace {

#define EXPECT_ERROR(result, needle)                                                  \
    do {                                                                              \
        ASSERT_FALSE(result) << "fetch succeeded";                                    \
        EXPECT_NE((result).error().message.find(needle), std::string::npos)           \
            << (result).error().message;                                              \
        EXPECT_EQ((result).error().message.find('\n'), std::string::npos)            \
            << (result).error().message;                                              \
    } while (false)

TEST_F(Registry, UnknownTagAndRepositoryAreNamed) {
    auto tag = fetch(repo_http("multi") + ":nope");
    EXPECT_ERROR(tag, "no manifest nope in " + http() + "/test/multi (HTTP 404 MANIFEST_UNKNOWN");
    auto repo = fetch(http() + "/test/nothing-here:1");
    EXPECT_ERROR(repo, "no manifest 1 in " + http() + "/test/nothing-here (HTTP 404");
}

TEST_F(Registry, NoImageForThisArchitectureListsTheAvailableOnes) {
    auto host = image::host_platform();
    SKIFF_REQUIRE(host.architecture != "arm64" && host.architecture != "s390x",
                  "the armonly fixture is linux/arm64 and linux/s390x; this host is " + host.text());
    auto r = fetch(repo_http("armonly") + ":1");
    EXPECT_ERROR(r, "no " + host.text() + " image in " + repo_http("armonly") + ":1, available: linux/arm64/v8, linux/s390x");
    EXPECT_FALSE(std::filesystem::exists(cache_ + "/sha256") && !std::filesystem::is_empty(cache_ + "/sha256") &&
                 std::filesystem::directory_iterator(cache_ + "/sha256")->path().filename().string().size() != 64);
}

TEST_F(Registry, ACorruptedBlobInTheRegistryIsADigestMismatchAndIsNotCached) {
    std::string image_ref = repo_http("corrupt") + ":1";
    // The layer: the only blob of that manifest that is not its config; find it by size.
    auto probe = fetch(repo_http("corrupt") + "@" + world().digests["corrupt"]);
    ASSERT_TRUE(probe) << probe.error().message;
    ASSERT_EQ(probe->layers.size(), 1u);
    std::string digest = probe->layers[0].digest, hex = digest.substr(7);
    std::filesystem::remove_all(cache_);
    std::string data = world().vars["HTTP_STORAGE"] + "/docker/registry/v2/blobs/sha256/" + hex.substr(0, 2) + "/" + hex + "/data";
    auto size = std::filesystem::file_size(data);
    {
        std::ofstream out(data, std::ios::binary | std::ios::trunc);
        out << std::string(size, 'X');  // same size, other bytes
    }
    auto r = fetch(image_ref);
    EXPECT_ERROR(r, "blob " + digest + ": digest mismatch");
    EXPECT_ERROR(r, "nothing was cached");
    EXPECT_FALSE(std::filesystem::exists(cache_ + "/sha256/" + hex));
    EXPECT_EQ(stray_files(), std::vector<std::string>{});
}

TEST_F(Registry, WrongPasswordNamesTheCredentialsFileButNotThePassword) {
    auto o = options();
    o.allow_plain_http = false;
    std::string wrong = "not-the-password-4711";
    work_.write_file("credentials", "machine 127.0.0.1 login skiff password " + wrong + "\n");
    ::setenv("SSL_CERT_FILE", world().vars["CA_FILE"].c_str(), 1);
    auto bad = fetch(repo_tls("multi") + ":1", o);
    std::filesystem::remove(o.credentials);
    auto none = fetch(repo_tls("multi") + ":1", o);
    ::unsetenv("SSL_CERT_FILE");
    EXPECT_ERROR(bad, "rejected the credentials of 'skiff' (HTTP 401); fix the 'machine " + tls() + "' entry in " +
                          o.credentials.string());
    EXPECT_EQ(bad.error().message.find(wrong), std::string::npos);
    EXPECT_ERROR(none, "requires authentication for test/multi (HTTP 401)");
    EXPECT_ERROR(none, "add 'machine " + tls() + " login USER password SECRET' to " + o.credentials.string());
}

TEST_F(Registry, TlsWithoutTheTestCaFailsVerification) {
    auto o = options();
    o.allow_plain_http = false;
    auto r = fetch(repo_tls("multi") + ":1", o);
    EXPECT_ERROR(r, "TLS connection to registry " + tls() + " failed");
    EXPECT_ERROR(r, "SSL_CERT_FILE");
}

TEST_F(Registry, PlainHttpIsRefusedUnlessAllowed) {
    auto o = options();
    o.allow_plain_http = false;
    auto r = fetch(repo_http("multi") + ":1", o);
    EXPECT_ERROR(r, "TLS connection to registry " + http() + " failed");
    EXPECT_ERROR(r, "allow that with SKIFF_INSECURE_REGISTRIES=" + http());
}

TEST_F(Registry, AnUnreachableRegistryIsANetworkErrorAfterTheRetries) {
    std::string registry = "127.0.0.1:" + std::to_string(free_tcp_port());
    auto r = fetch(registry + "/test/multi:1");
    EXPECT_ERROR(r, "registry " + registry + " cannot be reached");
    EXPECT_ERROR(r, "(gave up after 4 attempts)");
    EXPECT_EQ(std::count_if(progress_.begin(), progress_.end(),
                            [](const auto& l) { return l.find("retrying in") != std::string::npos; }),
              3)
        << ::testing::PrintToString(progress_);
}

// ENOSPC: the fetch runs in a user and mount namespace with the cache on a 512 KiB tmpfs;
// the busybox layer is about 1 MiB.
TEST_F(Registry, AFullDiskIsReportedAndLeavesNothingBehind) {
    SKIFF_REQUIRE(run_process({"unshare", "-rm", "true"}).status == 0, "unprivileged user namespaces are off here");
    EnvMap env = current_environment();
    env["SKIFF_INSECURE_REGISTRIES"] = http();
    auto r = run_process({"unshare", "-rm", "/bin/sh", "-c",
                          "mount -t tmpfs -o size=512k tmpfs \"$1\" && \"$2\" --cache \"$1/c\" \"$3\"; s=$?; "
                          "cd \"$1/c/sha256\" && find . ! -name . -exec sha256sum {} +; exit $s",
                          "sh", work_.path(), REGISTRY_FETCH_BINARY, repo_http("multi") + ":1"},
                         run_options(env));
    EXPECT_EQ(r.status, 1) << r;
    EXPECT_NE(r.err.find("No space left on device; free space there and pull again"), std::string::npos) << r;
    // Whatever was verified before the disk filled is fine: every entry left is a whole blob
    // named by its own digest. A partial blob, a named temporary file ("sha256/.tmp-*", the
    // fallback where O_TMPFILE is missing) or a directory would not hash to its name.
    std::istringstream entries(r.out);
    for (std::string line; std::getline(entries, line);) {
        ASSERT_GT(line.size(), 68u) << line;
        EXPECT_EQ(line.substr(0, 64), line.substr(68)) << "not a verified blob: " << line;
    }
    EXPECT_EQ(r.err.find("sha256sum:"), std::string::npos) << "an entry that is not a file: " << r;
}

}  // namespace
}  // namespace skiff::test
