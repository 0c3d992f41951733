// [annotations]: flattening, keys, values, hook typo check (edf.md §9).
#include "edf_fixture.hpp"
#include "hooks/hook.hpp"
#include "launcher/edf/annotations.hpp"

namespace skiff::edf {
namespace {

using EdfAnnotations = testing::EdfFixture;

TEST_F(EdfAnnotations, AllSpellingsFlattenToTheSameKey) {
    const char* spellings[] = {
        "image = \"x\"\n[annotations.com.hooks.ssh]\nenabled = \"true\"\n",
        "image = \"x\"\n[annotations]\ncom.hooks.ssh.enabled = \"true\"\n",
        "image = \"x\"\n[annotations]\n\"com.hooks.ssh.enabled\" = \"true\"\n",
        "image = \"x\"\nannotations.com.hooks = { ssh = { enabled = \"true\" } }\n",
    };
    for (const char* content : spellings) {
        std::string path = edf("a", content);
        auto env = load("a");
        ASSERT_TRUE(env) << content << first_error();
        ASSERT_EQ(env->annotations.size(), 1u) << content;
        EXPECT_EQ(env->annotations.at("com.hooks.ssh.enabled").value, "true");
        EXPECT_EQ(env->annotations.at("com.hooks.ssh.enabled").origin.str().substr(0, path.size()), path);
    }
}

TEST_F(EdfAnnotations, TwoSpellingsInOneFileAreAnError) {
    std::string path = edf("a", "image = \"x\"\n[annotations]\n\n\ncom.hooks.ssh.port = \"1\"\n\n\n\n"
                                "\"com.hooks.ssh.port\" = \"2\"\n");
    EXPECT_FALSE(load("a"));
    EXPECT_EQ(diag.errors, std::vector<std::string>{path + ":9: annotation 'com.hooks.ssh.port' is also defined at line 5"});
}

TEST_F(EdfAnnotations, KeyPartsUseBareKeyCharacters) {
    std::string path = edf("a", "image = \"x\"\n[annotations]\n\"com.x/y\" = \"1\"\n\"com..z\" = \"2\"\nok-key_1.B = \"3\"\n");
    EXPECT_FALSE(load("a"));
    EXPECT_EQ(diag.errors, (std::vector<std::string>{
                               path + ":3: annotation key 'com.x/y' may only use letters, digits, '_' and '-' per part",
                               path + ":4: annotation key 'com..z' has an empty part; write parts joined by single dots",
                           }));
    EXPECT_EQ(annotation_key_problem("ok-key_1.B"), "");
    EXPECT_NE(annotation_key_problem(""), "");
    EXPECT_NE(annotation_key_problem("a."), "");
    EXPECT_NE(annotation_key_problem("a b"), "");
}

TEST_F(EdfAnnotations, ValuesAreStringsOrConverted) {
    std::string path = edf("a", "image = \"x\"\n[annotations.com.hooks.ssh]\nport = 15300\nenabled = true\n"
                                "authorize_ssh_key = [\"k\"]\n");
    EXPECT_FALSE(load("a"));
    EXPECT_EQ(diag.errors, std::vector<std::string>{
                               path + ":5: annotations.com.hooks.ssh.authorize_ssh_key: value must be a string, not an array"});
    EXPECT_TRUE(has_warning(path + ":3: annotations.com.hooks.ssh.port: the integer 15300 is used as the string "
                                   "\"15300\"; quote it to silence this warning"));
    edf("a", "image = \"x\"\n[annotations.com.hooks.ssh]\nport = 15300\nenabled = true\n");
    auto env = load("a");
    ASSERT_TRUE(env) << first_error();
    EXPECT_EQ(env->annotations.at("com.hooks.ssh.port").value, "15300");
    EXPECT_EQ(env->annotations.at("com.hooks.ssh.enabled").value, "true");
}

TEST_F(EdfAnnotations, BuiltinHookTypoWarns) {
    std::string path = edf("a", "image = \"x\"\n[annotations]\ncom.hooks.ssh.enable = \"true\"\n"
                                "com.hooks.cxi.enabled = \"true\"\ncom.hooks.mine.anything = \"1\"\norg.x = \"1\"\n"
                                "com.hooks.aws_ofi_nccl.varient = \"cuda12\"\ncom.hooks.slurm.enabled = \"true\"\n");
    auto env = load("a");
    ASSERT_TRUE(env) << first_error();
    EXPECT_EQ(hooks::annotation_warnings(*env), (std::vector<std::string>{
                                 path + ":3: annotation 'com.hooks.ssh.enable' is not a setting of the built-in ssh "
                                        "hook (did you mean 'enabled'?); valid: enabled authorize_ssh_key port",
                                 path + ":7: annotation 'com.hooks.aws_ofi_nccl.varient' is not a setting of the "
                                        "built-in aws_ofi_nccl hook (did you mean 'variant'?); valid: enabled variant",
                             }));
    EXPECT_TRUE(diag.warnings.empty()) << "the hooks check their settings, not the EDF reader";
    EXPECT_EQ(env->annotations.size(), 6u);  // warnings only: external hooks still see them
    EXPECT_EQ(hooks::setting_warning("com.hooks.ssh.port"), "");
    EXPECT_EQ(hooks::setting_warning("com.hooks.cxi.variant"),
              "annotation 'com.hooks.cxi.variant' is not a setting of the built-in cxi hook; valid: enabled");
    EXPECT_EQ(hooks::setting_warning("com.hooks.ssh"), "");
}

TEST_F(EdfAnnotations, ValuesAreExpandedInTheHostEnvironment) {
    std::string path = edf("a", "image = \"x\"\n[annotations.com.hooks.ssh]\nauthorize_ssh_key = \"${HOME}/.ssh/id.pub\"\n"
                                "port = \"${SLURM_PROCID}\"\n");
    EXPECT_FALSE(load("a"));
    EXPECT_EQ(first_error(), path + ":4: annotations.com.hooks.ssh.port: SLURM_PROCID differs per task and cannot be "
                                    "used here; the container is shared by the node's tasks");
    edf("a", "image = \"x\"\n[annotations.com.hooks.ssh]\nauthorize_ssh_key = \"${HOME}/.ssh/id.pub\"\n");
    auto env = load("a");
    ASSERT_TRUE(env) << first_error();
    EXPECT_EQ(env->annotations.at("com.hooks.ssh.authorize_ssh_key").value, home + "/.ssh/id.pub");
}

TEST_F(EdfAnnotations, LaterFilesWinPerKey) {
    edf("base", "image = \"x\"\n[annotations.com.hooks.ssh]\nenabled = \"true\"\nport = \"1\"\n");
    std::string app = edf("app", "base_environment = \"base\"\nannotations.com.hooks.ssh.port = \"2\"\n");
    auto env = load("app");
    ASSERT_TRUE(env) << first_error();
    EXPECT_EQ(env->annotations.at("com.hooks.ssh.enabled").value, "true");
    EXPECT_EQ(env->annotations.at("com.hooks.ssh.port").value, "2");
    EXPECT_EQ(env->annotations.at("com.hooks.ssh.port").origin.str(), app + ":2");
}

}  // namespace
}  // namespace skiff::edf

namespace skiff::edf {
namespace {

TEST(EdfAnnotationNames, EnvironmentNameForExternalHooks) {
    EXPECT_EQ(annotation_env_name("com.hooks.ssh.port"), "OCI_ANNOTATION_com__hooks__ssh__port");
    EXPECT_EQ(annotation_env_name("org.my-hook.x"), "OCI_ANNOTATION_org__my_hook__x");
}

TEST(EdfAnnotationNames, HostVariablesAreIgnoredWithOneWarning) {
    EXPECT_EQ(host_annotation_warning({{"HOME", "/h"}, {"OCI_ANNOTATIONS", "x"}}), "");
    EXPECT_EQ(host_annotation_warning({{"OCI_ANNOTATION_com__hooks__ssh__enabled", "true"},
                                       {"OCI_ANNOTATION_x", "1"},
                                       {"PATH", "/bin"}}),
              "ignoring host variables OCI_ANNOTATION_com__hooks__ssh__enabled (annotation com.hooks.ssh.enabled), "
              "OCI_ANNOTATION_x (annotation x); annotations come only from the EDF and --annotation, so set them "
              "under [annotations]");
}

}  // namespace
}  // namespace skiff::edf
