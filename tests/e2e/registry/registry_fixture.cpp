#include "tests/e2e/registry/registry_fixture.hpp"

#include <unistd.h>

#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "launcher/image/registry/sha256.hpp"

namespace skiff::test {
namespace {

RegistryWorld* the_world = nullptr;

std::string read_text(const std::string& path) {
    std::ifstream in(path);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

std::map<std::string, std::string> read_env_file(const std::string& path) {
    std::map<std::string, std::string> out;
    std::istringstream in(read_text(path));
    for (std::string line; std::getline(in, line);)
        if (auto eq = line.find('='); eq != std::string::npos) out[line.substr(0, eq)] = line.substr(eq + 1);
    return out;
}

std::string missing_tools() {
    std::string missing;
    for (const char* tool : {"docker-registry", "skopeo", "htpasswd", "openssl", "curl", "zstd"})
        if (run_process({"/bin/sh", "-c", std::string("command -v ") + tool}).status != 0) missing += std::string(" ") + tool;
    return missing;
}

// The top digest of an OCI layout (its index.json's only entry).
std::string layout_digest(const std::string& layout) {
    auto doc = nlohmann::json::parse(read_text(layout + "/index.json"));
    return doc["manifests"][0]["digest"].get<std::string>();
}

std::string index_entry(const std::string& layout, const std::string& arch) {
    std::string top = layout_digest(layout);
    auto doc = nlohmann::json::parse(read_text(layout + "/blobs/sha256/" + top.substr(7)));
    for (const auto& m : doc["manifests"])
        if (m["platform"]["architecture"] == arch) return m["digest"].get<std::string>();
    return "";
}

std::string push(const RegistryWorld& w, const std::string& layout, const std::string& dest,
                 const std::vector<std::string>& extra) {
    std::vector<std::string> argv{"skopeo", "copy", "-q", "--dest-tls-verify=false"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    argv.push_back("oci:" + w.oci_dir() + "/" + layout + ":1");
    argv.push_back("docker://" + dest);
    // skopeo remembers compressed variants of blobs it pushed before (its blob info cache
    // under XDG_DATA_HOME) and substitutes them, which changes manifests: give it a fresh one.
    EnvMap env = current_environment();
    env["XDG_DATA_HOME"] = w.dir->path() + "/skopeo-data";
    auto r = run_process(argv, run_options(env, std::chrono::seconds(120)));
    if (r.status != 0) return "skopeo copy " + layout + " -> " + dest + " failed: " + r.err;
    return "";
}

std::string set_up(RegistryWorld& w) {
    std::filesystem::create_directories(w.oci_dir());
    auto built = run_process({source_path("tests/fixtures/build-oci-images.sh"), w.oci_dir()},
                             run_options(std::nullopt, std::chrono::seconds(120)));
    if (built.status != 0) return "build-oci-images.sh failed: " + built.err;
    EnvMap env = current_environment();
    env["REGISTRY_OWNER_PID"] = std::to_string(::getpid());
    auto up = run_process({source_path("tests/e2e/registry/registry-up.sh"), w.reg_dir()},
                          run_options(env));
    if (up.status != 0) return "registry-up.sh failed: " + up.err;
    w.vars = read_env_file(w.reg_dir() + "/registry.env");
    for (const char* name : {"multi", "zstd", "multiarch", "armonly", "corrupt"})
        w.digests[name] = layout_digest(w.oci_dir() + "/" + name);
    w.amd64_of_multiarch = index_entry(w.oci_dir() + "/multiarch", "amd64");
    w.arm64_of_multiarch = index_entry(w.oci_dir() + "/multiarch", "arm64");
    return "";
}

}  // namespace

std::string file_digest(const std::string& path) { return image::sha256_digest(read_text(path)); }

RegistryWorld& Registry::world() { return *the_world; }

std::string source_path(const std::string& relative) { return std::string(SKIFF_SOURCE_DIR) + "/" + relative; }

RunOptions run_options(std::optional<EnvMap> env, std::chrono::seconds timeout) {
    RunOptions o;
    o.env = std::move(env);
    o.timeout = timeout;
    return o;
}

void Registry::SetUpTestSuite() {
    the_world = new RegistryWorld;
    the_world->missing_tools = missing_tools();
    if (!the_world->missing_tools.empty()) return;
    the_world->dir = std::make_unique<TempDir>("registry");
    the_world->setup_error = set_up(*the_world);
}

void Registry::TearDownTestSuite() {
    if (the_world->dir) run_process({script("tests/e2e/registry/registry-down.sh"), the_world->reg_dir()});
    delete the_world;
    the_world = nullptr;
}

void Registry::SetUp() {
    SKIFF_REQUIRE(world().missing_tools.empty(),
                  "missing" + world().missing_tools + "; run scripts/install-deps.sh");
    ASSERT_EQ(world().setup_error, "");
}

image::FetchOptions Registry::options() {
    image::FetchOptions o;
    o.blob_cache = cache_;
    o.credentials = work_ / "credentials";
    o.allow_plain_http = true;
    o.progress = [this](const std::string& line) { progress_.push_back(line); };
    return o;
}

// Pushes on first use: skopeo takes about a second per image, and each test needs one or two.
static std::string pushed_repo(const std::string& registry, const std::string& name, bool with_creds) {
    RegistryWorld& w = *the_world;
    std::string repo = registry + "/test/" + name;
    if (!w.pushed.contains(repo)) {
        std::vector<std::string> extra{"--preserve-digests"};
        if (name == "multiarch" || name == "armonly") extra.push_back("--all");
        if (name == "docker") extra = {"--format", "v2s2"};
        if (with_creds) extra.push_back("--dest-creds=" + w.vars["REGISTRY_USER"] + ":" + w.vars["REGISTRY_PASSWORD"]);
        w.pushed[repo] = push(w, name == "docker" ? "multi" : name, repo + ":1", extra);
    }
    EXPECT_EQ(w.pushed[repo], "");
    return repo;
}

std::string Registry::repo_http(const std::string& name) { return pushed_repo(http(), name, false); }
std::string Registry::repo_tls(const std::string& name) { return pushed_repo(tls(), name, true); }

Result<image::FetchedImage> Registry::fetch(const std::string& ref_text, const image::FetchOptions& o) {
    auto ref = image::parse_reference(ref_text);
    if (!ref) return Unexpected(ref.error());
    return image::fetch_image(*ref, o);
}

std::vector<std::string> Registry::stray_files() const {
    std::vector<std::string> out;
    std::error_code ec;
    for (const auto& e : std::filesystem::directory_iterator(cache_ + "/sha256", ec)) {
        std::string name = e.path().filename().string();
        if (!image::is_sha256_digest("sha256:" + name)) out.push_back(name);
    }
    return out;
}

}  // namespace skiff::test
