// The registry client's pure parts: netrc, WWW-Authenticate, platforms, manifests, the
// plain-HTTP allow list.
#include <gtest/gtest.h>

#include "launcher/image/registry/challenge.hpp"
#include "launcher/image/registry/insecure.hpp"
#include "launcher/image/registry/manifest.hpp"
#include "launcher/image/registry/netrc.hpp"
#include "launcher/image/registry/platform.hpp"

namespace skiff::image {
namespace {

TEST(Netrc, EnrootStyleEntriesDefaultsQuotesAndMacros) {
    auto e = parse_netrc(
        "# comment\nmachine nvcr.io login $oauthtoken password abc\n"
        "machine auth.docker.io\n  login alice\n  password \"with space\"\n"
        "macdef init\ncd /pub\n\nmachine 127.0.0.1:5000 login bob password port\n"
        "default login anon password none\n",
        "creds");
    ASSERT_TRUE(e) << e.error().message;
    ASSERT_EQ(e->size(), 4u);
    // "-" when nothing matches (never dereference an empty optional).
    auto found = [&](const std::string& host, const std::string& user) {
        auto c = find_credentials(*e, host, user);
        return c ? c->login + ":" + c->password : std::string("-");
    };
    EXPECT_EQ(found("nvcr.io", ""), "$oauthtoken:abc");
    EXPECT_EQ(found("auth.docker.io", ""), "alice:with space");
    EXPECT_EQ(found("127.0.0.1:5000", ""), "bob:port");
    EXPECT_EQ(found("127.0.0.1:6000", ""), "anon:none");  // no port match: default
    EXPECT_EQ(found("nvcr.io", "anon"), "anon:none");     // the login must match: only the default's does
    EXPECT_EQ(found("nvcr.io", "carol"), "-");
}

TEST(Netrc, HostEntryWithoutPortServesEveryPort) {
    auto e = parse_netrc("machine 127.0.0.1 login u password p\n", "f");
    ASSERT_TRUE(e);
    EXPECT_EQ(find_credentials(*e, "127.0.0.1:5000", "")->login, "u");
    EXPECT_FALSE(find_credentials(*e, "localhost:5000", ""));
}

TEST(Netrc, ErrorsNameTheFileAndLine) {
    auto e = parse_netrc("machine a login u\nfrobnicate x\n", "/home/u/.credentials");
    ASSERT_FALSE(e);
    EXPECT_EQ(e.error().message, "/home/u/.credentials:2: unknown keyword 'frobnicate' (expected machine, login, password)");
    EXPECT_FALSE(parse_netrc("login u password p\n", "f"));
    EXPECT_FALSE(parse_netrc("machine a password \"open\n", "f"));
}

TEST(Netrc, DefaultPathFollowsEnroot) {
    EXPECT_EQ(default_credentials_path({{"HOME", "/h"}}), "/h/.config/enroot/.credentials");
    EXPECT_EQ(default_credentials_path({{"HOME", "/h"}, {"XDG_CONFIG_HOME", "/x"}}), "/x/enroot/.credentials");
    EXPECT_EQ(default_credentials_path({{"HOME", "/h"}, {"ENROOT_CONFIG_PATH", "/e"}}), "/e/.credentials");
}

TEST(Challenge, BearerWithQuotedParameters) {
    auto c = parse_challenge(
        "Bearer realm=\"https://auth.docker.io/token\",service=\"registry.docker.io\",scope=\"repository:library/ubuntu:pull\"");
    ASSERT_TRUE(c);
    EXPECT_EQ(c->scheme, "bearer");
    EXPECT_EQ(c->params.at("realm"), "https://auth.docker.io/token");
    EXPECT_EQ(c->params.at("service"), "registry.docker.io");
    EXPECT_EQ(c->params.at("scope"), "repository:library/ubuntu:pull");
}

TEST(Challenge, BasicAndTokensAndOnlyTheFirstChallenge) {
    auto b = parse_challenge("Basic realm=\"skiff test\"");
    ASSERT_TRUE(b);
    EXPECT_EQ(b->scheme, "basic");
    EXPECT_EQ(b->params.at("realm"), "skiff test");
    auto two = parse_challenge("Bearer realm=https://a/t, Basic realm=x");
    ASSERT_TRUE(two);
    EXPECT_EQ(two->params.at("realm"), "https://a/t");
    EXPECT_EQ(two->params.size(), 1u);
    EXPECT_FALSE(parse_challenge(""));
    EXPECT_FALSE(parse_challenge("Bearer realm=\"unterminated"));
}

TEST(Platform, MachineNames) {
    EXPECT_EQ(platform_for_machine("x86_64").text(), "linux/amd64");
    EXPECT_EQ(platform_for_machine("aarch64").text(), "linux/arm64/v8");
    EXPECT_EQ(platform_for_machine("armv7l").text(), "linux/arm/v7");
    EXPECT_EQ(platform_for_machine("ppc64le").text(), "linux/ppc64le");
    EXPECT_EQ(platform_for_machine("i686").text(), "linux/386");
}

TEST(Platform, PicksExactThenCompatibleVariants) {
    std::vector<Platform> idx{{"linux", "amd64", ""}, {"linux", "arm64", "v8"}, {"linux", "arm", "v6"},
                              {"linux", "arm", "v7"}, {"unknown", "unknown", ""}};
    EXPECT_EQ(pick_platform(idx, platform_for_machine("x86_64")), 0u);
    EXPECT_EQ(pick_platform(idx, platform_for_machine("aarch64")), 1u);
    EXPECT_EQ(pick_platform(idx, platform_for_machine("armv7l")), 3u);
    EXPECT_EQ(pick_platform(idx, platform_for_machine("armv6l")), 2u);
    EXPECT_FALSE(pick_platform(idx, platform_for_machine("s390x")));
    // arm64 images often carry no variant; arm/v6 hosts cannot run v7
    EXPECT_EQ(pick_platform({{"linux", "arm64", ""}}, platform_for_machine("aarch64")), 0u);
    EXPECT_FALSE(pick_platform({{"linux", "arm", "v7"}}, platform_for_machine("armv6l")));
    EXPECT_FALSE(pick_platform({{"windows", "amd64", ""}}, platform_for_machine("x86_64")));
}

const std::string digest_a = "sha256:" + std::string(64, 'a');
const std::string digest_b = "sha256:" + std::string(64, 'b');

TEST(Manifest, OciManifestWithoutContentType) {
    auto m = parse_manifest(R"({"schemaVersion":2,"config":{"mediaType":"x","digest":")" + digest_a +
                                R"(","size":7},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+zstd","digest":")" +
                                digest_b + R"(","size":9}]})",
                            "");
    ASSERT_TRUE(m) << m.error().message;
    EXPECT_FALSE(m->is_index);
    EXPECT_EQ(m->config.digest, digest_a);
    ASSERT_EQ(m->layers.size(), 1u);
    EXPECT_EQ(m->layers[0].size, 9);
    EXPECT_EQ(m->layers[0].media_type, "application/vnd.oci.image.layer.v1.tar+zstd");
}

TEST(Manifest, DockerListWithPlatforms) {
    auto m = parse_manifest(R"({"schemaVersion":2,"manifests":[{"digest":")" + digest_a +
                                R"(","size":1,"platform":{"os":"linux","architecture":"arm","variant":"v7"}}]})",
                            "application/vnd.docker.distribution.manifest.list.v2+json; charset=utf-8");
    ASSERT_TRUE(m) << m.error().message;
    EXPECT_TRUE(m->is_index);
    EXPECT_EQ(m->manifests.at(0).platform.text(), "linux/arm/v7");
}

TEST(Manifest, RejectsSchema1ForeignDigestsAndGarbage) {
    auto v1 = parse_manifest(R"({"schemaVersion":1,"fsLayers":[]})", "application/vnd.docker.distribution.manifest.v1+prettyjws");
    ASSERT_FALSE(v1);
    EXPECT_NE(v1.error().message.find("schema 1"), std::string::npos);
    auto sha512 = parse_manifest(R"({"manifests":[{"digest":"sha512:abc","size":1}]})", "");
    ASSERT_FALSE(sha512);
    EXPECT_NE(sha512.error().message.find("only sha256"), std::string::npos);
    EXPECT_FALSE(parse_manifest("not json", ""));
    EXPECT_FALSE(parse_manifest(R"({"schemaVersion":"two","layers":1,"config":2})", ""));
}

TEST(Insecure, OnlyListedRegistries) {
    RegistryRef ref{"", "127.0.0.1:5000", "test/x", "1", ""};
    EXPECT_FALSE(plain_http_allowed(ref, {}));
    EXPECT_TRUE(plain_http_allowed(ref, {{"SKIFF_INSECURE_REGISTRIES", "127.0.0.1:5000"}}));
    EXPECT_TRUE(plain_http_allowed(ref, {{"SKIFF_INSECURE_REGISTRIES", "a.b, 127.0.0.1"}}));  // host: any port
    EXPECT_FALSE(plain_http_allowed(ref, {{"SKIFF_INSECURE_REGISTRIES", "127.0.0.1:5001,localhost:5000"}}));
    RegistryRef docker_hub{"", "registry-1.docker.io", "library/ubuntu", "latest", ""};
    EXPECT_FALSE(plain_http_allowed(docker_hub, {{"SKIFF_INSECURE_REGISTRIES", "127.0.0.1:5000"}}));
}

}  // namespace
}  // namespace skiff::image
