#include "launcher/image/metadata_format.hpp"

#include <gtest/gtest.h>

namespace skiff::image {
namespace {

using Env = std::vector<std::pair<std::string, std::string>>;

TEST(ImageMetadataFormat, EnvironmentAsEnrootWritesIt) {
    // docker::configure writes `.config.Env[]` raw, one per line.
    std::string text =
        "PATH=/usr/local/nvidia/bin:/usr/local/cuda/bin:/usr/bin:/bin\n"
        "CUDA_VERSION=12.8.0\n"
        "NVIDIA_REQUIRE_CUDA=cuda>=9.0 brand=tesla,driver>=470\n"
        "EMPTY=\n"
        "EQUALS=a=b=c";
    EXPECT_EQ(parse_environment(text),
              (Env{{"PATH", "/usr/local/nvidia/bin:/usr/local/cuda/bin:/usr/bin:/bin"},
                   {"CUDA_VERSION", "12.8.0"},
                   {"NVIDIA_REQUIRE_CUDA", "cuda>=9.0 brand=tesla,driver>=470"},
                   {"EMPTY", ""},
                   {"EQUALS", "a=b=c"}}));
}

TEST(ImageMetadataFormat, EnvironmentToleratesHandWrittenFiles) {
    std::string text =
        "# a comment\n"
        "\n"
        "   INDENTED=yes\r\n"
        "PATH=\"/usr/local/sbin:/usr/bin\"\n"
        "SINGLE='a b'  \n"
        "export EXPORTED=1\n"
        "exported_not=keyword\n"
        "HALF=\"open\n"
        "ONE=\"\n"
        "1BAD=x\n"
        "BAD-NAME=x\n"
        "no equals sign\n"
        "INNER=say \"hi\"\n"
        "CUDA_VERSION=11\n"
        "CUDA_VERSION=12\n";
    EXPECT_EQ(parse_environment(text), (Env{{"INDENTED", "yes"},
                                            {"PATH", "/usr/local/sbin:/usr/bin"},
                                            {"SINGLE", "a b"},
                                            {"EXPORTED", "1"},
                                            {"exported_not", "keyword"},
                                            {"HALF", "\"open"},
                                            {"ONE", "\""},
                                            {"INNER", "say \"hi\""},
                                            {"CUDA_VERSION", "12"}}));
    EXPECT_TRUE(parse_environment("").empty());
}

TEST(ImageMetadataFormat, RcWorkdir) {
    // What enroot's docker::configure generates for an NGC image.
    std::string rc =
        "# com.nvidia.build.id 123\n"
        "\n"
        "mkdir -p \"/workspace\" 2> /dev/null\n"
        "cd \"/workspace\" && unset OLDPWD || exit 1\n"
        "\n"
        "if [ -s /etc/rc.local ]; then\n"
        "    . /etc/rc.local\n"
        "fi\n"
        "\n"
        "if [ $# -gt 0 ]; then\n"
        "    exec '/opt/nvidia/nvidia_entrypoint.sh' \"$@\"\n"
        "else\n"
        "    exec '/opt/nvidia/nvidia_entrypoint.sh' '/bin/bash'\n"
        "fi\n";
    EXPECT_EQ(parse_rc_workdir(rc), "/workspace");
    EXPECT_EQ(parse_rc_workdir("  cd \"/my dir\" && unset OLDPWD || exit 1\n"), "/my dir");
    EXPECT_EQ(parse_rc_workdir("cd \"/\" && unset OLDPWD || exit 1"), "/");
    EXPECT_EQ(parse_rc_workdir("exec /bin/sh\ncd /unquoted\ncd \"/unterminated\n"), std::nullopt);
}

TEST(ImageMetadataFormat, SkiffMetadata) {
    std::string text =
        "# written by skiff image import\n"
        "skiff-image-metadata 1\n"
        "env PATH=/opt/app/bin:/usr/bin\n"
        "env MULTI=line1\\nline2\n"
        "env PATH=/override\n"
        "workdir /opt/app\n"
        "entrypoint /bin/sh\n"
        "entrypoint -c\n"
        "cmd echo \"hi\" \\\\o/\n"
        "cmd \n"
        "labels ignored by this version\n";
    auto md = parse_skiff_metadata(text, "image '/s/a.sqsh'");
    ASSERT_TRUE(md) << md.error().message;
    EXPECT_EQ(md->source, ImageMetadata::Source::skiff);
    EXPECT_EQ(md->env, (Env{{"PATH", "/override"}, {"MULTI", "line1\nline2"}}));
    EXPECT_EQ(md->workdir, "/opt/app");
    EXPECT_EQ(md->entrypoint, (std::vector<std::string>{"/bin/sh", "-c"}));
    EXPECT_EQ(md->cmd, (std::vector<std::string>{"echo \"hi\" \\o/", ""}));
    EXPECT_FALSE(md->enroot_rc);
}

TEST(ImageMetadataFormat, SkiffMetadataErrors) {
    auto error = [](const std::string& text) {
        auto md = parse_skiff_metadata(text, "image '/s/a.sqsh'");
        return md ? std::string("ok") : md.error().message;
    };
    const std::string at = "image '/s/a.sqsh': /.skiff/image-metadata";
    EXPECT_EQ(error(""), at + ": empty file; expected the header 'skiff-image-metadata 1'");
    EXPECT_EQ(error("env A=1\n"), at + ":1: expected the header 'skiff-image-metadata 1'");
    EXPECT_EQ(error("skiff-image-metadata x\n"), at + ":1: expected the header 'skiff-image-metadata 1'");
    EXPECT_EQ(error("# c\nskiff-image-metadata 2\n"),
              at + ":2: format 2 is newer than this skiff reads (1); update skiff");
    EXPECT_EQ(error("skiff-image-metadata 1\nworkdir /a\\tb\n"), at + ":2: unknown escape '\\t'; only \\\\ and \\n");
    EXPECT_EQ(error("skiff-image-metadata 1\n\nenv NOVALUE\n"),
              at + ":3: env needs NAME=VALUE with NAME made of letters, digits and '_'");
    EXPECT_EQ(error("skiff-image-metadata 1\nenv 1A=x\n"),
              at + ":2: env needs NAME=VALUE with NAME made of letters, digits and '_'");
}

}  // namespace
}  // namespace skiff::image
