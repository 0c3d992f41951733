#include "launcher/image/reference.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace skiff::image {
namespace {

const std::string hex64 = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

struct Form {
    std::string text;
    std::string user, registry, repository, tag, digest;
    std::string canonical;
    std::string store_name;  // for arch x86_64
};
// ctest names each case by this, instead of a hex dump that changes from build to build.
void PrintTo(const Form& form, std::ostream* os) { *os << form.text; }

class ImageReferenceForms : public ::testing::TestWithParam<Form> {};

TEST_P(ImageReferenceForms, Parses) {
    const Form& form = GetParam();
    auto ref = parse_reference(form.text);
    ASSERT_TRUE(ref) << ref.error().message;
    EXPECT_EQ(ref->user, form.user);
    EXPECT_EQ(ref->registry, form.registry);
    EXPECT_EQ(ref->repository, form.repository);
    EXPECT_EQ(ref->tag, form.tag);
    EXPECT_EQ(ref->digest, form.digest);
    EXPECT_EQ(ref->canonical(), form.canonical);
    EXPECT_EQ(ref->store_file_name("x86_64"), form.store_name);
}

const char* hub = "registry-1.docker.io";

// The §7.1 table, row by row, then the corners of rules 2-4.
INSTANTIATE_TEST_SUITE_P(
    ImageTable, ImageReferenceForms,
    ::testing::Values(
        Form{"ubuntu:24.04", "", hub, "library/ubuntu", "24.04", "", "docker.io/library/ubuntu:24.04",
             "ubuntu+24.04.x86_64.sqsh"},
        Form{"acme/tool", "", hub, "acme/tool", "latest", "", "docker.io/acme/tool:latest",
             "acme+tool+latest.x86_64.sqsh"},
        Form{"nvcr.io#nvidia/pytorch:25.01-py3", "", "nvcr.io", "nvidia/pytorch", "25.01-py3", "",
             "nvcr.io/nvidia/pytorch:25.01-py3", "nvcr.io+nvidia+pytorch+25.01-py3.x86_64.sqsh"},
        Form{"alice@nvcr.io#nvidia/pytorch:25.01-py3", "alice", "nvcr.io", "nvidia/pytorch", "25.01-py3", "",
             "nvcr.io/nvidia/pytorch:25.01-py3", "nvcr.io+nvidia+pytorch+25.01-py3.x86_64.sqsh"},
        Form{"ghcr.io/acme/solver:2.1", "", "ghcr.io", "acme/solver", "2.1", "", "ghcr.io/acme/solver:2.1",
             "ghcr.io+acme+solver+2.1.x86_64.sqsh"},
        Form{"localhost:5000/x", "", "localhost:5000", "x", "latest", "", "localhost:5000/x:latest",
             "localhost_5000+x+latest.x86_64.sqsh"},
        Form{"ubuntu@sha256:" + hex64, "", hub, "library/ubuntu", "latest", "sha256:" + hex64,
             "docker.io/library/ubuntu@sha256:" + hex64, "ubuntu+sha256-" + hex64 + ".x86_64.sqsh"},
        Form{"docker://ubuntu:24.04", "", hub, "library/ubuntu", "24.04", "", "docker.io/library/ubuntu:24.04",
             "ubuntu+24.04.x86_64.sqsh"}));

INSTANTIATE_TEST_SUITE_P(
    ImageCorners, ImageReferenceForms,
    ::testing::Values(
        Form{"localhost/x:1", "", "localhost", "x", "1", "", "localhost/x:1", "localhost+x+1.x86_64.sqsh"},
        Form{"ubuntu:24.04@sha256:" + hex64, "", hub, "library/ubuntu", "24.04", "sha256:" + hex64,
             "docker.io/library/ubuntu@sha256:" + hex64, "ubuntu+sha256-" + hex64 + ".x86_64.sqsh"},
        Form{"docker://alice@nvcr.io#nvidia/pytorch", "alice", "nvcr.io", "nvidia/pytorch", "latest", "",
             "nvcr.io/nvidia/pytorch:latest", "nvcr.io+nvidia+pytorch+latest.x86_64.sqsh"},
        Form{"$oauthtoken@nvcr.io#nvidia/pytorch:25.01-py3", "$oauthtoken", "nvcr.io", "nvidia/pytorch",
             "25.01-py3", "", "nvcr.io/nvidia/pytorch:25.01-py3", "nvcr.io+nvidia+pytorch+25.01-py3.x86_64.sqsh"},
        Form{"alice@corp.com@ghcr.io/a/b", "alice@corp.com", "ghcr.io", "a/b", "latest", "", "ghcr.io/a/b:latest",
             "ghcr.io+a+b+latest.x86_64.sqsh"},
        Form{"docker.io/ubuntu", "", hub, "library/ubuntu", "latest", "", "docker.io/library/ubuntu:latest",
             "ubuntu+latest.x86_64.sqsh"},
        Form{"index.docker.io/library/ubuntu:22.04", "", hub, "library/ubuntu", "22.04", "",
             "docker.io/library/ubuntu:22.04", "ubuntu+22.04.x86_64.sqsh"},
        Form{"Docker.IO#acme/tool", "", hub, "acme/tool", "latest", "", "docker.io/acme/tool:latest",
             "acme+tool+latest.x86_64.sqsh"},
        Form{"registry.example.com:443/team/app:v1.2_rc-3", "", "registry.example.com:443", "team/app", "v1.2_rc-3",
             "", "registry.example.com:443/team/app:v1.2_rc-3",
             "registry.example.com_443+team+app+v1.2_rc-3.x86_64.sqsh"},
        Form{"Ghcr.IO/acme/x", "", "ghcr.io", "acme/x", "latest", "", "ghcr.io/acme/x:latest",
             "ghcr.io+acme+x+latest.x86_64.sqsh"},
        Form{"a/b/c/d:T_1", "", hub, "a/b/c/d", "T_1", "", "docker.io/a/b/c/d:T_1", "a+b+c+d+T_1.x86_64.sqsh"},
        // Only "library/NAME" loses its prefix, so "library/x/y" cannot collide with "x/y".
        Form{"library/x/y", "", hub, "library/x/y", "latest", "", "docker.io/library/x/y:latest",
             "library+x+y+latest.x86_64.sqsh"},
        Form{"my-image__v2.x_y", "", hub, "library/my-image__v2.x_y", "latest", "",
             "docker.io/library/my-image__v2.x_y:latest", "my-image__v2.x_y+latest.x86_64.sqsh"},
        Form{"app.sqsh", "", hub, "library/app.sqsh", "latest", "", "docker.io/library/app.sqsh:latest",
             "app.sqsh+latest.x86_64.sqsh"},
        Form{"x:" + std::string(128, 'a'), "", hub, "library/x", std::string(128, 'a'), "",
             "docker.io/library/x:" + std::string(128, 'a'), "x+" + std::string(128, 'a') + ".x86_64.sqsh"}));

TEST(ImageReference, StoreFileNameUsesTheArchitecture) {
    auto ref = parse_reference("nvcr.io#nvidia/pytorch:25.01-py3");
    ASSERT_TRUE(ref);
    EXPECT_EQ(ref->store_file_name("aarch64"), "nvcr.io+nvidia+pytorch+25.01-py3.aarch64.sqsh");
    EXPECT_TRUE(ref->store_file_name("x86_64") != ref->store_file_name("aarch64"));
}

// The README's examples of store file names are what the store names files: existing stores
// stay readable only as long as this rule does not change.
std::string readme_text() {
    std::ifstream in(std::string(SKIFF_TEST_DATA) + "/../../../README.md");
    std::stringstream text;
    text << in.rdbuf();
    std::string flat;  // lines joined, indentation dropped: a reflow keeps the examples
    for (std::string line; std::getline(text, line);)
        flat += line.substr(std::min(line.find_first_not_of(' '), line.size())) + " ";
    return flat;
}

TEST(ImageReference, StoreFileNamesAreTheReadmesExamples) {
    std::string readme = readme_text();
    ASSERT_FALSE(readme.empty());
    const std::pair<std::string, std::string> examples[] = {
        {"ubuntu:24.04", "ubuntu+24.04.x86_64.sqsh"},
        {"acme/tool", "acme+tool+latest.x86_64.sqsh"},
        {"nvcr.io#nvidia/pytorch:25.01-py3", "nvcr.io+nvidia+pytorch+25.01-py3.x86_64.sqsh"},
        {"localhost:5000/team/app:v1", "localhost_5000+team+app+v1.x86_64.sqsh"},
        {"ubuntu@sha256:<hex>", "ubuntu+sha256-<hex>.x86_64.sqsh"},
    };
    for (const auto& [text, name] : examples) {
        std::string reference = text;
        if (auto at = reference.find("<hex>"); at != std::string::npos) reference.replace(at, 5, hex64);
        auto ref = parse_reference(reference);
        ASSERT_TRUE(ref) << ref.error().message;
        std::string stored = ref->store_file_name("x86_64");
        if (auto at = stored.find(hex64); at != std::string::npos) stored.replace(at, hex64.size(), "<hex>");
        EXPECT_EQ(stored, name) << text;
        EXPECT_NE(readme.find("`" + text + "` → `" + name + "`"), std::string::npos) << "README: " << text;
    }
}

TEST(ImageReference, DockerHubFlag) {
    EXPECT_TRUE(parse_reference("ubuntu")->docker_hub());
    EXPECT_FALSE(parse_reference("nvcr.io#x")->docker_hub());
}

struct Bad {
    std::string text;
    std::string message;
};
void PrintTo(const Bad& bad, std::ostream* os) { *os << (bad.text.empty() ? "(empty)" : bad.text); }

class ImageReferenceErrors : public ::testing::TestWithParam<Bad> {};

TEST_P(ImageReferenceErrors, Message) {
    auto ref = parse_reference(GetParam().text);
    ASSERT_FALSE(ref) << GetParam().text << " parsed as " << ref->canonical();
    EXPECT_EQ(ref.error().message, GetParam().message);
}

const std::string bad_tag_hint =
    "; a tag is 1-128 letters, digits, '_', '.' or '-' and does not start with '.' or '-'";
const std::string bad_repo_hint =
    "; use lowercase letters and digits joined by '.', '_', '__' or '-', and '/' between components";
const std::string bad_digest_hint = "; write sha256: and 64 lowercase hex digits";
const std::string unsupported = "only registry references and local paths are supported";

INSTANTIATE_TEST_SUITE_P(
    ImageRules, ImageReferenceErrors,
    ::testing::Values(
        Bad{"Ubuntu:24.04", "image 'Ubuntu:24.04': repository names must be lowercase"},
        Bad{"acme/Tool", "image 'acme/Tool': repository names must be lowercase"},
        Bad{"dockerd://ubuntu", "image 'dockerd://ubuntu': " + unsupported},
        Bad{"podman://x", "image 'podman://x': " + unsupported},
        Bad{"oras://x", "image 'oras://x': " + unsupported},
        Bad{"", "image '': the image name is empty"},
        Bad{"docker://", "image 'docker://': the image name is empty"},
        Bad{"ubuntu:", "image 'ubuntu:': invalid tag ''" + bad_tag_hint},
        Bad{"ubuntu:-rc", "image 'ubuntu:-rc': invalid tag '-rc'" + bad_tag_hint},
        Bad{"ubuntu:.x", "image 'ubuntu:.x': invalid tag '.x'" + bad_tag_hint},
        Bad{"ubuntu:a+b", "image 'ubuntu:a+b': invalid tag 'a+b'" + bad_tag_hint},
        Bad{"x:" + std::string(129, 'a'), "image 'x:" + std::string(129, 'a') + "': invalid tag '" +
                                              std::string(129, 'a') + "'" + bad_tag_hint},
        Bad{"ubuntu@sha256:abc", "image 'ubuntu@sha256:abc': invalid digest 'sha256:abc'" + bad_digest_hint},
        Bad{"u@sha256:" + std::string(64, 'A'),
            "image 'u@sha256:" + std::string(64, 'A') + "': invalid digest 'sha256:" + std::string(64, 'A') + "'" +
                bad_digest_hint},
        Bad{"u@sha512:" + hex64 + hex64, "image 'u@sha512:" + hex64 + hex64 + "': unsupported digest 'sha512:" +
                                             hex64 + hex64 + "'; only sha256 digests are supported"},
        Bad{"a//b", "image 'a//b': invalid repository name 'a//b'" + bad_repo_hint},
        Bad{"a/", "image 'a/': invalid repository name 'a/'" + bad_repo_hint},
        Bad{"-a", "image '-a': invalid repository name '-a'" + bad_repo_hint},
        Bad{"a-", "image 'a-': invalid repository name 'a-'" + bad_repo_hint},
        Bad{"a..b", "image 'a..b': invalid repository name 'a..b'" + bad_repo_hint},
        Bad{"a--b", "image 'a--b': invalid repository name 'a--b'" + bad_repo_hint},
        Bad{"a___b", "image 'a___b': invalid repository name 'a___b'" + bad_repo_hint},
        Bad{"a b", "image 'a b': invalid repository name 'a b'" + bad_repo_hint},
        Bad{"nvcr.io#", "image 'nvcr.io#': the repository name is empty"},
        Bad{"#x", "image '#x': the registry before '#' is empty"},
        Bad{"nvcr.io#a#b", "image 'nvcr.io#a#b': more than one '#'"},
        Bad{"@ubuntu", "image '@ubuntu': invalid user name '' before '@'"},
        Bad{"my_host.io/x", "image 'my_host.io/x': invalid registry name 'my_host.io'"},
        Bad{"localhost:0/x",
            "image 'localhost:0/x': invalid port in registry 'localhost:0'; write HOST:PORT with PORT 1-65535"},
        Bad{"localhost:70000/x",
            "image 'localhost:70000/x': invalid port in registry 'localhost:70000'; write HOST:PORT with PORT 1-65535"},
        Bad{"ubuntu:24.04/x",
            "image 'ubuntu:24.04/x': invalid port in registry 'ubuntu:24.04'; write HOST:PORT with PORT 1-65535"},
        Bad{"docker.io/nvcr.io/x",
            "image 'docker.io/nvcr.io/x': 'nvcr.io' is not a Docker Hub namespace; write REGISTRY#nvcr.io/x for "
            "another registry"},
        Bad{"docker.io#localhost/x",
            "image 'docker.io#localhost/x': 'localhost' is not a Docker Hub namespace; write REGISTRY#localhost/x "
            "for another registry"}));

}  // namespace
}  // namespace skiff::image
