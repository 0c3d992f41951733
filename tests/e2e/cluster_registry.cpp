#include "tests/e2e/cluster_registry.hpp"

#include <unistd.h>

#include <fstream>
#include <regex>
#include <sstream>

#include "tests/e2e/cluster_fixture.hpp"

namespace skiff::test {
namespace {

std::string read_text(const std::string& path) {
    std::ifstream in(path);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

std::string source(const std::string& relative) { return std::string(SKIFF_SOURCE_DIR) + "/" + relative; }

RunOptions with_timeout(std::chrono::seconds timeout, std::optional<EnvMap> env = std::nullopt) {
    RunOptions options;
    options.env = std::move(env);
    options.timeout = timeout;
    return options;
}

constexpr int big_layer_mib = 64;

}  // namespace

std::string cluster_host_address(const std::string& slurm_conf) {
    std::smatch m;
    std::string text = read_text(slurm_conf);
    static const std::regex host(R"(SlurmctldHost=[^(\n]*\(([0-9.]+)\))");
    return std::regex_search(text, m, host) ? m[1].str() : "";
}

std::string fresh_repository(const std::string& name) {
    static int count = 0;
    return "test/" + name + "-" + std::to_string(::getpid()) + "-" + std::to_string(++count);
}

ClusterRegistry& ClusterRegistry::get() {
    static ClusterRegistry the;  // destroyed at exit: registry-down.sh
    static bool started = (the.error_ = the.start(), true);
    (void)started;
    return the;
}

std::string ClusterRegistry::start() {
    for (const char* tool : {"docker-registry", "skopeo", "curl", "htpasswd", "openssl"})
        if (run_process({"/bin/sh", "-c", std::string("command -v ") + tool}).status != 0) missing_ += std::string(" ") + tool;
    if (!missing_.empty()) return "missing" + missing_ + "; run scripts/install-deps.sh";
    std::string host = cluster_host_address(cluster_conf);
    if (host.empty()) return std::string("no SlurmctldHost=NAME(ADDRESS) in ") + cluster_conf;
    const char* home = std::getenv("HOME");
    dir_ = std::make_unique<TempDir>("cluster-registry", home != nullptr && *home == '/' ? home : "/var/tmp");
    std::string build = source("tests/fixtures/build-oci-images.sh"), oci = dir_->path() + "/oci";
    auto built = run_process({build, oci}, with_timeout(std::chrono::seconds(120)));
    if (built.status != 0) return "build-oci-images.sh failed: " + built.err;
    built = run_process({build, "--big", std::to_string(big_layer_mib), oci + "/big"}, with_timeout(std::chrono::seconds(120)));
    if (built.status != 0) return "build-oci-images.sh --big failed: " + built.err;
    EnvMap env = current_environment();
    env["REGISTRY_OWNER_PID"] = std::to_string(::getpid());
    env["REGISTRY_ADDRESS"] = host;
    env["REGISTRY_ACCESS_LOG"] = "1";
    auto up = run_process({source("tests/e2e/registry/registry-up.sh"), dir_->path() + "/registry"},
                          with_timeout(std::chrono::seconds(60), env));
    if (up.status != 0) return "registry-up.sh failed: " + up.err;
    std::smatch m;
    std::string vars = read_text(dir_->path() + "/registry/registry.env");
    if (!std::regex_search(vars, m, std::regex("HTTP_REGISTRY=([^\n]+)"))) return "no HTTP_REGISTRY in registry.env";
    address_ = m[1].str();
    return "";
}

ClusterRegistry::~ClusterRegistry() {
    if (dir_) run_process({source("tests/e2e/registry/registry-down.sh"), dir_->path() + "/registry"});
    dir_.reset();
}

pid_t ClusterRegistry::pid() const {
    return static_cast<pid_t>(std::stol("0" + read_text(dir_->path() + "/registry/http.pid")));
}

std::string ClusterRegistry::push(const std::string& layout, const std::string& repo_tag) const {
    // A fresh blob info cache: skopeo would otherwise substitute blobs it pushed before.
    EnvMap env = current_environment();
    env["XDG_DATA_HOME"] = dir_->path() + "/skopeo-data";
    auto r = run_process({"skopeo", "copy", "-q", "--preserve-digests", "--dest-tls-verify=false",
                          "oci:" + dir_->path() + "/oci/" + layout + ":1", "docker://" + address_ + "/" + repo_tag},
                         with_timeout(std::chrono::seconds(120), env));
    return r.status == 0 ? "" : "skopeo copy " + layout + " -> " + repo_tag + " failed: " + r.err;
}

std::string ClusterRegistry::digest(const std::string& layout) const {
    std::smatch m;
    std::string index = read_text(dir_->path() + "/oci/" + layout + "/index.json");
    return std::regex_search(index, m, std::regex("sha256:[0-9a-f]{64}")) ? m[0].str() : "";
}

std::string ClusterRegistry::blob(const std::string& layout, const std::string& digest) const {
    return dir_->path() + "/oci/" + layout + "/blobs/sha256/" + digest.substr(std::string("sha256:").size());
}

std::map<std::string, int> ClusterRegistry::gets(const std::string& repo) const {
    std::map<std::string, int> out;
    std::istringstream log(read_text(dir_->path() + "/registry/http.log"));
    std::string prefix = "\"GET /v2/" + repo + "/";
    for (std::string line; std::getline(log, line);) {
        auto at = line.find(prefix);
        if (at == std::string::npos) continue;
        auto path = line.substr(at + prefix.size());
        ++out[path.substr(0, path.find(' '))];
    }
    return out;
}

}  // namespace skiff::test
