// The pure parts of `skiff image import SRC`: splitting PATH:TAG, a Docker save archive's
// manifest.json (untrusted), and picking a manifest out of an OCI index.
#include <fstream>
#include <set>

#include <gtest/gtest.h>

#include "launcher/image/convert/docker_manifest.hpp"
#include "launcher/image/convert/image_config.hpp"
#include "launcher/image/convert/import_path.hpp"
#include "launcher/image/convert/oci_index.hpp"
#include "launcher/image/convert/oci_layout.hpp"
#include "tests/unit/image/image_test_util.hpp"

namespace skiff::image::convert {
namespace {

using Json = nlohmann::json;

ImportPath split(const std::string& arg, std::set<std::string> existing) {
    return split_import_path(arg, [&](const std::string& p) { return existing.count(p) > 0; });
}

TEST(ImportPath, LiteralPathWinsThenLongestExistingPrefix) {
    EXPECT_EQ(split("a:b", {"a:b", "a"}).path, "a:b");
    auto tagged = split("dir:latest", {"dir"});
    EXPECT_EQ(tagged.path, "dir");
    EXPECT_EQ(tagged.tag, "latest");
    auto repo = split("d.tar:localhost:5000/app:1", {"d.tar"});
    EXPECT_EQ(repo.path, "d.tar");
    EXPECT_EQ(repo.tag, "localhost:5000/app:1");
    auto longest = split("x:y:z", {"x", "x:y"});
    EXPECT_EQ(longest.path, "x:y");
    EXPECT_EQ(longest.tag, "z");
    auto missing = split("nothing:here", {});
    EXPECT_EQ(missing.path, "nothing:here");
    EXPECT_EQ(missing.tag, "");
    EXPECT_EQ(split(":tag", {""}).path, ":tag") << "an empty path is never split off";
}

Result<std::optional<std::vector<DockerImage>>> parse(const std::string& json) {
    return parse_docker_manifest(json, "m");
}

TEST(DockerManifest, ParsesImagesAndNormalisesMemberNames) {
    auto r = parse(R"([{"Config":"./abc.json","RepoTags":["app:1","app:latest"],"Layers":["l1/layer.tar","blobs/sha256/00"]},
                       {"Config":"def.json","RepoTags":null,"Layers":[]}])");
    ASSERT_TRUE(r) << r.error().message;
    ASSERT_TRUE(*r);
    ASSERT_EQ((*r)->size(), 2u);
    EXPECT_EQ((**r)[0].config, "abc.json");
    EXPECT_EQ((**r)[0].layers, (std::vector<std::string>{"l1/layer.tar", "blobs/sha256/00"}));
    EXPECT_EQ((**r)[0].repo_tags.size(), 2u);
    EXPECT_TRUE((**r)[1].repo_tags.empty());
}

TEST(DockerManifest, OtherJsonIsNotADockerManifest) {
    for (const char* other : {R"({"name":"app"})", "[]", R"([{"Config":"a.json"}])", R"([1])", "not json",
                              R"([{"Config":"a","Layers":[]}, {"Layers":[]}])"}) {
        auto r = parse(other);
        ASSERT_TRUE(r) << other << ": " << r.error().message;
        EXPECT_FALSE(*r) << other;
    }
}

TEST(DockerManifest, HostileMemberNamesAndValuesAreErrors) {
    for (const char* bad : {R"([{"Config":"/etc/passwd","Layers":[]}])", R"([{"Config":"a","Layers":["../x"]}])",
                            R"([{"Config":"a","Layers":["a/../../x"]}])", R"([{"Config":"a","Layers":["/"]}])",
                            R"([{"Config":"a","Layers":[""]}])", R"([{"Config":"a","Layers":[7]}])",
                            R"([{"Config":5,"Layers":[]}])", R"([{"Config":"a","Layers":"l.tar"}])",
                            R"([{"Config":"a","Layers":[],"RepoTags":[1]}])"}) {
        auto r = parse(bad);
        ASSERT_FALSE(r) << bad;
        EXPECT_TRUE(r.error().message.starts_with("m: ")) << r.error().message;
    }
    Json many = Json::array({{{"Config", "a"}, {"Layers", Json::array()}}});
    for (int i = 0; i < 1025; ++i) many[0]["Layers"].push_back("l.tar");
    EXPECT_FALSE(parse(many.dump()));
}

TEST(DockerManifest, PickByTagIndexOrTheOnlyImage) {
    std::vector<DockerImage> one{{"a.json", {"app:1"}, {}}};
    EXPECT_EQ(pick_docker_image(one, "", "m")->config, "a.json");
    std::vector<DockerImage> two{{"a.json", {"app:1"}, {}}, {"b.json", {}, {}}};
    EXPECT_EQ(pick_docker_image(two, "app:1", "m")->config, "a.json");
    EXPECT_EQ(pick_docker_image(two, "@1", "m")->config, "b.json");
    EXPECT_EQ(pick_docker_image(two, "docker.io/library/app:1", "m")->config, "a.json");
    std::vector<DockerImage> podman{{"p.json", {"docker.io/library/app:1"}, {}}, {"q.json", {"quay.io/x/y:2"}, {}}};
    EXPECT_EQ(pick_docker_image(podman, "app:1", "m")->config, "p.json");
    EXPECT_EQ(pick_docker_image(podman, "quay.io/x/y:2", "m")->config, "q.json");
    auto none = pick_docker_image(two, "", "m");
    ASSERT_FALSE(none);
    EXPECT_EQ(none.error().message, "m: holds 2 images (@0 app:1; @1); name one as PATH:REPO:TAG or PATH:@N");
    auto wrong = pick_docker_image(two, "app:2", "m");
    ASSERT_FALSE(wrong);
    EXPECT_NE(wrong.error().message.find("has no image tagged 'app:2'"), std::string::npos);
    EXPECT_FALSE(pick_docker_image(two, "@2", "m"));
}

Json descriptor(const std::string& digest, const std::string& tag, const std::string& arch) {
    Json d = {{"digest", digest}};
    if (!tag.empty()) d["annotations"] = {{ref_name_annotation, tag}};
    if (!arch.empty()) d["platform"] = {{"architecture", arch}, {"os", "linux"}};
    return d;
}

std::string pick(const Json& manifests, const std::string& tag, std::string* error = nullptr) {
    auto r = pick_manifest(Json{{"manifests", manifests}}, tag, "amd64", "L");
    if (!r && error) *error = r.error().message;
    return r ? r->value("digest", "") : "";
}

TEST(OciIndex, TagsPickImagesAndPlatformsPickVariants) {
    Json tagged = Json::array({descriptor("1", "v1", ""), descriptor("2", "v2", "")});
    EXPECT_EQ(pick(tagged, "v2"), "2");
    std::string error;
    EXPECT_EQ(pick(tagged, "", &error), "");
    EXPECT_EQ(error, "L: holds several images (tags: v1, v2); name one as DIR:TAG");
    EXPECT_EQ(pick(tagged, "v3", &error), "");
    EXPECT_EQ(error, "L: no image tagged 'v3' (tags: v1, v2)");
    Json variants = Json::array({descriptor("a", "", "arm64"), descriptor("x", "", "amd64")});
    EXPECT_EQ(pick(variants, ""), "x");
    Json tagged_variants = Json::array({descriptor("a", "v1", "arm64"), descriptor("x", "v1", "amd64"),
                                        descriptor("y", "v2", "amd64")});
    EXPECT_EQ(pick(tagged_variants, "v1"), "x");
    EXPECT_EQ(pick(tagged_variants, "", &error), "");
    EXPECT_NE(error.find("holds several images"), std::string::npos);
    EXPECT_EQ(pick(Json::array({descriptor("a", "", "arm64"), descriptor("b", "", "s390x")}), "", &error), "");
    EXPECT_EQ(error, "L: no manifest for architecture 'amd64'");
    EXPECT_EQ(pick(Json::array({descriptor("only", "v1", "arm64")}), ""), "only") << "one manifest: the caller checks its arch";
}

TEST(OciLayout, OversizeIndexIsAnError) {
    image::test::TempDir tmp;
    std::ofstream(tmp / "oci-layout") << R"({"imageLayoutVersion":"1.0.0"})";
    std::ofstream(tmp / "index.json") << R"({"manifests":[])" << std::string(5 << 20, ' ') << "]}";
    auto r = oci_layout_source(tmp.path(), "", "amd64");
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().message.find("index.json' is larger than 4 MiB"), std::string::npos) << r.error().message;
}

TEST(ImageConfig, ArchitectureCheckNamesBoth) {
    EXPECT_TRUE(check_architecture("", "amd64", "x"));
    EXPECT_TRUE(check_architecture("amd64", "amd64", "x"));
    auto r = check_architecture("arm64", "amd64", "x");
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().message, "x: the image is for architecture 'arm64', but this host is 'amd64'");
}

}  // namespace
}  // namespace skiff::image::convert
