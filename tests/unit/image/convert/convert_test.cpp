// Layers written here with libarchive, converted to a squashfs file, read back with skiff's
// own squashfs reader (libsquashfuse): the merged tree, file bytes, links and metadata.
#include "launcher/image/convert/convert.hpp"

#include <fcntl.h>
#include <sys/stat.h>

#include <fstream>

#include <gtest/gtest.h>

#include "launcher/image/convert/image_config.hpp"
#include "launcher/image/convert/output_file.hpp"
#include "launcher/image/metadata_format.hpp"
#include "launcher/image/squashfs_reader.hpp"
#include "tests/unit/image/convert/layer_writer.hpp"
#include "tests/unit/image/image_test_util.hpp"

namespace skiff::image::convert {
namespace {

using test::LayerWriter;

void no_progress(const std::string&, std::size_t, std::size_t) {}

class Convert : public ::testing::Test {
protected:
    image::test::TempDir tmp;
    std::string out = tmp / "out.sqsh";

    LayerSource layer(const std::string& name) { return {LayerSource::Kind::archive, tmp / name, "layer " + name, true, ""}; }

    Result<ConvertResult> convert(const ConvertInput& input) {
        auto file = OutputFile::create(out);
        if (!file) return Unexpected(file.error());
        auto r = convert_to_squashfs(input, file->fd(), out, {Compression::zstd, 2}, no_progress);
        if (r) {
            auto c = file->commit();
            if (!c) return Unexpected(c.error());
        }
        return r;
    }
    std::optional<std::string> read(const std::string& path) {
        auto r = read_file(out, path);
        EXPECT_TRUE(r) << r.error().message;
        return r ? *r : std::nullopt;
    }
};

TEST_F(Convert, MergesLayersIntoOneSquashfs) {
    std::string big(300'000, 'x');  // several data blocks
    for (std::size_t i = 0; i < big.size(); i += 7) big[i] = static_cast<char>('a' + i % 26);
    {
        LayerWriter l0(tmp / "l0.tar.gz");
        l0.dir("etc").file("etc/os-release", "base\n").file("etc/removed", "gone\n")
            .dir("data").file("data/lower", "lower\n").file("usr/bin/tool", big, 0755)
            .hardlink("usr/bin/tool2", "usr/bin/tool").symlink("bin", "usr/bin").file("empty", "");
        ASSERT_TRUE(l0.ok());
    }
    {
        LayerWriter l1(tmp / "l1.tar.zst", LayerWriter::Filter::zstd);
        l1.file("etc/.wh.removed", "").file("data/.wh..wh..opq", "").file("data/upper", "upper\n")
            .file("etc/os-release", "changed\n").fifo("dev/pipe");
        ASSERT_TRUE(l1.ok());
    }
    ConvertInput input{{layer("l0.tar.gz"), layer("l1.tar.zst")}, std::nullopt, "", std::nullopt};
    auto result = convert(input);
    ASSERT_TRUE(result) << result.error().message;
    EXPECT_EQ(result->skipped_special_files, 1u);
    EXPECT_EQ(read("/etc/os-release"), "changed\n");
    EXPECT_EQ(read("/etc/removed"), std::nullopt);
    EXPECT_EQ(read("/data/lower"), std::nullopt);
    EXPECT_EQ(read("/data/upper"), "upper\n");
    EXPECT_EQ(read("/usr/bin/tool"), big.substr(0, default_read_limit));
    EXPECT_EQ(read("/usr/bin/tool2"), big.substr(0, default_read_limit));
    EXPECT_EQ(read("/bin/tool"), big.substr(0, default_read_limit));  // through the symlink
    EXPECT_EQ(read("/empty"), "");
    auto image = SquashfsImage::open(out);
    ASSERT_TRUE(image) << image.error().message;
    auto link = image->read_link("/bin");
    ASSERT_TRUE(link && *link);
    EXPECT_EQ(**link, "usr/bin");
    EXPECT_EQ(*stat_path(out, "/dev/pipe"), std::nullopt);
}

TEST_F(Convert, WritesImageMetadataThatSkiffReads) {
    {
        LayerWriter l0(tmp / "l0.tar");
        l0.file("hello", "hi\n");
    }
    auto config = parse_image_config(
        R"({"architecture":"amd64","config":{"Env":["PATH=/usr/bin:/bin","A=1","bad-name=x","A=2"],
            "WorkingDir":"/work","Entrypoint":["/bin/sh","-c"],"Cmd":["echo hi"]}})",
        "config");
    ASSERT_TRUE(config) << config.error().message;
    EXPECT_EQ(config->architecture, "amd64");
    EXPECT_EQ(config->warnings.size(), 1u);
    ConvertInput input{{layer("l0.tar")}, config->metadata, "docker.io/library/x:1", std::nullopt};
    ASSERT_TRUE(convert(input));
    auto text = read(skiff_metadata_path);
    ASSERT_TRUE(text);
    auto md = parse_skiff_metadata(*text, "test");
    ASSERT_TRUE(md) << md.error().message;
    EXPECT_EQ(md->env, (std::vector<std::pair<std::string, std::string>>{{"PATH", "/usr/bin:/bin"}, {"A", "2"}}));
    EXPECT_EQ(md->workdir, "/work");
    EXPECT_EQ(md->entrypoint, (std::vector<std::string>{"/bin/sh", "-c"}));
    EXPECT_EQ(md->cmd, (std::vector<std::string>{"echo hi"}));
    EXPECT_NE(text->find("reference docker.io/library/x:1\n"), std::string::npos);
}

TEST_F(Convert, ConfigWithNullsAndNoConfigIsEmptyMetadata) {
    auto config = parse_image_config(R"({"config":{"Env":null,"Cmd":null,"WorkingDir":""}})", "c");
    ASSERT_TRUE(config);
    EXPECT_TRUE(config->metadata.env.empty());
    EXPECT_FALSE(config->metadata.workdir);
    EXPECT_FALSE(parse_image_config("[1,2]", "c"));
    EXPECT_FALSE(parse_image_config(R"({"config":{"Cmd":"not a list"}})", "c"));
}

TEST_F(Convert, CorruptLayerFailsWithOneLine) {
    {
        LayerWriter l0(tmp / "l0.tar.gz");
        l0.file("a", std::string(100'000, 'a'));
    }
    std::filesystem::resize_file(tmp / "l0.tar.gz", 200);
    auto r = convert({{layer("l0.tar.gz")}, std::nullopt, "", std::nullopt});
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().message.find("layer l0.tar.gz"), std::string::npos) << r.error().message;
    EXPECT_EQ(r.error().message.find('\n'), std::string::npos);
    EXPECT_FALSE(std::filesystem::exists(out));
    for (const auto& e : std::filesystem::directory_iterator(tmp.path()))  // no temporary left
        EXPECT_FALSE(e.path().filename().string().starts_with(".out.sqsh")) << e.path();
}

TEST_F(Convert, TraversalInALayerFailsTheConversion) {
    {
        LayerWriter l0(tmp / "l0.tar");
        l0.file("../../escape", "x");
    }
    auto r = convert({{layer("l0.tar")}, std::nullopt, "", std::nullopt});
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().message.find("'../../escape' contains '..'"), std::string::npos) << r.error().message;
}

TEST_F(Convert, UnsupportedMediaType) {
    EXPECT_TRUE(check_layer_media_type("application/vnd.oci.image.layer.v1.tar+zstd"));
    EXPECT_TRUE(check_layer_media_type("application/vnd.docker.image.rootfs.diff.tar.gzip"));
    auto r = check_layer_media_type("application/vnd.oci.image.layer.v1.tar+bzip2");
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().message.find("unsupported layer media type 'application/vnd.oci.image.layer.v1.tar+bzip2'"),
              std::string::npos);
}

TEST_F(Convert, DirectoryLayerKeepsHardLinksAndSymlinks) {
    std::filesystem::create_directories(tmp / "root/etc");
    std::ofstream(tmp / "root/etc/a") << "content\n";
    std::filesystem::create_hard_link(tmp / "root/etc/a", tmp / "root/etc/b");
    std::filesystem::create_symlink("/etc/a", tmp / "root/link");
    std::ofstream(tmp / "root/.wh.kept") << "plain file\n";
    ConvertInput input{{{LayerSource::Kind::directory, tmp / "root", "dir", false, ""}}, std::nullopt, "", std::nullopt};
    auto r = convert(input);
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(read("/etc/b"), "content\n");
    EXPECT_EQ(read("/link"), "content\n");
    EXPECT_EQ(read("/.wh.kept"), "plain file\n");
}

}  // namespace
}  // namespace skiff::image::convert
