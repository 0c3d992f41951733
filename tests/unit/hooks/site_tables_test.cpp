// README "Site configuration": a table or top-level key skiff does not read is an error naming
// the file, line and table, not a typo ignored in silence (issue 24, wrong 2).
#include <gtest/gtest.h>

#include "hooks/hook.hpp"
#include "tests/unit/hooks/site_text.hpp"

namespace skiff::hooks {
namespace {

std::string error_of(const std::string& text) {
    auto r = check_site_tables(test::site_text(text));
    return r ? std::string("no error") : r.error().message;
}

TEST(SiteTables, AreEachBuiltInHooksAndTheExternalHooks) {
    std::vector<std::string_view> want = {"hooks.standard", "hooks.cxi", "hooks.aws_ofi_nccl", "hooks.cdi",
                                          "hooks.nvidia", "hooks.ssh", "hooks.external"};
    EXPECT_EQ(site_tables(), want);
}

TEST(SiteTables, KnownTablesPass) {
    EXPECT_EQ(error_of("[hooks.standard]\nhome = true\n[hooks.external]\ntimeout_s = 5\n[hooks.cxi]\n"
                       "[hooks.aws_ofi_nccl.variants.rocm6]\ndirectory = \"/d\"\n[hooks.ssh]\n"),
              "no error");
    EXPECT_EQ(error_of(""), "no error");
}

TEST(SiteTables, MisspeltTableIsNamedWithItsLineAndTheTableMeant) {
    EXPECT_EQ(error_of("[hooks.standard]\nhome = true\n\n[hooks.standrad]\nshm = false\n"),
              "/etc/skiff/skiff.toml:4: unknown table [hooks.standrad] (did you mean 'hooks.standard'?); the site "
              "configuration holds only [hooks.standard], [hooks.cxi], [hooks.aws_ofi_nccl], [hooks.cdi], [hooks.nvidia], [hooks.ssh], "
              "[hooks.external]");
}

TEST(SiteTables, UnknownTableAndTopLevelKeyAreErrors) {
    EXPECT_TRUE(error_of("[hooks.bogus]\nx = 1\n").starts_with("/etc/skiff/skiff.toml:1: unknown table [hooks.bogus]; "))
        << error_of("[hooks.bogus]\nx = 1\n");
    EXPECT_TRUE(error_of("toplevel = 1\n").starts_with("/etc/skiff/skiff.toml:1: unknown key 'toplevel'; "))
        << error_of("toplevel = 1\n");
    EXPECT_TRUE(error_of("[other]\n").starts_with("/etc/skiff/skiff.toml:1: unknown table [other]; "));
    EXPECT_TRUE(error_of("[hooks]\ncxi_default = 1\n").starts_with("/etc/skiff/skiff.toml:2: unknown key 'hooks.cxi_default'"))
        << error_of("[hooks]\ncxi_default = 1\n");
}

}  // namespace
}  // namespace skiff::hooks
