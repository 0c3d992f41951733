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

TEST(SshdBinaryScanner, FindsVersionAndPathsAcrossPieceBoundaries) {
    std::string bytes = HostTree::sshd_bytes("10.0", std::string("/usr/lib/openssh/sshd-session") + '\0' +
                                                         "/usr/lib/openssh/sshd-auth" + '\0' + "sshd-session");
    for (std::size_t piece : {std::size_t{1}, std::size_t{3}, std::size_t{7}, bytes.size()}) {
        SshdBinaryScanner scanner;
        for (std::size_t at = 0; at < bytes.size(); at += piece) scanner.feed(std::string_view(bytes).substr(at, piece));
        auto facts = scanner.facts();
        EXPECT_EQ(facts.version, (SshdVersion{10, 0})) << piece;
        EXPECT_EQ(facts.session_path, "/usr/lib/openssh/sshd-session") << piece;
        EXPECT_EQ(facts.auth_path, "/usr/lib/openssh/sshd-auth") << piece;
    }
}

TEST(SshdBinaryScanner, NoVersionInOtherFilesAndOverlongStringsIgnored) {
    SshdBinaryScanner scanner;
    scanner.feed(std::string(10000, 'A') + "OpenSSH_9.9p1");  // one run of 10013 printable bytes
    scanner.feed(std::string(1, '\0') + "/usr/lib/openssh/sshd-session-old");
    auto facts = scanner.facts();
    EXPECT_FALSE(facts.version);
    EXPECT_FALSE(facts.session_path);
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
