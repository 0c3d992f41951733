// The options of `skiff run` that the README's table lists, each end to end: --entrypoint and
// --no-entrypoint, -w, -m, -v and --env K= (unset).
#include "tests/support/launch_fixture.hpp"

namespace skiff::test {
namespace {

class RunOptionsTest : public NsTest {
protected:
    // musl.sqsh's root plus /.skiff/image-metadata with an entrypoint and a cmd, as the
    // converter writes it for an OCI image.
    std::string image_with_entrypoint() {
        std::string meta = dir_.write_file("meta", "skiff-image-metadata 1\nentrypoint /bin/echo\n"
                                                   "entrypoint from-entrypoint\ncmd from-cmd\n");
        std::string out = dir_ / "entrypoint.sqsh";
        auto r = run_process({"mksquashfs", image("musl-rootfs"), out, "-noappend", "-quiet", "-no-progress", "-p",
                              "/.skiff d 755 0 0", "-p", "/.skiff/image-metadata f 644 0 0 cat " + meta});
        EXPECT_EQ(r.status, 0) << r;
        return out;
    }

    TempDir dir_{"runopts"};
};

TEST_F(RunOptionsTest, EntrypointPrefixesTheCommandAndRunsTheImagesCmdWithout) {
    auto sqsh = image_with_entrypoint();
    auto with_command = run_process({skiff_binary(), "run", "--entrypoint", "--image", sqsh, "--", "arg"});
    EXPECT_EQ(with_command.out, "from-entrypoint arg\n") << with_command;
    auto without_command = run_process({skiff_binary(), "run", "--entrypoint", "--image", sqsh});
    EXPECT_EQ(without_command.out, "from-entrypoint from-cmd\n") << without_command;
    auto off_by_default = run_process({skiff_binary(), "run", "--image", sqsh, "--", "/bin/echo", "plain"});
    EXPECT_EQ(off_by_default.out, "plain\n") << off_by_default;
}

TEST_F(RunOptionsTest, NoEntrypointOverridesTheEdf) {
    auto sqsh = image_with_entrypoint();
    auto edf = dir_.write_file("ep.toml", "image = \"" + sqsh + "\"\nentrypoint = true\n");
    auto on = run_process({skiff_binary(), "run", "-e", edf, "--", "arg"});
    EXPECT_EQ(on.out, "from-entrypoint arg\n") << on;
    auto off = run_process({skiff_binary(), "run", "-e", edf, "--no-entrypoint", "--", "/bin/echo", "direct"});
    EXPECT_EQ(off.out, "direct\n") << off;
}

TEST_F(RunOptionsTest, ShortWorkdirAndMount) {
    auto file = dir_.write_file("host/greeting", "hello\n");
    auto r = run_process({skiff_binary(), "run", "-w", "/etc", "-m", dir_ / "host" + ":/data:ro", "--image",
                          image("musl.sqsh"), "--", "/bin/sh", "-c", "pwd; cat /data/greeting"});
    EXPECT_EQ(r.status, 0) << r;
    EXPECT_EQ(r.out, "/etc\nhello\n") << r;
}

TEST_F(RunOptionsTest, VerboseTimesEachStep) {
    auto quiet = run_in(image("musl.sqsh"), {}, {"true"});
    EXPECT_EQ(quiet.err, "") << quiet;
    // A variable no earlier launch had: a plan of its own, not one the plan memory holds.
    const std::vector<std::string> fresh = {"-v", "--env", "SKIFF_TEST_FRESH=" + dir_.path()};
    auto r = run_in(image("musl.sqsh"), fresh, {"true"});
    ASSERT_EQ(r.status, 0) << r;
    for (const char* step : {" ms] loaded the environment\n", " ms] planned the launch\n", " ms] exec /bin/true\n"})
        EXPECT_NE(r.err.find(step), std::string::npos) << step << "\n" << r;
    auto again = run_in(image("musl.sqsh"), fresh, {"true"});
    ASSERT_EQ(again.status, 0) << again;
    for (const char* step : {" ms] recalled the plan remembered in ", " ms] exec /bin/true\n"})
        EXPECT_NE(again.err.find(step), std::string::npos) << step << "\n" << again;
}

// K= unsets a variable, whether it came from the image (/etc/environment) or from the host.
TEST_F(RunOptionsTest, AnEmptyEnvValueUnsetsTheVariable) {
    RunOptions o;
    o.env = current_environment();
    (*o.env)["SKIFF_TEST_HOST_VAR"] = "from-host";
    const std::string script = "echo ${FIXTURE_IMAGE_VAR-unset} ${SKIFF_TEST_HOST_VAR-unset}";
    auto kept = sh(image("musl.sqsh"), script, {}, o);
    EXPECT_EQ(kept.out, "from-image from-host\n") << kept;
    auto unset = sh(image("musl.sqsh"), script, {"--env", "FIXTURE_IMAGE_VAR=", "--env", "SKIFF_TEST_HOST_VAR="}, o);
    EXPECT_EQ(unset.out, "unset unset\n") << unset;
}

}  // namespace
}  // namespace skiff::test
