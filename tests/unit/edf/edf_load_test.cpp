// Keys, types, syntax errors and the simple fields of one EDF (edf.md §1, §5, §8, §11).
#include "edf_fixture.hpp"

namespace skiff::edf {
namespace {

using EdfLoad = testing::EdfFixture;

TEST_F(EdfLoad, SmallestFileGetsTheDefaults) {
    std::string path = edf("ubuntu", "image = \"ubuntu:24.04\"\n");
    auto env = load("ubuntu");
    ASSERT_TRUE(env) << first_error();
    ASSERT_TRUE(env->image);
    EXPECT_EQ(env->image->value, "ubuntu:24.04");
    EXPECT_EQ(env->image->origin.str(), path + ":1");
    EXPECT_FALSE(env->workdir);
    EXPECT_FALSE(env->entrypoint.value);
    EXPECT_TRUE(env->writable.value);
    EXPECT_EQ(env->entrypoint.origin.str(), "");
    EXPECT_TRUE(env->mounts.empty());
    EXPECT_TRUE(env->env.empty());
    EXPECT_TRUE(env->annotations.empty());
    EXPECT_TRUE(diag.errors.empty());
    EXPECT_TRUE(diag.warnings.empty());
}

TEST_F(EdfLoad, EveryKeyKeepsItsLine) {
    mkdir("data");
    std::string path = edf("full", "# a comment\n"
                                   "image = \"ubuntu:24.04\"\n"
                                   "workdir = \"/work\"\n"
                                   "entrypoint = true\n"
                                   "writable = false\n"
                                   "mounts = [\n"
                                   "  \"" + root + "/data:/data:ro\",\n"
                                   "  \"" + root + "/data:/other\",\n"
                                   "]\n"
                                   "[env]\n"
                                   "LANG = \"C.UTF-8\"\n"
                                   "[annotations]\n"
                                   "com.hooks.cxi.enabled = \"true\"\n");
    auto env = load("full");
    ASSERT_TRUE(env) << first_error();
    EXPECT_EQ(env->workdir->value, "/work");
    EXPECT_EQ(env->workdir->origin.line, 3);
    EXPECT_TRUE(env->entrypoint.value);
    EXPECT_EQ(env->entrypoint.origin.str(), path + ":4");
    EXPECT_FALSE(env->writable.value);
    EXPECT_EQ(env->writable.origin.line, 5);
    ASSERT_EQ(env->mounts.size(), 2u);
    EXPECT_EQ(env->mounts[0].origin.line, 7);
    EXPECT_TRUE(env->mounts[0].flags.read_only);
    EXPECT_EQ(env->mounts[1].origin.line, 8);
    EXPECT_EQ(env->env.at("LANG").value, "C.UTF-8");
    EXPECT_EQ(env->env.at("LANG").origin.line, 11);
    EXPECT_EQ(env->annotations.at("com.hooks.cxi.enabled").origin.line, 13);
}

TEST_F(EdfLoad, QuotedBooleanIsATypeError) {
    std::string path = edf("a", "image = \"x\"\n\n\nwritable = \"false\"\n");
    EXPECT_FALSE(load("a"));
    EXPECT_EQ(first_error(), path + ":4: 'writable' must be true or false, not the string \"false\"; remove the quotes");
}

TEST_F(EdfLoad, WrongTypesNameFileLineAndKey) {
    std::string path = edf("a", "image = 3\n"                          // 1
                                "entrypoint = 1\n"                     // 2
                                "mounts = \"/a:/b\"\n"                 // 3
                                "workdir = [\"/w\"]\n"                 // 4
                                "base_environment = 7\n"               // 5
                                "env = \"x\"\n"                        // 6
                                "annotations = 1.5\n");                // 7
    EXPECT_FALSE(load("a"));
    std::vector<std::string> expected{
        path + ":1: 'image' must be a string, not the integer 3; put the value in quotes",
        path + ":2: 'entrypoint' must be true or false, not the integer 1; write true or false",
        path + ":3: 'mounts' must be an array of strings, not the string \"/a:/b\"; write mounts = [\"/a:/b\"]",
        path + ":4: 'workdir' must be a string, not an array; write a single string",
        path + ":5: 'base_environment' must be a string or an array of strings, not the integer 7",
        path + ":6: 'env' must be a table, not the string \"x\"",
        path + ":7: 'annotations' must be a table, not the float 1.5",
    };
    EXPECT_EQ(diag.errors, expected);  // every problem, in file order; no "no image" error on top
}

TEST_F(EdfLoad, ArrayElementsHaveTheirOwnLine) {
    std::string path = edf("a", "image = \"x\"\nmounts = [\n  \"/tmp:/t\",\n  42,\n]\n");
    EXPECT_FALSE(load("a"));
    EXPECT_EQ(first_error(), path + ":4: 'mounts[1]' must be a string, not the integer 42");
}

TEST_F(EdfLoad, LoadReturnsTheFirstErrorAndCollectsAll) {
    std::string path = edf("a", "image = \"x\"\nwritable = \"no\"\nentrypoint = \"yes\"\n");
    auto env = load("a");
    ASSERT_FALSE(env);
    ASSERT_EQ(diag.errors.size(), 2u);
    EXPECT_EQ(env.error().message, diag.errors[0]);
    EXPECT_EQ(diag.errors[1], path + ":3: 'entrypoint' must be true or false, not the string \"yes\"; write true or false");
}

TEST_F(EdfLoad, UnknownKeysWarnWithDidYouMean) {
    std::string path = edf("a", "image = \"x\"\n\nmount = []\nvolumes = [\"/data\"]\nwritabel = true\n");
    auto env = load("a");
    ASSERT_TRUE(env) << first_error();
    EXPECT_EQ(diag.warnings, (std::vector<std::string>{
                                 path + ":3: unknown key 'mount' ignored (did you mean 'mounts'?)",
                                 path + ":4: unknown key 'volumes' ignored",
                                 path + ":5: unknown key 'writabel' ignored (did you mean 'writable'?)",
                             }));
}

TEST_F(EdfLoad, SyntaxErrorShowsLineColumnAndCaret) {
    std::string path = edf("a", "image = \"x\"\nfoo bar\n");
    EXPECT_FALSE(load("a"));
    EXPECT_EQ(first_error(), path + ":2:4: invalid TOML: expected '=' after key\n  foo bar\n     ^");
    ASSERT_EQ(diag.errors.size(), 1u);  // no follow-up "no image" error
}

TEST_F(EdfLoad, OtherSyntaxErrors) {
    struct Case {
        const char* content;
        const char* start;
    } cases[] = {
        {"image = ubuntu\n", ":1:9: invalid TOML: invalid value; strings need quotes and booleans are true or false"},
        {"image = \"a\"\nimage = \"b\"\n", ":2:9: invalid TOML: 'image' is defined twice"},
        {"mounts = [\"a\" \"b\"]\n", ":1:15: invalid TOML: expected ',' or ']' in array"},
        {"image = \"x\n", ":1:9: invalid TOML: invalid or unterminated string"},
        {"[env\n", ":1:1: invalid TOML: invalid key or table header"},
    };
    for (const Case& c : cases) {
        std::string path = edf("a", c.content);
        EXPECT_FALSE(load("a"));
        EXPECT_EQ(first_error().substr(0, first_error().find('\n')), path + c.start) << c.content;
    }
}

TEST_F(EdfLoad, BinaryGarbageIsAnErrorNotAnException) {
    std::string path = edf("a", std::string("\x00\xff\xfe[[[\"\n=\x01", 10));
    auto env = load("a");
    ASSERT_FALSE(env);
    EXPECT_EQ(env.error().message.rfind(path + ":1:", 0), 0u) << env.error().message;
    EXPECT_NE(env.error().message.find("invalid TOML"), std::string::npos);
}

TEST_F(EdfLoad, MissingImageIsAnError) {
    std::string path = edf("job", "workdir = \"/w\"\n");
    EXPECT_FALSE(load("job"));
    EXPECT_EQ(first_error(), path + ": no image after applying base environments; set 'image'");
    edf("job", "image = \"\"\n");
    EXPECT_FALSE(load("job"));
    EXPECT_EQ(first_error(), path + ": no image after applying base environments; set 'image'");
}

TEST_F(EdfLoad, MissingImageIsFineWhenImageIsGivenOnTheCommandLine) {
    edf("job", "workdir = \"/w\"\n");
    options.image_given = true;
    auto env = load("job");
    ASSERT_TRUE(env) << first_error();
    EXPECT_FALSE(env->image);
}

TEST_F(EdfLoad, MissingImageIsReportedWithOtherErrors) {
    std::string path = edf("job", "writable = \"no\"\n");
    EXPECT_FALSE(load("job"));
    EXPECT_EQ(diag.errors, (std::vector<std::string>{
                               path + ":1: 'writable' must be true or false, not the string \"no\"; write true or false",
                               path + ": no image after applying base environments; set 'image'",
                           }));
}

TEST_F(EdfLoad, ImageIsExpandedAndMadeAbsoluteButNotValidated) {
    edf("a", "image = \"${SCRATCH}/images/Not-A-Ref:x.tar\"\n");
    auto env = load("a");
    ASSERT_TRUE(env) << first_error();
    EXPECT_EQ(env->image->value, root + "/scratch/images/Not-A-Ref:x.tar");
    edf("a", "image = \"./images/bcftools-1.21.sqsh\"\n");
    EXPECT_EQ(load("a")->image->value, cwd + "/images/bcftools-1.21.sqsh");
    edf("a", "image = \"../app.sqsh\"\n");
    EXPECT_EQ(load("a")->image->value, root + "/app.sqsh");
    edf("a", "image = \"Ubuntu:24.04\"\n");
    EXPECT_EQ(load("a")->image->value, "Ubuntu:24.04");
}

TEST_F(EdfLoad, TildeIsNeverExpanded) {
    std::string path = edf("a", "\nimage = \"~/images/x.sqsh\"\nworkdir = \"~\"\n");
    EXPECT_FALSE(load("a"));
    EXPECT_EQ(diag.errors, (std::vector<std::string>{path + ":2: image: '~' is not expanded; use ${HOME}",
                                                     path + ":3: workdir: '~' is not expanded; use ${HOME}"}));
}

TEST_F(EdfLoad, WorkdirEmptyMeansDefaultAndMustBeAbsolute) {
    edf("a", "image = \"x\"\nworkdir = \"\"\n");
    auto env = load("a");
    ASSERT_TRUE(env) << first_error();
    EXPECT_FALSE(env->workdir);
    std::string path = edf("a", "image = \"x\"\nworkdir = \"work\"\n");
    EXPECT_FALSE(load("a"));
    EXPECT_EQ(first_error(), path + ":2: workdir 'work' must be an absolute path");
}

TEST_F(EdfLoad, EnvValuesConvertedOrRejected) {
    std::string path = edf("a", "image = \"x\"\n"
                                "[env]\n"
                                "THREADS = 4\n"       // 3
                                "DEBUG = true\n"      // 4
                                "LIST = [\"a\"]\n"    // 5
                                "RATIO = 0.5\n"       // 6
                                "TABLE.X = \"1\"\n"   // 7
                                "GONE = \"\"\n");     // 8
    EXPECT_FALSE(load("a"));
    EXPECT_EQ(diag.errors, (std::vector<std::string>{
                               path + ":5: env.LIST: value must be a string, not an array",
                               path + ":6: env.RATIO: value must be a string, not the float 0.5",
                               path + ":7: env.TABLE: value must be a string, not a table",
                           }));
    EXPECT_EQ(diag.warnings, (std::vector<std::string>{
                                 path + ":3: env.THREADS: the integer 4 is used as the string \"4\"; quote it to "
                                        "silence this warning",
                                 path + ":4: env.DEBUG: the boolean true is used as the string \"true\"; quote it "
                                        "to silence this warning",
                             }));
    edf("a", "image = \"x\"\n[env]\nTHREADS = 4\nDEBUG = true\nGONE = \"\"\n");
    auto env = load("a");
    ASSERT_TRUE(env) << first_error();
    EXPECT_EQ(env->env.at("THREADS").value, "4");
    EXPECT_EQ(env->env.at("DEBUG").value, "true");
    EXPECT_EQ(env->env.at("GONE").value, "");  // the unset marker is kept
}

TEST_F(EdfLoad, EnvNames) {
    std::string path = edf("a", "image = \"x\"\n[env]\n\"\" = \"a\"\n\"A=B\" = \"b\"\n\"1X\" = \"c\"\n\"my-var\" = \"d\"\n");
    EXPECT_FALSE(load("a"));
    EXPECT_EQ(diag.errors, (std::vector<std::string>{path + ":3: env: a variable name must not be empty",
                                                     path + ":4: env.A=B: a variable name must not contain '='"}));
    EXPECT_TRUE(has_warning(path + ":5: env.1X: '1X' is not a shell identifier; it will not reach shells or SSH sessions"));
    EXPECT_TRUE(has_warning(path + ":6: env.my-var: 'my-var' is not a shell identifier; it will not reach shells or "
                                   "SSH sessions"));
}

TEST_F(EdfLoad, EnvValuesStayRawButTheirSyntaxIsChecked) {
    std::string path = edf("a", "image = \"x\"\n[env]\nPATH = \"/opt/bin:${PATH}\"\nRANK = \"${SLURM_PROCID}\"\n"
                                "U = \"${NOT_SET_ANYWHERE}\"\n\n\n\nNOTE = \"$HOME/x\"\nBAD = \"${X:=y}\"\n");
    EXPECT_FALSE(load("a"));
    EXPECT_EQ(diag.errors, (std::vector<std::string>{
                               path + ":10: env.BAD: '${X:=y}' is not supported; only ${X} and ${X:-default}",
                               path + ":9: env.NOTE: '$HOME' is not expanded; write ${HOME}, or $$HOME for literal text",
                           }));
    edf("a", "image = \"x\"\n[env]\nPATH = \"/opt/bin:${PATH}\"\nRANK = \"${SLURM_PROCID}\"\nU = \"${NOT_SET}\"\n");
    auto env = load("a");
    ASSERT_TRUE(env) << first_error();
    EXPECT_EQ(env->env.at("PATH").value, "/opt/bin:${PATH}");
    EXPECT_EQ(env->env.at("RANK").value, "${SLURM_PROCID}");
}

TEST_F(EdfLoad, ExpandEnvValues) {
    std::string path = edf("a", "image = \"x\"\n[env]\nPATH = \"/opt/solver/bin:${PATH}\"\nGONE = \"\"\n"
                                "RANK = \"r${SLURM_PROCID}\"\nCASE = \"${CASE}\"\n");
    auto env = load("a");
    ASSERT_TRUE(env) << first_error();
    auto values = expand_env_values(*env, {{"PATH", "/usr/bin:/bin"}, {"SLURM_PROCID", "7"}, {"CASE", "c1"}});
    ASSERT_TRUE(values) << values.error().message;
    EXPECT_EQ(*values, (EnvMap{{"CASE", "c1"}, {"GONE", ""}, {"PATH", "/opt/solver/bin:/usr/bin:/bin"}, {"RANK", "r7"}}));
    auto unset = expand_env_values(*env, {{"PATH", "/bin"}, {"SLURM_PROCID", "0"}});
    ASSERT_FALSE(unset);
    EXPECT_EQ(unset.error().message,
              path + ":6: env.CASE: variable 'CASE' is not set; use ${CASE:-VALUE} for a default or $${CASE} for "
                     "literal text");
}

}  // namespace
}  // namespace skiff::edf
