// fetch_image against a real registry: manifest kinds, layer kinds, platform choice, the
// blob cache (reuse without network, concurrent fetches), TLS with basic auth.
#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <thread>

#include "launcher/image/registry/platform.hpp"
#include "tests/e2e/registry/registry_fixture.hpp"

namespace skiff::test {
namespace {

constexpr const char* gzip_layer = "application/vnd.oci.image.layer.v1.tar+gzip";

bool contains(const std::vector<std::string>& lines, const std::string& needle) {
    return std::any_of(lines.begin(), lines.end(), [&](const auto& l) { return l.find(needle) != std::string::npos; });
}

// Every layer's file exists under its digest in the cache and hashes to it.
void expect_verified(const image::FetchedImage& img, const std::string& cache) {
    for (const auto& l : img.layers) {
        EXPECT_EQ(l.blob.string(), cache + "/sha256/" + l.digest.substr(7));
        EXPECT_EQ(file_digest(l.blob), l.digest) << l.blob;
    }
}

TEST_F(Registry, FetchesAnOciImageByTagWithEveryLayerVerified) {
    auto img = fetch(repo_http("multi") + ":1");
    ASSERT_TRUE(img) << img.error().message;
    EXPECT_EQ(img->manifest_digest, world().digests["multi"]);
    EXPECT_EQ(img->architecture, "amd64");
    ASSERT_EQ(img->layers.size(), 3u);
    EXPECT_EQ(img->layers[0].media_type, gzip_layer);
    EXPECT_EQ(img->layers[1].media_type, gzip_layer);
    EXPECT_EQ(img->layers[2].media_type, "application/vnd.oci.image.layer.v1.tar");
    EXPECT_NE(img->config_json.find("\"WorkingDir\":\"/opt\""), std::string::npos) << img->config_json;
    EXPECT_NE(img->config_json.find("FIXTURE_VAR=from-oci-config"), std::string::npos);
    expect_verified(*img, cache_);
    EXPECT_TRUE(contains(progress_, "downloading")) << ::testing::PrintToString(progress_);
    EXPECT_EQ(stray_files(), std::vector<std::string>{});
}

TEST_F(Registry, FetchesByDigestAndChecksTheManifestDigest) {
    auto img = fetch(repo_http("multi") + "@" + world().digests["multi"]);
    ASSERT_TRUE(img) << img.error().message;
    EXPECT_EQ(img->manifest_digest, world().digests["multi"]);
    EXPECT_EQ(img->layers.size(), 3u);
    expect_verified(*img, cache_);
}

TEST_F(Registry, FetchesADockerV2Manifest) {
    auto img = fetch(repo_http("docker") + ":1");
    ASSERT_TRUE(img) << img.error().message;
    ASSERT_EQ(img->layers.size(), 3u);
    EXPECT_EQ(img->layers[0].media_type, "application/vnd.docker.image.rootfs.diff.tar.gzip");
    EXPECT_EQ(img->layers[1].media_type, "application/vnd.docker.image.rootfs.diff.tar.gzip");
    // The plain-tar layer: skopeo gzips it, or keeps it plain if the registry already has it.
    EXPECT_TRUE(img->layers[2].media_type.starts_with("application/vnd.docker.image.rootfs.diff.tar")) << img->layers[2].media_type;
    EXPECT_NE(img->config_json.find("\"Entrypoint\":[\"/bin/sh\",\"-c\"]"), std::string::npos) << img->config_json;
    expect_verified(*img, cache_);
}

TEST_F(Registry, FetchesAZstdLayer) {
    auto img = fetch(repo_http("zstd") + ":1");
    ASSERT_TRUE(img) << img.error().message;
    ASSERT_EQ(img->layers.size(), 2u);
    EXPECT_EQ(img->layers[1].media_type, "application/vnd.oci.image.layer.v1.tar+zstd");
    expect_verified(*img, cache_);
}

TEST_F(Registry, AnIndexResolvesToTheHostPlatform) {
    auto host = image::host_platform();
    SKIFF_REQUIRE(host.architecture == "amd64" || host.architecture == "arm64",
                  "the multiarch fixture has amd64 and arm64 only; this host is " + host.text());
    auto img = fetch(repo_http("multiarch") + ":1");
    ASSERT_TRUE(img) << img.error().message;
    EXPECT_EQ(img->architecture, host.architecture);
    EXPECT_EQ(img->manifest_digest,
              host.architecture == "amd64" ? world().amd64_of_multiarch : world().arm64_of_multiarch);
    EXPECT_TRUE(contains(progress_, "(" + host.text())) << ::testing::PrintToString(progress_);
    expect_verified(*img, cache_);
}

TEST_F(Registry, ASecondFetchByDigestNeedsNoRegistry) {
    std::string ref = repo_http("multiarch") + "@" + world().digests["multiarch"];
    auto first = fetch(ref);
    ASSERT_TRUE(first) << first.error().message;
    auto down = run_process({script("tests/e2e/registry/registry-down.sh"), world().reg_dir(), "http"});
    ASSERT_EQ(down.status, 0) << down;
    progress_.clear();
    auto again = fetch(ref);
    auto up = run_process({script("tests/e2e/registry/registry-up.sh"), world().reg_dir()});
    ASSERT_TRUE(again) << again.error().message;
    EXPECT_EQ(again->manifest_digest, first->manifest_digest);
    EXPECT_EQ(again->config_json, first->config_json);
    EXPECT_EQ(again->layers.size(), first->layers.size());
    EXPECT_TRUE(contains(progress_, "already cached")) << ::testing::PrintToString(progress_);
    EXPECT_FALSE(contains(progress_, "downloading")) << ::testing::PrintToString(progress_);
    EXPECT_EQ(up.status, 0) << up;
}

TEST_F(Registry, ConcurrentFetchesIntoOneCacheEndWithVerifiedBlobsOnly) {
    EnvMap env = current_environment();
    env["SKIFF_INSECURE_REGISTRIES"] = http();
    const std::string multi = repo_http("multi") + ":1", multiarch = repo_http("multiarch") + ":1";
    std::vector<BackgroundProcess> procs;
    for (int i = 0; i < 4; ++i)
        procs.push_back(start_process({REGISTRY_FETCH_BINARY, "--cache", cache_, "--parallel", "3", multi},
                                      run_options(env)));
    std::vector<std::thread> threads;
    std::vector<Result<image::FetchedImage>> in_process(3, fail("not run"));
    auto o = options();
    o.progress = nullptr;
    for (std::size_t i = 0; i < in_process.size(); ++i)
        threads.emplace_back([&, i] { in_process[i] = fetch(multiarch, o); });
    for (auto& t : threads) t.join();
    for (auto& p : procs) {
        auto r = p.wait();
        EXPECT_EQ(r.status, 0) << r;
        EXPECT_NE(r.out.find(world().digests["multi"]), std::string::npos) << r;
    }
    for (auto& r : in_process) {
        ASSERT_TRUE(r) << r.error().message;
        expect_verified(*r, cache_);
    }
    EXPECT_EQ(stray_files(), std::vector<std::string>{});
}

TEST_F(Registry, TlsWithTheTestCaAndBasicAuthFromTheCredentialsFile) {
    auto o = options();
    o.allow_plain_http = false;
    work_.write_file("credentials", "# enroot style\nmachine 127.0.0.1 login " + world().vars["REGISTRY_USER"] +
                                        " password " + world().vars["REGISTRY_PASSWORD"] + "\n");
    ::setenv("SSL_CERT_FILE", world().vars["CA_FILE"].c_str(), 1);
    auto img = fetch(repo_tls("multi") + ":1", o);
    ::unsetenv("SSL_CERT_FILE");
    ASSERT_TRUE(img) << img.error().message;
    EXPECT_EQ(img->manifest_digest, world().digests["multi"]);
    expect_verified(*img, cache_);
}

// SSL_CERT_DIR: a directory of CA certificates under their hash names (`openssl rehash`), as
// OpenSSL reads it; here the only place the test CA is.
TEST_F(Registry, TlsWithTheTestCaFromSslCertDir) {
    auto o = options();
    o.allow_plain_http = false;
    work_.write_file("credentials", "machine 127.0.0.1 login " + world().vars["REGISTRY_USER"] + " password " +
                                        world().vars["REGISTRY_PASSWORD"] + "\n");
    std::filesystem::create_directories(work_ / "certs");
    std::filesystem::copy_file(world().vars["CA_FILE"], work_ / "certs/test-ca.pem");
    auto rehash = run_process({"openssl", "rehash", work_ / "certs"});
    ASSERT_EQ(rehash.status, 0) << rehash;
    ::setenv("SSL_CERT_DIR", (work_ / "certs").c_str(), 1);
    auto img = fetch(repo_tls("multi") + ":1", o);
    ::unsetenv("SSL_CERT_DIR");
    ASSERT_TRUE(img) << img.error().message;
    EXPECT_EQ(img->manifest_digest, world().digests["multi"]);
}

}  // namespace
}  // namespace skiff::test
