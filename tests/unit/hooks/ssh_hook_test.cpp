#include "hooks/ssh/ssh_files.hpp"
#include "hooks/ssh/ssh_hook.hpp"

#include <gtest/gtest.h>

namespace skiff::hooks {
namespace {

edf::Environment with(std::map<std::string, std::string> annotations) {
    edf::Environment environment;
    for (auto& [key, value] : annotations) environment.annotations[key] = {value, {"/u/job.toml", 3}};
    return environment;
}

TEST(SshHook, OffByDefault) {
    auto out = ssh_settings({}, false);
    ASSERT_TRUE(out);
    EXPECT_FALSE(out->has_value());
}

TEST(SshHook, ReadsKeyAndDefaultPort) {
    auto out = ssh_settings(with({{"com.hooks.ssh.enabled", "true"}, {"com.hooks.ssh.authorize_ssh_key", "/u/.ssh/id.pub"}}), false);
    ASSERT_TRUE(out) << out.error().message;
    ASSERT_TRUE(out->has_value());
    EXPECT_EQ((*out)->port, 15263);
    EXPECT_EQ((*out)->key_file, "/u/.ssh/id.pub");
}

TEST(SshHook, RefusesBadSettings) {
    auto on = std::map<std::string, std::string>{{"com.hooks.ssh.enabled", "true"}};
    EXPECT_NE(ssh_settings(with(on), false).error().message.find("authorize_ssh_key"), std::string::npos);
    on["com.hooks.ssh.authorize_ssh_key"] = "ssh-ed25519 AAAA";
    EXPECT_NE(ssh_settings(with(on), false).error().message.find("not an absolute path"), std::string::npos);
    on["com.hooks.ssh.authorize_ssh_key"] = "/k.pub";
    on["com.hooks.ssh.port"] = "70000";
    EXPECT_NE(ssh_settings(with(on), false).error().message.find("/u/job.toml:3: annotation com.hooks.ssh.port"),
              std::string::npos);
    on["com.hooks.ssh.port"] = "2222";
    EXPECT_EQ(ssh_settings(with(on), false).value()->port, 2222);
    EXPECT_NE(ssh_settings(with(on), true).error().message.find("--root"), std::string::npos);
}

TEST(SshHook, KeyFileNeedsAPublicKeyLine) {
    EXPECT_TRUE(check_public_keys("# mine\nssh-ed25519 AAAAC3 me@x\n", "/k.pub"));
    auto r = check_public_keys("-----BEGIN OPENSSH PRIVATE KEY-----\n", "/k");
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().message.find("'/k' holds no public key line"), std::string::npos);
}

TEST(SshEnvironmentFile, SingleQuotesEveryValueAndNothingElse) {
    EnvMap env{{"NCCL_NET", "AWS Libfabric"}, {"Q", "it's \"x\" $HOME `id` $(id) \\\\ a=b\nline2 \xc3\xa9"}};
    EXPECT_EQ(ssh_environment_file(env),
              "export NCCL_NET='AWS Libfabric'\n"
              "export Q='it'\\''s \"x\" $HOME `id` $(id) \\\\ a=b\nline2 \xc3\xa9'\n");
}

TEST(SshEnvironmentFile, LeavesOutWhatTheSessionOrTheTaskOwns) {
    for (const char* name : {"HOME", "USER", "SHELL", "TERM", "SSH_CONNECTION", "SSH_TTY", "BASH_FUNC_x%%", "UID",
                             "PMIX_RANK", "PMI_FD", "SLURM_PROCID", "SLURM_LOCALID", "SLURM_STEP_ID", "SLURM_TASK_PID",
                             "1X", "A-B"})
        EXPECT_FALSE(ssh_keeps_variable(name)) << name;
    for (const char* name : {"PATH", "SLURM_JOB_ID", "NCCL_NET", "_X", "LD_LIBRARY_PATH"})
        EXPECT_TRUE(ssh_keeps_variable(name)) << name;
}

TEST(SshdConfig, EveryPathIsAbsoluteAndTheKeyLivesOutsideHome) {
    auto config = sshd_config(2222);
    EXPECT_NE(config.find("Port 2222\n"), std::string::npos);
    EXPECT_NE(config.find("AuthorizedKeysFile /.skiff/ssh/authorized_keys\n"), std::string::npos);
    EXPECT_NE(config.find("ForceCommand /.skiff/ssh/session\n"), std::string::npos);
    EXPECT_NE(config.find("StrictModes no\n"), std::string::npos);
}

TEST(SshdConfig, VersionOptionsOnlyForTheVersionsThatKnowThem) {
    // 9.2 stops at start-up on an option it does not know ("Bad configuration option").
    for (const char* option : {"SshdSessionPath", "SshdAuthPath", "PerSourcePenalties"})
        EXPECT_EQ(sshd_config(2222, ssh::features_of({9, 2})).find(option), std::string::npos) << option;
    auto v98 = sshd_config(2222, ssh::features_of({9, 8}));
    EXPECT_NE(v98.find("SshdSessionPath /.skiff/ssh/sshd-session\n"), std::string::npos);
    EXPECT_NE(v98.find("PerSourcePenalties no\n"), std::string::npos);
    EXPECT_EQ(v98.find("SshdAuthPath"), std::string::npos);
    auto v10 = sshd_config(2222, ssh::features_of({10, 0}));
    EXPECT_NE(v10.find("SshdSessionPath /.skiff/ssh/sshd-session\n"), std::string::npos);
    EXPECT_NE(v10.find("SshdAuthPath /.skiff/ssh/sshd-auth\n"), std::string::npos);
}

TEST(SshScripts, LoaderScriptReexecsThroughItself) {
    EXPECT_EQ(ssh_loader_script("ld-linux-x86-64.so.2", "sshd", "/.skiff/ssh/sshd"),
              "#!/bin/sh\nexec /.skiff/ssh/host/ld-linux-x86-64.so.2 --inhibit-cache --library-path "
              "/.skiff/ssh/host/lib --argv0 /.skiff/ssh/sshd /.skiff/ssh/host/sshd \"$@\"\n");
}

TEST(SshScripts, ProfileSnippetSourcesTheEnvironmentOnlyInSshSessions) {
    EXPECT_EQ(ssh_profile_snippet(),
              "# skiff: SSH sessions keep the container's environment (com.hooks.ssh)\n"
              "if [ -n \"${SSH_CONNECTION:-}\" ] && [ -r /.skiff/ssh/environment ]; then . /.skiff/ssh/environment; fi\n");
}

}  // namespace
}  // namespace skiff::hooks
