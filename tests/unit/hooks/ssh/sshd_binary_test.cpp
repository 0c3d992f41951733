// Reading the host sshd's version and compiled-in paths from its bytes (hooks/ssh/sshd_binary,
// sshd_version): nothing is run.
#include "hooks/ssh/sshd_binary.hpp"

#include <gtest/gtest.h>

#include "tests/unit/hooks/ssh/host_tree.hpp"

namespace skiff::hooks::ssh {
namespace {

using testing::HostTree;

TEST(OpensshVersion, ReleaseStringsAndNotCompatPatterns) {
    EXPECT_EQ(parse_openssh_version("OpenSSH_9.2p1"), (SshdVersion{9, 2}));
    EXPECT_EQ(parse_openssh_version("OpenSSH_9.2"), (SshdVersion{9, 2}));
    EXPECT_EQ(parse_openssh_version("OpenSSH_10.0p2 Debian-7+deb13u4"), (SshdVersion{10, 0}));
    EXPECT_EQ(parse_openssh_version("OpenSSH_8.7p1"), (SshdVersion{8, 7}));
    for (const char* text : {"OpenSSH_7.4*", "OpenSSH_6.6.1*", "OpenSSH_2.*,OpenSSH_3.0*", "OpenSSH_5*", "OpenSSH_",
                             "OpenSSH_9.", "OpenSSH_9.2x", "OpenSSH_9.2p", "xOpenSSH_9.2p1", "OpenSSH_99999.1p1"})
        EXPECT_FALSE(parse_openssh_version(text)) << text;
}

TEST(OpensshVersion, FeaturesByVersion) {
    auto f = features_of({9, 2});
    EXPECT_FALSE(f.session_program || f.auth_program || f.per_source_penalties);
    f = features_of({9, 8});
    EXPECT_TRUE(f.session_program && f.per_source_penalties);
    EXPECT_FALSE(f.auth_program);
    f = features_of({10, 0});
    EXPECT_TRUE(f.session_program && f.auth_program && f.per_source_penalties);
    EXPECT_TRUE(features_of({8, 9}).session_program == false);
}

TEST(SshdBinaryScan, FindsVersionAndCompiledInPaths) {
    std::string bytes = HostTree::sshd_bytes("10.0", std::string("/usr/lib/openssh/sshd-session") + '\0' +
                                                         "/usr/lib/openssh/sshd-auth" + '\0' + "sshd-session");
    auto facts = scan_sshd_bytes(bytes);
    EXPECT_EQ(facts.version, (SshdVersion{10, 0}));
    EXPECT_EQ(facts.session_path, "/usr/lib/openssh/sshd-session");
    EXPECT_EQ(facts.auth_path, "/usr/lib/openssh/sshd-auth");
}

TEST(SshdBinaryScan, StringsAtTheEdgesOfTheFile) {
    auto facts = scan_sshd_bytes("OpenSSH_9.8p1");
    EXPECT_EQ(facts.version, (SshdVersion{9, 8}));
    facts = scan_sshd_bytes(std::string("\x01/opt/ssh/libexec/sshd-auth"));
    EXPECT_EQ(facts.auth_path, "/opt/ssh/libexec/sshd-auth");
    EXPECT_FALSE(facts.version);
}

TEST(SshdBinaryScan, NoVersionInOtherFilesAndOverlongOrPrefixedStringsIgnored) {
    std::string bytes = std::string(10000, 'A') + "OpenSSH_9.9p1";  // one run of 10013 printable bytes
    bytes += std::string(1, '\0') + "/usr/lib/openssh/sshd-session-old" + std::string(1, '\0') + "xOpenSSH_9.9p1";
    bytes += std::string(1, '\0') + "see /usr/lib/openssh/sshd-session" + std::string(1, '\0') + "sshd-auth";
    auto facts = scan_sshd_bytes(bytes);
    EXPECT_FALSE(facts.version);
    EXPECT_FALSE(facts.session_path);
    EXPECT_FALSE(facts.auth_path);
    EXPECT_FALSE(scan_sshd_bytes("").version);
}

TEST(SshdBinaryFile, ReadsTheFileAndRefusesNonFiles) {
    HostTree host;
    host.program("/usr/sbin/sshd", HostTree::sshd_bytes("9.2"));
    auto facts = read_sshd_binary(host.view(), "/usr/sbin/sshd");
    ASSERT_TRUE(facts) << facts.error().message;
    EXPECT_EQ(facts->version, (SshdVersion{9, 2}));
    EXPECT_FALSE(facts->session_path);
    host.file("/usr/sbin/dir/x", "");
    EXPECT_FALSE(read_sshd_binary(host.view(), "/usr/sbin/dir"));
    auto missing = read_sshd_binary(host.view(), "/usr/sbin/none");
    ASSERT_FALSE(missing);
    EXPECT_EQ(missing.error().message, "com.hooks.ssh: cannot read '/usr/sbin/none': No such file or directory");
}

}  // namespace
}  // namespace skiff::hooks::ssh
