// The nesting scanner that runs before toml11 (launcher/edf/toml_limits.hpp): what counts as
// nesting, what does not (strings, comments, table headers), and the line it reports.
#include "launcher/edf/toml_limits.hpp"

#include <gtest/gtest.h>

#include <string>

namespace skiff::edf {
namespace {

std::string repeat(const std::string& part, unsigned n) {
    std::string out;
    for (unsigned i = 0; i < n; ++i) out += part;
    return out;
}

std::string nested_arrays(unsigned n) { return "a = " + repeat("[", n) + repeat("]", n) + "\n"; }
std::string nested_tables(unsigned n) { return "a = " + repeat("{b = ", n) + "1" + repeat("}", n) + "\n"; }

TEST(TomlLimits, ArraysUpToTheLimitPass) {
    EXPECT_EQ(too_deep_line(nested_arrays(max_toml_depth)), 0u);
    EXPECT_EQ(too_deep_line(nested_arrays(max_toml_depth + 1)), 1u);
}

TEST(TomlLimits, InlineTablesUpToTheLimitPass) {
    EXPECT_EQ(too_deep_line(nested_tables(max_toml_depth)), 0u);
    EXPECT_EQ(too_deep_line(nested_tables(max_toml_depth + 1)), 1u);
}

TEST(TomlLimits, DottedKeysNestTables) {
    std::string parts = repeat("k.", max_toml_depth);
    EXPECT_EQ(too_deep_line(parts + "k = 1\n"), 0u) << "32 tables and a value";
    EXPECT_EQ(too_deep_line(parts + "k.k = 1\n"), 1u);
    EXPECT_EQ(too_deep_line("a = {" + parts + "k = 1}\n"), 1u) << "the inline table adds one";
}

TEST(TomlLimits, HeaderKeyAndValueAddUp) {
    std::string header = "[" + repeat("t.", 9) + "t]\n";  // 10 tables
    EXPECT_EQ(too_deep_line(header + "x = " + nested_arrays(22).substr(4)), 0u);
    EXPECT_EQ(too_deep_line(header + "x = " + nested_arrays(23).substr(4)), 2u);
    EXPECT_EQ(too_deep_line(header + "k.x = " + nested_arrays(22).substr(4)), 2u);
    EXPECT_EQ(too_deep_line("[" + repeat("t.", 31) + "t]\n"), 0u);
    EXPECT_EQ(too_deep_line("[[" + repeat("t.", 31) + "t]]\n"), 1u) << "an array of tables adds one";
}

TEST(TomlLimits, HeadersAreNotNesting) {
    std::string file;
    for (int i = 0; i < 100; ++i) file += "[[servers]]\nname = \"s\"\n[servers.x]\ny = [[1], [2]]\n";
    EXPECT_EQ(too_deep_line(file), 0u);
    EXPECT_EQ(too_deep_line("[\"a]b\".c]\nx = 1\n"), 0u) << "a quoted ']' does not end the header";
}

TEST(TomlLimits, DepthReturnsAfterEachValue) {
    std::string file;
    for (int i = 0; i < 1000; ++i) file += "a" + std::to_string(i) + ".b.c = {d.e = [1.5, {f = 2}, 3.5]}\n";
    file += "x = [" + repeat("{}, 1.5, ", 100) + "]\n";
    file += "y = [\n" + repeat("  [1, [2]],\n", 100) + "]\n";
    EXPECT_EQ(too_deep_line(file), 0u);
}

TEST(TomlLimits, StringsAndCommentsHideBrackets) {
    std::string deep = repeat("[", 100);
    EXPECT_EQ(too_deep_line("a = \"" + deep + "\"\n"), 0u);
    EXPECT_EQ(too_deep_line("a = \"\\\"" + deep + "\"\n"), 0u) << "an escaped quote does not end it";
    EXPECT_EQ(too_deep_line("a = '" + deep + "\\'\n"), 0u) << "no escapes in literal strings";
    EXPECT_EQ(too_deep_line("a = \"\"\"\n" + deep + "\n\"\"\"\n"), 0u);
    EXPECT_EQ(too_deep_line("a = \"\"\"x\\\"\"\"" + deep + "\"\"\"\n"), 0u);
    EXPECT_EQ(too_deep_line("a = '''\n" + deep + "\n'''\n"), 0u);
    EXPECT_EQ(too_deep_line("# " + deep + "\na = [ # " + deep + "\n]\n"), 0u);
    EXPECT_EQ(too_deep_line("\"" + deep + "\".x = 1\n"), 0u) << "a quoted key";
}

TEST(TomlLimits, StringEndsWhereTomlSaysSo) {
    std::string deep = repeat("[", 100);
    EXPECT_EQ(too_deep_line("a = \"\\\\\"" + deep + "\n"), 1u) << "an escaped backslash, then the end";
    EXPECT_EQ(too_deep_line("a = \"\"\"x\"\"\"\"\"" + deep + "\n"), 1u) << "up to two quotes belong to the string";
    EXPECT_EQ(too_deep_line("a = '''x'''''" + deep + "\n"), 1u);
    EXPECT_EQ(too_deep_line("a = \"x\nb = " + deep + "\n"), 2u) << "a basic string ends at the line's end";
    EXPECT_EQ(too_deep_line("a = 'x\nb = " + deep + "\n"), 2u);
    EXPECT_EQ(too_deep_line("a = \"x\\\nb = " + deep + "\n"), 2u) << "even after a backslash";
}

TEST(TomlLimits, ReportsTheLineWhereTheLimitIsPassed) {
    std::string file = "a = 1\n\nb = [\n" + repeat("[\n", 40) + repeat("]\n", 41);
    EXPECT_EQ(too_deep_line(file), 3u + max_toml_depth);
}

TEST(TomlLimits, HugeBombsStopAtTheLimit) {
    EXPECT_EQ(too_deep_line("mounts = " + repeat("[", 100000) + repeat("]", 100000)), 1u);
    EXPECT_EQ(too_deep_line("a = " + repeat("{b = ", 50000) + "1" + repeat("}", 50000)), 1u);
    EXPECT_EQ(too_deep_line(repeat("a.", 100000) + "a = 1\n"), 1u);
    EXPECT_EQ(too_deep_line("a = " + repeat("[", 100000)), 1u) << "unclosed";
}

}  // namespace
}  // namespace skiff::edf
