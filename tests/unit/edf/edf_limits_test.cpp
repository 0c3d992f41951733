// TOML bombs through the whole EDF loader (edf.md §1): a file too large or nested too deep
// is one error naming the file (and line) before toml11 sees it.
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

}  // namespace
}  // namespace skiff::edf
