// `skiff edf check` fails every EDF that `skiff run` would refuse before the command starts,
// with the same message (issue 24, wrong 3), and a site configuration with a table skiff does
// not read stops both (wrong 2).
#include "tests/support/launch_fixture.hpp"

namespace skiff::test {
namespace {

class EdfCheck : public NsTest {
protected:
    void SetUp() override {
        NsTest::SetUp();
        if (IsSkipped()) return;
        options_.env = current_environment();
        (*options_.env)["SKIFF_CONFIG"] = dir_.write_file("skiff.toml", "");
        options_.env->erase("SKIFF_TEST_UNSET");
    }

    std::string edf(const std::string& body) {
        return dir_.write_file("job.toml", "image = \"" + image("musl.sqsh") + "\"\n" + body);
    }

    ProcessResult skiff(const std::vector<std::string>& args) {
        std::vector<std::string> argv{skiff_binary()};
        argv.insert(argv.end(), args.begin(), args.end());
        return run_process(argv, options_);
    }

    // `edf check` exits 1 and `run` 125, each with `message` in its one error line.
    void expect_both_refuse(const std::string& file, const std::string& message) {
        auto check = skiff({"edf", "check", file});
        EXPECT_EQ(check.status, 1) << check;
        EXPECT_NE(check.err.find("skiff: error: " + message), std::string::npos) << "expected: " << message << "\n" << check;
        auto run = skiff({"run", "-e", file, "--", "/bin/true"});
        EXPECT_EQ(run.status, 125) << run;
        EXPECT_NE(run.err.find(message), std::string::npos) << "expected: " << message << "\n" << run;
    }

    TempDir dir_{"edf-check"};
    RunOptions options_;
};

TEST_F(EdfCheck, GoodFilePassesBoth) {
    auto file = edf("[env]\nA = \"${HOME}\"\n[annotations]\ncom.hooks.cxi.enabled = \"false\"\n");
    auto check = skiff({"edf", "check", file});
    EXPECT_EQ(check.status, 0) << check;
    EXPECT_EQ(check.out, file + ": ok\n");
    auto run = skiff({"run", "-e", file, "--", "/bin/true"});
    EXPECT_EQ(run.status, 0) << run;
}

TEST_F(EdfCheck, BadSwitchValue) {
    auto file = edf("[annotations]\ncom.hooks.cxi.enabled = \"maybe\"\n");
    expect_both_refuse(file, file + ":3: annotation com.hooks.cxi.enabled = \"maybe\" is not a switch; use true or false");
}

TEST_F(EdfCheck, SshWithoutKey) {
    auto file = edf("[annotations.com.hooks.ssh]\nenabled = \"true\"\n");
    expect_both_refuse(file, "com.hooks.ssh.enabled needs com.hooks.ssh.authorize_ssh_key");
}

// The Slurm plugin's `--srun` adds one line when the EDF switches SSH on: srun then makes the
// step's keys (launcher/spank/job_ssh_keys.cpp).
TEST_F(EdfCheck, ForSrunItSaysWhetherSshIsOn) {
    auto key = dir_.write_file("id.pub", "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHVzZXI= me\n");
    auto plain = edf("");
    auto check = skiff({"edf", "check", "--srun", plain});
    EXPECT_EQ(check.status, 0) << check;
    EXPECT_EQ(check.out, plain + ": ok\n");
    auto with_ssh = dir_.write_file("ssh.toml", "image = \"" + image("musl.sqsh") + "\"\n[annotations.com.hooks.ssh]\n"
                                                "enabled = \"true\"\nauthorize_ssh_key = \"" + key + "\"\n");
    check = skiff({"edf", "check", "--srun", with_ssh});
    EXPECT_EQ(check.status, 0) << check;
    EXPECT_EQ(check.out, with_ssh + ": ok\nskiff: com.hooks.ssh is on\n");
    check = skiff({"edf", "check", with_ssh});
    EXPECT_EQ(check.out, with_ssh + ": ok\n") << "only srun asks";
}

TEST_F(EdfCheck, UnsetVariableInEnv) {
    auto file = edf("[env]\nX = \"${SKIFF_TEST_UNSET}\"\n");
    expect_both_refuse(file, file + ":3: env.X: variable 'SKIFF_TEST_UNSET' is not set");
}

TEST_F(EdfCheck, UnknownSiteTable) {
    auto site = dir_.write_file("skiff.toml", "[hooks.standard]\nhome = false\n[hooks.standrad]\nshm = false\n");
    expect_both_refuse(edf(""), site + ":3: unknown table [hooks.standrad] (did you mean 'hooks.standard'?)");
}

}  // namespace
}  // namespace skiff::test
