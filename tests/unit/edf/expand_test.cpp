#include "launcher/edf/expand.hpp"

#include <gtest/gtest.h>

namespace skiff::edf {
namespace {

const EnvMap kEnv{{"HOME", "/users/alice"}, {"EMPTY", ""}, {"SCRATCH", "/scratch/alice"}, {"SLURM_PROCID", "3"}};

std::string ok(std::string_view text, const ExpandOptions& options = {}) {
    auto result = expand(text, kEnv, options);
    EXPECT_TRUE(result) << text << ": " << (result ? "" : result.error().message);
    return result ? result->value : "<error>";
}

std::string err(std::string_view text, const ExpandOptions& options = {}) {
    auto result = expand(text, kEnv, options);
    EXPECT_FALSE(result) << text << " expanded to " << (result ? result->value : "");
    return result ? "<no error>" : result.error().message;
}

TEST(Expand, PlainTextIsUnchanged) {
    EXPECT_EQ(ok(""), "");
    EXPECT_EQ(ok("/store/images/x.sqsh"), "/store/images/x.sqsh");
    EXPECT_EQ(ok("`id` and ~"), "`id` and ~");  // backticks are ordinary characters
}

TEST(Expand, DoubleDollarIsALiteralDollar) {
    EXPECT_EQ(ok("$${HOME}"), "${HOME}");
    EXPECT_EQ(ok("$$HOME"), "$HOME");
    EXPECT_EQ(ok("a$$$$b"), "a$$b");
    EXPECT_EQ(ok("write results to $${SCRATCH}"), "write results to ${SCRATCH}");
}

TEST(Expand, BracedNameTakesTheValue) {
    EXPECT_EQ(ok("${HOME}"), "/users/alice");
    EXPECT_EQ(ok("${SCRATCH}/cases/${HOME}x"), "/scratch/alice/cases//users/alicex");
}

TEST(Expand, SetButEmptyIsFine) { EXPECT_EQ(ok("a${EMPTY}b"), "ab"); }

TEST(Expand, UnsetNameIsAnError) {
    EXPECT_EQ(err("${SCRATCH}/cases/${CASE}"),
              "variable 'CASE' is not set; use ${CASE:-VALUE} for a default or $${CASE} for literal text");
}

TEST(Expand, DefaultWordWhenUnsetOrEmpty) {
    EXPECT_EQ(ok("${IMAGE_DIR:-/store/images}/s.sqsh"), "/store/images/s.sqsh");
    EXPECT_EQ(ok("${EMPTY:-fallback}"), "fallback");
    EXPECT_EQ(ok("${HOME:-fallback}"), "/users/alice");
    EXPECT_EQ(ok("${NOPE:-}x"), "x");
    EXPECT_EQ(ok("${NOPE:-a b.c/d-e}"), "a b.c/d-e");
}

TEST(Expand, BareNameIsAnError) {
    EXPECT_EQ(err("$HOME/x"), "'$HOME' is not expanded; write ${HOME}, or $$HOME for literal text");
    EXPECT_EQ(err("x$_a1"), "'$_a1' is not expanded; write ${_a1}, or $$_a1 for literal text");
}

TEST(Expand, LoneDollarIsLiteral) {
    EXPECT_EQ(ok("5 $ per node-hour"), "5 $ per node-hour");
    EXPECT_EQ(ok("cost$"), "cost$");
    EXPECT_EQ(ok("$1 $. $- $} $/ $:"), "$1 $. $- $} $/ $:");
}

TEST(Expand, UnsupportedShellFormsAreErrors) {
    EXPECT_EQ(err("${X:=y}"), "'${X:=y}' is not supported; only ${X} and ${X:-default}");
    EXPECT_EQ(err("${X-y}"), "'${X-y}' is not supported; only ${X} and ${X:-default}");
    EXPECT_EQ(err("${X:?}"), "'${X:?}' is not supported; only ${X} and ${X:-default}");
    EXPECT_EQ(err("a${}b"), "'${}' is not supported; only ${X} and ${X:-default}");
    EXPECT_EQ(err("${1X}"), "'${1X}' is not supported; only ${X} and ${X:-default}");
    EXPECT_EQ(err("${X:-a$b}"), "'${X:-a$b}' is not supported; only ${X} and ${X:-default}");
}

TEST(Expand, NestingIsAnError) { EXPECT_FALSE(expand("${X:-${HOME}}", kEnv)); }

TEST(Expand, CommandSubstitutionIsAnErrorAndNeverRuns) {
    EXPECT_EQ(err("a$(id -u)b"), "'$(id -u)' is not supported; only ${X} and ${X:-default}");
    EXPECT_EQ(err("$(id"), "'$(id' is not supported; only ${X} and ${X:-default}");
}

TEST(Expand, UnterminatedBraceGivesTheColumn) {
    EXPECT_EQ(err("ab${X"), "unterminated '${' at column 3");
    EXPECT_EQ(err("${"), "unterminated '${' at column 1");
}

TEST(Expand, PerTaskVariablesAreErrorsWhenForbidden) {
    ExpandOptions shared{.forbid_per_task = true};
    std::string message = "SLURM_PROCID differs per task and cannot be used here; the container is shared by the node's tasks";
    EXPECT_EQ(err("/out/${SLURM_PROCID}", shared), message);
    EXPECT_EQ(err("/out/${SLURM_PROCID:-0}", shared), message);
    for (const char* name : {"SLURM_LOCALID", "SLURM_TASK_PID", "PMIX_RANK", "PMI_RANK", "PMI_FD"})
        EXPECT_FALSE(expand("${" + std::string(name) + ":-x}", kEnv, shared)) << name;
    EXPECT_EQ(ok("/out/${SLURM_PROCID}"), "/out/3");  // allowed in [env]
}

TEST(Expand, UnsetSlurmVariablesCanBeDeferred) {
    ExpandOptions srun{.defer_unset_slurm = true};
    auto deferred = expand("/scratch/${SLURM_JOB_ID}/x", kEnv, srun);
    ASSERT_TRUE(deferred);
    EXPECT_EQ(deferred->value, "/scratch/${SLURM_JOB_ID}/x");
    EXPECT_TRUE(deferred->deferred);
    EXPECT_FALSE(expand("${CASE}", kEnv, srun));
    EXPECT_FALSE(expand("/scratch/${SLURM_JOB_ID}", kEnv));
    auto set = expand("${SLURM_JOB_ID:-none}", kEnv, srun);
    ASSERT_TRUE(set);
    EXPECT_EQ(set->value, "none");
    EXPECT_FALSE(set->deferred);
}

TEST(Expand, SyntaxOnlyLooksNothingUp) {
    ExpandOptions syntax{.syntax_only = true};
    EXPECT_EQ(ok("/opt/bin:${PATH}:${UNSET:-x}", syntax), "/opt/bin:${PATH}:${UNSET:-x}");
    EXPECT_EQ(ok("${SLURM_PROCID}", syntax), "${SLURM_PROCID}");
    EXPECT_FALSE(expand("$PATH", kEnv, syntax));
    EXPECT_FALSE(expand("${X:=1}", kEnv, syntax));
    EXPECT_FALSE(expand("${X", kEnv, syntax));
}

TEST(Expand, Helpers) {
    EXPECT_TRUE(is_identifier("_A1"));
    EXPECT_FALSE(is_identifier("1A"));
    EXPECT_FALSE(is_identifier(""));
    EXPECT_FALSE(is_identifier("A-B"));
    EXPECT_TRUE(is_per_task_variable("PMI_FD"));
    EXPECT_FALSE(is_per_task_variable("SLURM_JOB_ID"));
}

}  // namespace
}  // namespace skiff::edf
