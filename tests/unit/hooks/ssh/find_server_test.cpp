// Finding the host's OpenSSH server programs (hooks/ssh/find_server, server_layouts, ssh_site):
// Debian 12 and 13, RHEL and SUSE layouts, the site table, and the one-line failures.
#include "hooks/ssh/find_server.hpp"

#include <gtest/gtest.h>

#include "tests/unit/hooks/site_text.hpp"
#include "tests/unit/hooks/ssh/host_tree.hpp"

namespace skiff::hooks::ssh {
namespace {

using testing::HostTree;

Result<ServerPrograms> find(const HostTree& host, const std::string& site_toml = "") {
    auto config = test::site_text(site_toml);
    auto site = read_ssh_site(&config, host.view());
    if (!site) return Unexpected(site.error());
    return find_ssh_server(*site, host.view());
}

std::string path_of(const ServerPrograms& found, Program program) { return found.path(program).value_or("(none)"); }

void debian13(const HostTree& host) {
    const std::string dir = "/usr/lib/openssh/";
    host.program("/usr/sbin/sshd", HostTree::sshd_bytes("10.0", std::string("/usr/lib/openssh/sshd-session") + '\0' +
                                                                    "/usr/lib/openssh/sshd-auth"));
    host.program(dir + "sshd-session");
    host.program(dir + "sshd-auth");
    host.program(dir + "sftp-server");
    host.file("/etc/ssh/sshd_config", "Include /etc/ssh/sshd_config.d/*.conf\nSubsystem\tsftp\t/usr/lib/openssh/sftp-server\n");
}

TEST(SshServerLayouts, FallbackListsCoverEachFamily) {
    for (const char* dir : {"/usr/lib/openssh/", "/usr/libexec/openssh/", "/usr/lib/ssh/", "/usr/libexec/ssh/"}) {
        HostTree host;
        host.program(std::string(dir) + "sftp-server");
        host.program("/usr/lib/ssh/unrelated");
        EXPECT_EQ(first_existing(Program::sftp_server, host.view()), std::string(dir) + "sftp-server");
        EXPECT_FALSE(first_existing(Program::sshd_session, host.view()));
    }
    HostTree host;
    host.file("/usr/libexec/openssh/sftp-server", "not executable");
    EXPECT_FALSE(first_existing(Program::sftp_server, host.view()));
    EXPECT_EQ(program_info(Program::sshd_auth).site_key, std::string("sshd_auth"));
}

TEST(FindSshServer, Debian12) {
    HostTree host;
    host.program("/usr/sbin/sshd", HostTree::sshd_bytes("9.2"));
    host.program("/usr/lib/openssh/sftp-server");
    host.file("/etc/ssh/sshd_config", "Subsystem sftp /usr/lib/openssh/sftp-server\n");
    auto found = find(host);
    ASSERT_TRUE(found) << found.error().message;
    EXPECT_EQ(found->version, (SshdVersion{9, 2}));
    EXPECT_EQ(path_of(*found, Program::sshd), "/usr/sbin/sshd");
    EXPECT_EQ(path_of(*found, Program::sftp_server), "/usr/lib/openssh/sftp-server");
    EXPECT_FALSE(found->path(Program::sshd_session)) << "9.2 runs no sshd-session";
    EXPECT_FALSE(found->path(Program::sshd_auth));
}

TEST(FindSshServer, Debian13FromConfigAndCompiledInPaths) {
    HostTree host;
    debian13(host);
    auto found = find(host);
    ASSERT_TRUE(found) << found.error().message;
    EXPECT_EQ(found->version, (SshdVersion{10, 0}));
    EXPECT_EQ(path_of(*found, Program::sshd_session), "/usr/lib/openssh/sshd-session");
    EXPECT_EQ(path_of(*found, Program::sshd_auth), "/usr/lib/openssh/sshd-auth");
    EXPECT_EQ(path_of(*found, Program::sftp_server), "/usr/lib/openssh/sftp-server");
    std::string notes;
    for (const auto& n : found->notes) notes += n + "\n";
    EXPECT_NE(notes.find("sshd-session: /usr/lib/openssh/sshd-session (compiled into /usr/sbin/sshd)"), std::string::npos) << notes;
    EXPECT_NE(notes.find("sftp-server: /usr/lib/openssh/sftp-server (Subsystem sftp at /etc/ssh/sshd_config:2)"),
              std::string::npos) << notes;
}

TEST(FindSshServer, ConfigWinsOverCompiledInAndMissingConfigPathsArePassedOver) {
    HostTree host;
    debian13(host);
    host.program("/opt/ssh/sshd-session");
    host.file("/etc/ssh/sshd_config.d/local.conf", "SshdSessionPath /opt/ssh/sshd-session\nSshdAuthPath /gone/sshd-auth\n");
    auto found = find(host);
    ASSERT_TRUE(found) << found.error().message;
    EXPECT_EQ(path_of(*found, Program::sshd_session), "/opt/ssh/sshd-session");
    EXPECT_EQ(path_of(*found, Program::sshd_auth), "/usr/lib/openssh/sshd-auth");
    std::string notes;
    for (const auto& n : found->notes) notes += n + "\n";
    EXPECT_NE(notes.find("passed over /gone/sshd-auth (SshdAuthPath at /etc/ssh/sshd_config.d/local.conf:2)"),
              std::string::npos) << notes;
}

TEST(FindSshServer, RhelLayoutThroughTheFallbackList) {
    // The Debian sftp-server moved to RHEL's place, and no config names it (RHEL's sshd_config
    // is 0600, so an unprivileged user often reads none).
    HostTree host;
    host.program("/usr/sbin/sshd", HostTree::sshd_bytes("9.9", "/usr/libexec/openssh/sshd-session"));
    host.program("/usr/libexec/openssh/sshd-session");
    host.program("/usr/libexec/openssh/sftp-server");
    auto found = find(host);
    ASSERT_TRUE(found) << found.error().message;
    EXPECT_EQ(path_of(*found, Program::sshd_session), "/usr/libexec/openssh/sshd-session");
    EXPECT_EQ(path_of(*found, Program::sftp_server), "/usr/libexec/openssh/sftp-server");
    EXPECT_FALSE(found->path(Program::sshd_auth)) << "9.9 runs no sshd-auth";
}

TEST(FindSshServer, SuseLayoutWithInternalSftpInTheConfig) {
    HostTree host;
    host.program("/usr/sbin/sshd", HostTree::sshd_bytes("9.6"));
    host.program("/usr/lib/ssh/sftp-server");
    host.file("/usr/etc/ssh/sshd_config", "Subsystem sftp internal-sftp\n");
    auto found = find(host);
    ASSERT_TRUE(found) << found.error().message;
    EXPECT_EQ(path_of(*found, Program::sftp_server), "/usr/lib/ssh/sftp-server");
}

TEST(FindSshServer, SiteTableWinsAndSetsTheDefaultPort) {
    HostTree host;
    debian13(host);
    for (const char* p : {"/opt/site/sbin/sshd", "/opt/site/libexec/sshd-session", "/opt/site/libexec/sshd-auth",
                          "/opt/site/libexec/sftp-server"})
        host.program(p, HostTree::sshd_bytes("10.1"));
    auto config = test::site_text(
        "[hooks.ssh]\nsshd = \"/opt/site/sbin/sshd\"\nsshd_session = \"/opt/site/libexec/sshd-session\"\n"
        "sshd_auth = \"/opt/site/libexec/sshd-auth\"\nsftp_server = \"/opt/site/libexec/sftp-server\"\ndefault_port = 2200\n");
    auto site = read_ssh_site(&config, host.view());
    ASSERT_TRUE(site) << site.error().message;
    EXPECT_EQ(site->default_port, 2200);
    auto found = find_ssh_server(*site, host.view());
    ASSERT_TRUE(found) << found.error().message;
    EXPECT_EQ(found->version, (SshdVersion{10, 1}));
    EXPECT_EQ(path_of(*found, Program::sshd), "/opt/site/sbin/sshd");
    EXPECT_EQ(path_of(*found, Program::sshd_session), "/opt/site/libexec/sshd-session");
    EXPECT_EQ(path_of(*found, Program::sshd_auth), "/opt/site/libexec/sshd-auth");
    EXPECT_EQ(path_of(*found, Program::sftp_server), "/opt/site/libexec/sftp-server");
}

TEST(SshSiteTable, ErrorsNameTheFileAndKey) {
    HostTree host;
    auto error = [&](const std::string& toml) {
        auto config = test::site_text(toml);
        auto site = read_ssh_site(&config, host.view());
        return site ? std::string("(no error)") : site.error().message;
    };
    EXPECT_EQ(error("[hooks.ssh]\nsftp-server = \"/x\"\n"),
              "/etc/skiff/skiff.toml:2: hooks.ssh.sftp-server is not a setting (did you mean 'sftp_server'?); valid: sshd "
              "sshd_session sshd_auth sftp_server default_port");
    EXPECT_EQ(error("[hooks.ssh]\n\nsshd = \"/opt/none/sshd\"\n"),
              "/etc/skiff/skiff.toml:3: hooks.ssh.sshd: '/opt/none/sshd' is not an executable file on this node; fix the "
              "path or remove the key");
    EXPECT_EQ(error("[hooks.ssh]\nsshd_session = \"libexec/sshd-session\"\n"),
              "/etc/skiff/skiff.toml:2: hooks.ssh.sshd_session must be an absolute path, not 'libexec/sshd-session'");
    EXPECT_EQ(error("[hooks.ssh]\nsftp_server = 3\n"), "/etc/skiff/skiff.toml:2: hooks.ssh.sftp_server must be a string");
    EXPECT_EQ(error("[hooks.ssh]\ndefault_port = 70000\n"),
              "/etc/skiff/skiff.toml:2: hooks.ssh.default_port must be a whole number from 1 to 65535");
    EXPECT_EQ(error("[hooks.ssh]\ndefault_port = \"22\"\n"),
              "/etc/skiff/skiff.toml:2: hooks.ssh.default_port must be a whole number from 1 to 65535");
    EXPECT_EQ(error("[hooks]\nssh = 1\n"), "/etc/skiff/skiff.toml:2: 'hooks.ssh' must be a table");
}

TEST(FindSshServerFails, NoSshdSaysWhereItLookedAndWhichKeyFixesIt) {
    HostTree host;
    auto found = find(host);
    ASSERT_FALSE(found);
    EXPECT_EQ(found.error().message,
              "com.hooks.ssh: no usable OpenSSH server on this node: the SSH hook runs sshd, which is not at /usr/sbin/sshd, "
              "/usr/bin/sshd, /usr/local/sbin/sshd; install openssh-server, or set sshd in [hooks.ssh] of "
              "/etc/skiff/skiff.toml");
}

TEST(FindSshServerFails, NoSessionProgramForA98Server) {
    HostTree host;
    host.program("/usr/sbin/sshd", HostTree::sshd_bytes("9.8", "/usr/lib/openssh/sshd-session"));
    host.program("/usr/lib/openssh/sftp-server");
    auto found = find(host);
    ASSERT_FALSE(found);
    EXPECT_EQ(found.error().message,
              "com.hooks.ssh: no usable OpenSSH server on this node: OpenSSH 9.8 runs sshd-session, which is not at "
              "/usr/lib/openssh/sshd-session (compiled into /usr/sbin/sshd), /usr/lib/openssh/sshd-session, "
              "/usr/libexec/openssh/sshd-session, /usr/lib/ssh/sshd-session, /usr/libexec/ssh/sshd-session, "
              "/usr/libexec/sshd-session, /usr/local/libexec/sshd-session; install openssh-server, or set sshd_session "
              "in [hooks.ssh] of /etc/skiff/skiff.toml");
}

TEST(FindSshServerFails, NoSftpServerAndNoVersion) {
    HostTree host;
    host.program("/usr/sbin/sshd", HostTree::sshd_bytes("9.2"));
    auto found = find(host);
    ASSERT_FALSE(found);
    EXPECT_NE(found.error().message.find("sftp needs sftp-server, which is not at /usr/lib/openssh/sftp-server, "),
              std::string::npos) << found.error().message;
    EXPECT_NE(found.error().message.find("set sftp_server in [hooks.ssh]"), std::string::npos);

    HostTree dropbear;
    dropbear.program("/usr/sbin/sshd", "\x7f" "ELF Dropbear sshd v2022.83");
    found = find(dropbear);
    ASSERT_FALSE(found);
    EXPECT_EQ(found.error().message,
              "com.hooks.ssh: '/usr/sbin/sshd' holds no OpenSSH version string (OpenSSH_X.Y); it is not OpenSSH's sshd; "
              "set sshd in [hooks.ssh] of /etc/skiff/skiff.toml");
}

TEST(FindSshServerFails, AHostileHostConfigIsOneLine) {
    HostTree host;
    debian13(host);
    host.file("/etc/ssh/sshd_config.d/loop.conf", "Include /etc/ssh/sshd_config.d/loop.conf\n");
    auto found = find(host);
    ASSERT_FALSE(found);
    EXPECT_EQ(found.error().message.rfind("com.hooks.ssh: /etc/ssh/sshd_config.d/loop.conf:1: Include nests deeper", 0), 0u)
        << found.error().message;
}

}  // namespace
}  // namespace skiff::hooks::ssh
