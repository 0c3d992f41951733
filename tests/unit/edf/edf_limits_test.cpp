// TOML bombs and wide files through the whole EDF loader (edf.md §1): a file too large or
// nested too deep is one error naming the file (and line) before toml11 sees it; a file with
// 20k keys loads, every key with its own line. Times are not asserted; bench/edf_parse_bench
// measures them.
#include <string>

#include "edf_fixture.hpp"

namespace skiff::edf {
namespace {

using EdfLimits = testing::EdfFixture;

std::string copies(const std::string& part, std::size_t n) {
    std::string out;
    out.reserve(part.size() * n);
    for (std::size_t i = 0; i < n; ++i) out += part;
    return out;
}

std::string too_deep(const std::string& path, int line) {
    return path + ":" + std::to_string(line) +
           ": arrays, inline tables and dotted keys nest more than 32 levels deep here;"
           " skiff reads no deeper TOML, flatten this value";
}

TEST_F(EdfLimits, DeepArraysAreOneError) {
    std::string path = edf("deep", "image = \"x\"\nmounts = " + copies("[", 100000) + copies("]", 100000) + "\n");
    EXPECT_FALSE(load("deep"));
    EXPECT_EQ(first_error(), too_deep(path, 2));
    EXPECT_EQ(diag.errors.size(), 1u);
}

TEST_F(EdfLimits, DeepInlineTablesAreOneError) {
    std::string path = edf("deep", "image = \"x\"\n[annotations]\na = " + copies("{b = ", 50000) + "\"1\"" +
                                       copies("}", 50000) + "\n");
    EXPECT_FALSE(load("deep"));
    EXPECT_EQ(first_error(), too_deep(path, 3));
    EXPECT_EQ(diag.errors.size(), 1u);
}

TEST_F(EdfLimits, LongDottedKeyIsOneError) {
    std::string path = edf("deep", "image = \"x\"\n[annotations]\n" + copies("a.", 100000) + "a = \"1\"\n");
    EXPECT_FALSE(load("deep"));
    EXPECT_EQ(first_error(), too_deep(path, 3));
}

TEST_F(EdfLimits, DeepBaseEnvironmentNamesItsOwnFile) {
    std::string base = edf("base", "[env]\nX = " + copies("[", 1000) + "\n");
    edf("top", "base_environment = \"base\"\nimage = \"x\"\n");
    EXPECT_FALSE(load("top"));
    EXPECT_EQ(first_error(), too_deep(base, 2));
}

TEST_F(EdfLimits, FileOverOneMebibyteIsOneError) {
    std::string head = "image = \"x\"\n";
    std::string line = "# " + std::string(61, '-') + "\n";  // 64 bytes
    std::string fill = copies(line, (1024 * 1024 - head.size()) / 64);
    fill += std::string(1024 * 1024 - head.size() - fill.size() - 1, '#') + "\n";
    std::string path = edf("big", head + fill);
    auto env = load("big");
    ASSERT_TRUE(env) << "exactly 1 MiB is allowed: " << first_error();
    edf("big", head + fill + "\n");
    EXPECT_FALSE(load("big"));
    EXPECT_EQ(first_error(), path + ": the file is larger than 1 MiB, the most skiff reads of a TOML file;"
                                    " check that it is the file you meant");
    EXPECT_EQ(diag.errors.size(), 1u);
}

TEST_F(EdfLimits, TwentyThousandEnvKeysKeepTheirLines) {
    std::string text = "image = \"x\"\n[env]\n";
    for (int i = 0; i < 20000; ++i) text += "VAR_" + std::to_string(i) + " = \"value " + std::to_string(i) + "\"\n";
    std::string path = edf("wide", text);
    auto env = load("wide");
    ASSERT_TRUE(env) << first_error();
    ASSERT_EQ(env->env.size(), 20000u);
    EXPECT_EQ(env->env.at("VAR_0").origin.str(), path + ":3");
    EXPECT_EQ(env->env.at("VAR_12345").value, "value 12345");
    EXPECT_EQ(env->env.at("VAR_19999").origin.line, 20002);
}

TEST_F(EdfLimits, TwentyThousandAnnotationsKeepTheirLines) {
    std::string text = "image = \"x\"\n[annotations]\n";
    for (int i = 0; i < 20000; ++i) text += "org.site.key" + std::to_string(i) + " = \"" + std::to_string(i) + "\"\n";
    edf("wide", text);
    auto env = load("wide");
    ASSERT_TRUE(env) << first_error();
    ASSERT_EQ(env->annotations.size(), 20000u);
    EXPECT_EQ(env->annotations.at("org.site.key19999").origin.line, 20002);
}

TEST_F(EdfLimits, WarningsOfAWideFileComeInFileOrder) {
    std::string text = "image = \"x\"\n[env]\n";
    for (int i = 0; i < 3000; ++i) text += "Z" + std::to_string(2999 - i) + " = " + std::to_string(i) + "\n";
    edf("wide", text);
    ASSERT_TRUE(load("wide")) << first_error();
    ASSERT_EQ(diag.warnings.size(), 3000u);
    EXPECT_NE(diag.warnings.front().find(":3: env.Z2999:"), std::string::npos) << diag.warnings.front();
    EXPECT_NE(diag.warnings.back().find(":3002: env.Z0:"), std::string::npos) << diag.warnings.back();
}

}  // namespace
}  // namespace skiff::edf
