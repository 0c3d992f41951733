// --environment resolution and the EDF_PATH search path (edf.md §2).
#include <unistd.h>

#include "edf_fixture.hpp"
#include "launcher/edf/search.hpp"

namespace skiff::edf {
namespace {

using EdfSearch = testing::EdfFixture;

TEST(EdfSearchPath, DefaultIsHomeDotEdf) {
    Diagnostics diag;
    EXPECT_EQ(search_path({{"HOME", "/users/alice"}}, diag), std::vector<std::string>{"/users/alice/.edf"});
    EXPECT_EQ(search_path({{"HOME", "/users/alice"}, {"EDF_PATH", ""}}, diag),
              std::vector<std::string>{"/users/alice/.edf"});
    EXPECT_EQ(search_path({{"HOME", "/users/alice"}, {"EDF_PATH", "::"}}, diag),
              std::vector<std::string>{"/users/alice/.edf"});
    EXPECT_TRUE(search_path({}, diag).empty());
    EXPECT_TRUE(diag.warnings.empty());
}

TEST(EdfSearchPath, EdfPathReplacesTheDefault) {
    Diagnostics diag;
    EXPECT_EQ(search_path({{"HOME", "/h"}, {"EDF_PATH", "/a::/b/"}}, diag), (std::vector<std::string>{"/a", "/b"}));
    EXPECT_TRUE(diag.warnings.empty());
}

TEST(EdfSearchPath, RelativeEntriesAreSkippedWithAWarning) {
    Diagnostics diag;
    EXPECT_EQ(search_path({{"HOME", "/h"}, {"EDF_PATH", "edf:/a"}}, diag), std::vector<std::string>{"/a"});
    EXPECT_EQ(diag.warnings, std::vector<std::string>{"EDF_PATH entry 'edf' is not an absolute path and is skipped"});
    EXPECT_TRUE(search_path({{"HOME", "/h"}, {"EDF_PATH", "./x"}}, diag).empty());  // not the default
}

TEST_F(EdfSearch, NameIsSearchedOnTheSearchPath) {
    std::string path = edf("ubuntu", "image = \"ubuntu:24.04\"\n");
    auto env = load("ubuntu");
    ASSERT_TRUE(env) << first_error();
    EXPECT_EQ(env->files, std::vector<std::string>{path});
    EXPECT_EQ(env->image->value, "ubuntu:24.04");
}

TEST_F(EdfSearch, FirstDirectoryWinsAndMissingOnesAreSkippedSilently) {
    std::string first = write("one/x.toml", "image = \"first\"\n");
    write("two/x.toml", "image = \"second\"\n");
    mkdir("zero/x.toml");  // a directory is not a regular file: skipped
    options.host_env["EDF_PATH"] = root + "/missing:" + root + "/zero:" + root + "/one:" + root + "/two";
    auto env = load("x");
    ASSERT_TRUE(env) << first_error();
    EXPECT_EQ(env->image->value, "first");
    EXPECT_EQ(env->files, std::vector<std::string>{first});
    EXPECT_TRUE(diag.warnings.empty());
}

TEST_F(EdfSearch, EdfPathReplacesHomeDotEdf) {
    edf("x", "image = \"home\"\n");
    options.host_env["EDF_PATH"] = root + "/elsewhere";
    EXPECT_FALSE(load("x"));
    EXPECT_EQ(first_error(), "environment 'x' not found in " + root +
                                 "/elsewhere; set EDF_PATH or pass a path such as ./x.toml");
}

TEST_F(EdfSearch, RelativeEdfPathEntryWarnsDuringLoad) {
    write("abs/x.toml", "image = \"x\"\n");
    options.host_env["EDF_PATH"] = "rel/dir:" + root + "/abs";
    ASSERT_TRUE(load("x")) << first_error();
    EXPECT_EQ(diag.warnings, std::vector<std::string>{"EDF_PATH entry 'rel/dir' is not an absolute path and is skipped"});
}

TEST_F(EdfSearch, NameNotFound) {
    EXPECT_FALSE(load("pytorch"));
    EXPECT_EQ(first_error(),
              "environment 'pytorch' not found in " + edf_dir + "; set EDF_PATH or pass a path such as ./pytorch.toml");
}

TEST_F(EdfSearch, AbsolutePath) {
    std::string path = write("elsewhere/job.toml", "image = \"a\"\n");
    auto env = load(path);
    ASSERT_TRUE(env) << first_error();
    EXPECT_EQ(env->files, std::vector<std::string>{path});
}

TEST_F(EdfSearch, PathsAreRelativeToTheWorkingDirectory) {
    std::string job = write("cwd/job.toml", "image = \"a\"\n");
    std::string sub = write("cwd/edf/x.toml", "image = \"b\"\n");
    edf("job", "image = \"from search path\"\n");
    // An inner ".." is kept: a symlink may stand before it. Identity is by inode anyway.
    for (const auto& [arg, path] : {std::pair{"./job.toml", job}, {"job.toml", job}, {"edf/x.toml", sub},
                                    {"./edf/../job.toml", cwd + "/edf/../job.toml"}, {"../cwd/job.toml", job}}) {
        auto env = load(arg);
        ASSERT_TRUE(env) << arg << ": " << first_error();
        EXPECT_EQ(env->files.back(), path) << arg;
    }
}

TEST_F(EdfSearch, PathNotFound) {
    EXPECT_FALSE(load("./job.toml"));
    EXPECT_EQ(first_error(), "cannot open EDF './job.toml': No such file or directory");
    EXPECT_FALSE(load(root));
    EXPECT_EQ(first_error(), "cannot open EDF '" + root + "': Is a directory");
}

TEST_F(EdfSearch, DotTomlNameOnTheSearchPathGetsAHint) {
    edf("x", "image = \"a\"\n");
    EXPECT_FALSE(load("x.toml"));
    EXPECT_EQ(first_error(), "cannot open EDF 'x.toml'; did you mean --environment=x (found " + edf_dir + "/x.toml)?");
    EXPECT_FALSE(load("./x.toml"));  // an explicit ./ path gets no hint
    EXPECT_EQ(first_error(), "cannot open EDF './x.toml': No such file or directory");
}

TEST_F(EdfSearch, EmptyArgument) {
    edf("", "image = \"a\"\n");  // <edf_dir>/.toml must not be picked up
    EXPECT_FALSE(load(""));
    EXPECT_EQ(first_error(), "--environment needs a name or a path; for example --environment=./job.toml");
}

TEST_F(EdfSearch, SymlinkedFileKeepsItsSpelling) {
    std::string target = write("real/a.toml", "image = \"a\"\n");
    ASSERT_EQ(::symlink(target.c_str(), (edf_dir + "/link.toml").c_str()), 0);
    auto env = load("link");
    ASSERT_TRUE(env) << first_error();
    EXPECT_EQ(env->files, std::vector<std::string>{edf_dir + "/link.toml"});
}

}  // namespace
}  // namespace skiff::edf
