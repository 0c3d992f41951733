// base_environment: order, identity, depth, cycles, merging (edf.md §3).
#include <unistd.h>

#include "edf_fixture.hpp"

namespace skiff::edf {
namespace {

using EdfChain = testing::EdfFixture;

const std::string kArrow = " \u2192 ";

TEST_F(EdfChain, ParentsComeFirstAndLaterFilesWin) {
    std::string base = edf("base", "image = \"base:1\"\nworkdir = \"/base\"\nwritable = false\nentrypoint = true\n"
                                   "[env]\nA = \"base\"\nB = \"base\"\n");
    std::string app = edf("app", "base_environment = \"base\"\nworkdir = \"/app\"\nwritable = true\n"
                                 "[env]\nB = \"app\"\nC = \"\"\n");
    auto env = load("app");
    ASSERT_TRUE(env) << first_error();
    EXPECT_EQ(env->files, (std::vector<std::string>{base, app}));
    EXPECT_EQ(env->image->value, "base:1");
    EXPECT_EQ(env->image->origin.str(), base + ":1");
    EXPECT_EQ(env->workdir->value, "/app");
    EXPECT_TRUE(env->writable.value);  // present in app with its default value: it still wins
    EXPECT_EQ(env->writable.origin.str(), app + ":3");
    EXPECT_TRUE(env->entrypoint.value);
    EXPECT_EQ(env->env.at("A").value, "base");
    EXPECT_EQ(env->env.at("B").value, "app");
    EXPECT_EQ(env->env.at("C").value, "");
}

TEST_F(EdfChain, EmptyBaseEnvironmentMeansNone) {
    edf("a", "base_environment = \"\"\nimage = \"x\"\n");
    EXPECT_TRUE(load("a")) << first_error();
    edf("a", "base_environment = []\nimage = \"x\"\n");
    EXPECT_TRUE(load("a")) << first_error();
}

TEST_F(EdfChain, BaseEnvironmentIsNotInheritedAndOverriddenValuesAreNeverExpanded) {
    edf("base", "image = \"${UNSET_IMAGE_VAR}\"\nworkdir = \"${ALSO_UNSET}\"\n");
    edf("app", "base_environment = [\"base\"]\nimage = \"x\"\nworkdir = \"/w\"\n");
    auto env = load("app");
    ASSERT_TRUE(env) << first_error();
    EXPECT_EQ(env->image->value, "x");
}

TEST_F(EdfChain, ParentNotFound) {
    std::string path = edf("a", "base_environment = \"base\"\nimage = \"x\"\n");
    EXPECT_FALSE(load("a"));
    EXPECT_EQ(first_error(), path + ":1: base_environment 'base' not found in " + edf_dir);
    ASSERT_EQ(diag.errors.size(), 1u);
}

TEST_F(EdfChain, ParentPathNotFoundAndTomlHint) {
    edf("base", "image = \"x\"\n");
    std::string path = edf("a", "base_environment = [\"./nope.toml\", \"base.toml\"]\n");
    EXPECT_FALSE(load("a"));
    EXPECT_EQ(diag.errors, (std::vector<std::string>{
                               path + ":1: cannot open base_environment './nope.toml': No such file or directory",
                               path + ":1: cannot open base_environment 'base.toml'; did you mean base_environment = "
                                      "\"base\" (found " + edf_dir + "/base.toml)?",
                           }));
}

TEST_F(EdfChain, EntriesAreExpandedAndRelativeToTheWorkingDirectory) {
    std::string shared = write("shared/common.toml", "image = \"common\"\n");
    std::string local = write("cwd/local.toml", "workdir = \"/local\"\n");
    write("home/.edf/local.toml", "workdir = \"/wrong: relative to the EDF\"\n");
    options.host_env["SHARED"] = root + "/shared";
    edf("app", "base_environment = [\"${SHARED}/common.toml\", \"./local.toml\"]\n");
    auto env = load("app");
    ASSERT_TRUE(env) << first_error();
    EXPECT_EQ(env->files, (std::vector<std::string>{shared, local, edf_dir + "/app.toml"}));
    EXPECT_EQ(env->workdir->value, "/local");
}

TEST_F(EdfChain, EntryExpansionErrors) {
    std::string path = edf("a", "image = \"x\"\nbase_environment = [\"${NOPE}/a.toml\", \"~/b.toml\", \"${SLURM_PROCID}\"]\n");
    EXPECT_FALSE(load("a"));
    EXPECT_EQ(diag.errors, (std::vector<std::string>{
                               path + ":2: base_environment[0]: variable 'NOPE' is not set; use ${NOPE:-VALUE} for a "
                                      "default or $${NOPE} for literal text",
                               path + ":2: base_environment[1]: '~' is not expanded; use ${HOME}",
                               path + ":2: base_environment[2]: SLURM_PROCID differs per task and cannot be used "
                                      "here; the container is shared by the node's tasks",
                           }));
}

TEST_F(EdfChain, SameFileThroughASymlinkIsAppliedOnce) {
    std::string common = edf("common", "image = \"x\"\nmounts = [\"" + root + "\"]\n");
    ASSERT_EQ(::symlink(common.c_str(), (edf_dir + "/alias.toml").c_str()), 0);
    std::string app = edf("app", "base_environment = [\"common\", \"alias\", \"" + edf_dir + "/./common.toml\"]\n");
    auto env = load("app");
    ASSERT_TRUE(env) << first_error();
    EXPECT_EQ(env->files, (std::vector<std::string>{common, app}));
    EXPECT_EQ(env->mounts.size(), 1u);
}

TEST_F(EdfChain, CycleIsPrinted) {
    edf("a", "base_environment = \"b\"\nimage = \"x\"\n");
    edf("b", "base_environment = \"a\"\n");
    EXPECT_FALSE(load("a"));
    EXPECT_EQ(diag.errors, std::vector<std::string>{"base_environment cycle: a.toml" + kArrow + "b.toml" + kArrow + "a.toml"});
}

TEST_F(EdfChain, SelfCycle) {
    edf("a", "base_environment = \"a\"\nimage = \"x\"\n");
    EXPECT_FALSE(load("a"));
    EXPECT_EQ(first_error(), "base_environment cycle: a.toml" + kArrow + "a.toml");
}

TEST_F(EdfChain, CycleBelowTheTopIsPrintedFromItsStart) {
    edf("top", "base_environment = \"a\"\nimage = \"x\"\n");
    edf("a", "base_environment = \"b\"\n");
    edf("b", "base_environment = \"a\"\n");
    EXPECT_FALSE(load("top"));
    EXPECT_EQ(first_error(), "base_environment cycle: a.toml" + kArrow + "b.toml" + kArrow + "a.toml");
}

TEST_F(EdfChain, CycleWithSameBaseNamesPrintsFullPaths) {
    std::string a = write("one/a.toml", "base_environment = \"" + root + "/two/a.toml\"\nimage = \"x\"\n");
    std::string b = write("two/a.toml", "base_environment = \"" + root + "/one/a.toml\"\n");
    EXPECT_FALSE(load(a));
    EXPECT_EQ(first_error(), "base_environment cycle: " + a + kArrow + b + kArrow + a);
}

// f1 -> f2 -> ... -> f<n>; f<n> has the image.
void write_chain(testing::EdfFixture& fixture, int n, const std::string& last_parent = "") {
    for (int i = 1; i <= n; ++i) {
        std::string parent = i < n ? "f" + std::to_string(i + 1) : last_parent;
        std::string content = parent.empty() ? "image = \"x\"\n" : "base_environment = \"" + parent + "\"\n";
        if (i == n && !parent.empty()) content += "image = \"x\"\n";
        fixture.edf("f" + std::to_string(i), content + "[env]\nLEVEL" + std::to_string(i) + " = \"1\"\n");
    }
}

std::string chain_names(int from, int to) {
    std::string out;
    for (int i = from; i <= to; ++i) out += (out.empty() ? "" : kArrow) + "f" + std::to_string(i) + ".toml";
    return out;
}

TEST_F(EdfChain, TenFilesAreAllowed) {
    write_chain(*this, 10);
    auto env = load("f1");
    ASSERT_TRUE(env) << first_error();
    EXPECT_EQ(env->files.size(), 10u);
    EXPECT_EQ(env->files.front(), edf_dir + "/f10.toml");
    EXPECT_EQ(env->env.size(), 10u);
}

TEST_F(EdfChain, ElevenFilesAreTooDeep) {
    write_chain(*this, 11);
    EXPECT_FALSE(load("f1"));
    EXPECT_EQ(diag.errors, std::vector<std::string>{"base_environment chain longer than 10 files: " + chain_names(1, 11)});
}

TEST_F(EdfChain, DepthCountsTheLongestPathThroughASharedParent) {
    // top -> [short, f1]; short -> f9; f1 -> ... -> f10: f10 is reached first at depth 3, then at 11.
    write_chain(*this, 10);
    edf("short", "base_environment = \"f9\"\n");
    edf("top", "base_environment = [\"short\", \"f1\"]\n");
    EXPECT_FALSE(load("top"));
    EXPECT_EQ(first_error(), "base_environment chain longer than 10 files: top.toml" + kArrow + chain_names(1, 10));
}

TEST_F(EdfChain, LongCycleIsACycleNotTooDeep) {
    write_chain(*this, 12, "f3");
    EXPECT_FALSE(load("f1"));
    EXPECT_EQ(diag.errors, std::vector<std::string>{"base_environment cycle: " + chain_names(3, 12) + kArrow + "f3.toml"});
}

TEST_F(EdfChain, ErrorsInParentsNameTheParent) {
    std::string base = edf("base", "image = \"x\"\nwritable = \"false\"\n");
    edf("app", "base_environment = \"base\"\n");
    EXPECT_FALSE(load("app"));
    EXPECT_EQ(diag.errors, std::vector<std::string>{
                               base + ":2: 'writable' must be true or false, not the string \"false\"; remove the quotes"});
}

TEST_F(EdfChain, MissingImageNamesTheTopFile) {
    edf("base", "workdir = \"/w\"\n");
    std::string app = edf("app", "base_environment = \"base\"\n");
    EXPECT_FALSE(load("app"));
    EXPECT_EQ(first_error(), app + ": no image after applying base environments; set 'image'");
}

}  // namespace
}  // namespace skiff::edf
