// The registry tests' world: two real registries on 127.0.0.1 (registry-up.sh; plain HTTP,
// and TLS with htpasswd basic auth) filled with the OCI layouts of build-oci-images.sh,
// pushed with skopeo. Started once per test process, stopped at its end.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "launcher/image/registry/fetched_image.hpp"
#include "tests/support/support.hpp"

namespace skiff::test {

// A path in the source tree.
std::string source_path(const std::string& relative);

// RunOptions with an environment and/or a timeout.
RunOptions run_options(std::optional<EnvMap> env, std::chrono::seconds timeout = std::chrono::seconds(60));

struct RegistryWorld {
    std::unique_ptr<TempDir> dir;
    std::map<std::string, std::string> vars;     // registry.env: HTTP_REGISTRY, TLS_REGISTRY, ...
    std::map<std::string, std::string> digests;  // layout name -> top manifest/index digest
    std::string amd64_of_multiarch;              // the amd64 entry of the multiarch index
    std::string arm64_of_multiarch;
    std::string missing_tools;                   // non-empty: the suite cannot run
    std::string setup_error;                     // non-empty: setting up failed
    std::map<std::string, std::string> pushed;   // "HOST/test/NAME" -> skopeo's error or ""

    std::string reg_dir() const { return dir->path() + "/registry"; }
    std::string oci_dir() const { return dir->path() + "/oci"; }
};

class Registry : public ::testing::Test {
protected:
    static void SetUpTestSuite();
    static void TearDownTestSuite();
    void SetUp() override;

    static RegistryWorld& world();
    static std::string http() { return world().vars.at("HTTP_REGISTRY"); }
    static std::string tls() { return world().vars.at("TLS_REGISTRY"); }
    // "HOST:PORT/test/NAME" after pushing the layout NAME there (once per test process;
    // "docker" is the multi layout converted to Docker v2 schema 2 manifests).
    static std::string repo_http(const std::string& name);
    static std::string repo_tls(const std::string& name);
    static std::string script(const std::string& relative) { return source_path(relative); }

    // Options with a fresh cache; plain HTTP allowed (the HTTP registry needs it).
    image::FetchOptions options();
    Result<image::FetchedImage> fetch(const std::string& ref_text, const image::FetchOptions& options);
    Result<image::FetchedImage> fetch(const std::string& ref_text) { return fetch(ref_text, options()); }

    // Entries of CACHE/sha256 that are not "<64 hex>" verified blobs (temporary files).
    std::vector<std::string> stray_files() const;

    TempDir work_{"registry-test"};
    std::string cache_ = work_ / "blobs";
    std::vector<std::string> progress_;
};

// "sha256:<hex>" of a file's bytes.
std::string file_digest(const std::string& path);

}  // namespace skiff::test
