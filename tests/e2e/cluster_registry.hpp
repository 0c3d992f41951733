// A real registry for the multi-node image tests (cluster_image_test.cpp): the plain-HTTP one
// of tests/e2e/registry/registry-up.sh, listening on the host's address on the test cluster's
// network so that every node reaches it, with its access log kept so that a test can count the
// GETs. Started on first use, once per test process, stopped when the process ends (and by
// registry-up.sh's watchdog if it dies). The OCI layouts come from build-oci-images.sh.
#pragma once

#include <map>
#include <memory>
#include <string>

#include "tests/support/support.hpp"

namespace skiff::test {

class ClusterRegistry {
public:
    // The registry, started if needed; check ok() (a failure to start is in error()).
    static ClusterRegistry& get();

    bool ok() const { return error_.empty(); }
    // The tools that are missing ("" if none): the tests then skip (fail under
    // SKIFF_TESTS_MUST_RUN=1); any other failure to start is an error.
    const std::string& missing() const { return missing_; }
    const std::string& error() const { return error_; }
    // "ADDRESS:PORT": write images as address() + "/test/NAME:TAG".
    const std::string& address() const { return address_; }
    pid_t pid() const;  // the docker-registry process

    // skopeo copy of the layout `layout` ("multi", "zstd", "big") to address()/REPO_TAG;
    // "" or skopeo's error.
    std::string push(const std::string& layout, const std::string& repo_tag) const;
    // The layout's top manifest digest, "sha256:<hex>" (what the pushed tag names).
    std::string digest(const std::string& layout) const;
    // The layout's blob file of digest `digest`.
    std::string blob(const std::string& layout, const std::string& digest) const;
    // How many GETs (any status) of each path below /v2/REPO/ the access log has, e.g.
    // "blobs/sha256:<hex>" or "manifests/TAG".
    std::map<std::string, int> gets(const std::string& repo) const;

    ~ClusterRegistry();

private:
    ClusterRegistry() = default;
    std::string start();

    std::unique_ptr<TempDir> dir_;
    std::string address_;
    std::string error_;
    std::string missing_;
};

// "a.b.c.d", the slurmctld's address on the cluster network, from the cluster's slurm.conf.
std::string cluster_host_address(const std::string& slurm_conf);

// A unique repository name below test/ for this test process: "test/NAME-PID-N".
std::string fresh_repository(const std::string& name);

}  // namespace skiff::test
