// The host sshd_config reader (hooks/ssh/sshd_config_reader): what sshd would take for the
// programs it runs, and hostile files that must end in one error line, never a crash or hang.
#include "hooks/ssh/sshd_config_reader.hpp"

#include <sys/stat.h>

#include <gtest/gtest.h>

#include "tests/support/host.hpp"
#include "tests/unit/hooks/ssh/host_tree.hpp"

namespace skiff::hooks::ssh {
namespace {

using testing::HostTree;

std::vector<std::string> words(std::string_view line) { return split_config_line(line).value(); }

TEST(SshdConfigLine, KeywordValueFormsQuotesAndComments) {
    EXPECT_EQ(words("Subsystem sftp /usr/lib/openssh/sftp-server -l INFO"),
              (std::vector<std::string>{"Subsystem", "sftp", "/usr/lib/openssh/sftp-server", "-l", "INFO"}));
    EXPECT_EQ(words("  SshdSessionPath=/x/sshd-session"), (std::vector<std::string>{"SshdSessionPath", "/x/sshd-session"}));
    EXPECT_EQ(words("SshdSessionPath = /x/y"), (std::vector<std::string>{"SshdSessionPath", "/x/y"}));
    EXPECT_EQ(words("\tSubsystem\tsftp\t\"/opt/my ssh/sftp-server\""),
              (std::vector<std::string>{"Subsystem", "sftp", "/opt/my ssh/sftp-server"}));
    EXPECT_EQ(words("Include 'a b.conf' c\\ d.conf"), (std::vector<std::string>{"Include", "a b.conf", "c d.conf"}));
    EXPECT_EQ(words("SshdAuthPath /x # a comment"), (std::vector<std::string>{"SshdAuthPath", "/x"}));
    EXPECT_EQ(words("SshdAuthPath /x#not-a-comment"), (std::vector<std::string>{"SshdAuthPath", "/x#not-a-comment"}));
    EXPECT_TRUE(words("   # Port 22").empty());
    EXPECT_TRUE(words("").empty());
    EXPECT_TRUE(words(" \t\r").empty());
    EXPECT_FALSE(split_config_line("Subsystem sftp \"/unclosed"));
}

TEST(SshdConfigReader, DebianLayoutWithIncludeAndCaseInsensitiveKeywords) {
    HostTree host;
    host.file("/etc/ssh/sshd_config",
              "Include /etc/ssh/sshd_config.d/*.conf\nUsePAM yes\nSUBSYSTEM sftp /usr/lib/openssh/sftp-server\n");
    host.file("/etc/ssh/sshd_config.d/50-site.conf", "sshdsessionpath /opt/b/sshd-session\n");
    host.file("/etc/ssh/sshd_config.d/10-first.conf", "SshdSessionPath /opt/a/sshd-session\nsshdAUTHpath=/opt/a/sshd-auth\n");
    auto facts = read_sshd_config(host.view());
    ASSERT_TRUE(facts) << facts.error().message;
    EXPECT_EQ(facts->file, "/etc/ssh/sshd_config");
    ASSERT_TRUE(facts->session_path);
    EXPECT_EQ(facts->session_path->value, "/opt/a/sshd-session") << "the first value wins; Include files in order";
    EXPECT_EQ(facts->session_path->origin, "/etc/ssh/sshd_config.d/10-first.conf:1");
    EXPECT_EQ(facts->auth_path->value, "/opt/a/sshd-auth");
    EXPECT_EQ(facts->sftp_server->value, "/usr/lib/openssh/sftp-server");
    EXPECT_EQ(facts->sftp_server->origin, "/etc/ssh/sshd_config:3");
}

TEST(SshdConfigReader, RelativeIncludeIsUnderEtcSshAndMissingIncludesAreIgnored) {
    HostTree host;
    host.file("/etc/ssh/sshd_config", "Include conf.d/*.conf /etc/ssh/none/*.conf missing.conf\n");
    host.file("/etc/ssh/conf.d/x.conf", "Subsystem sftp /usr/libexec/openssh/sftp-server\n");
    auto facts = read_sshd_config(host.view());
    ASSERT_TRUE(facts) << facts.error().message;
    EXPECT_EQ(facts->sftp_server->value, "/usr/libexec/openssh/sftp-server");
}

TEST(SshdConfigReader, MatchBlocksAndWhatTheyIncludeAreSkipped) {
    HostTree host;
    host.file("/etc/ssh/sshd_config",
              "Match User alice\n  Subsystem sftp /alice/sftp-server\n  Include /etc/ssh/alice.conf\n"
              "Match all\nSubsystem sftp internal-sftp\nMatch Address 10.0.0.0/8\nSshdSessionPath /never\n");
    host.file("/etc/ssh/alice.conf", "SshdSessionPath /alice/sshd-session\n");
    auto facts = read_sshd_config(host.view());
    ASSERT_TRUE(facts) << facts.error().message;
    EXPECT_EQ(facts->sftp_server->value, "internal-sftp");
    EXPECT_FALSE(facts->session_path);
}

TEST(SshdConfigReader, OtherSubsystemsAreNotSftp) {
    HostTree host;
    host.file("/etc/ssh/sshd_config", "Subsystem SFTP /upper\nSubsystem netconf /usr/bin/netconf\nSubsystem sftp\n");
    auto facts = read_sshd_config(host.view());
    ASSERT_TRUE(facts) << facts.error().message;
    EXPECT_FALSE(facts->sftp_server);
}

TEST(SshdConfigReader, SuseVendorFileWhenEtcHasNone) {
    HostTree host;
    host.file("/usr/etc/ssh/sshd_config", "Subsystem sftp /usr/lib/ssh/sftp-server\n");
    auto facts = read_sshd_config(host.view());
    ASSERT_TRUE(facts) << facts.error().message;
    EXPECT_EQ(facts->file, "/usr/etc/ssh/sshd_config");
    EXPECT_EQ(facts->sftp_server->value, "/usr/lib/ssh/sftp-server");
}

TEST(SshdConfigReader, NoFileIsANote) {
    HostTree host;
    auto facts = read_sshd_config(host.view());
    ASSERT_TRUE(facts) << facts.error().message;
    EXPECT_EQ(facts->file, "");
    ASSERT_EQ(facts->notes.size(), 1u);
}

TEST(SshdConfigReader, AnUnreadableFileIsANoteAsOnRhel) {
    SKIFF_REQUIRE(!test::running_as_root(), "root reads mode 0000 files; run the unit tier as an ordinary user");
    HostTree host;
    host.file("/etc/ssh/sshd_config", "Subsystem sftp /x\n");
    ::chmod((host.view().real("/etc/ssh/sshd_config")).c_str(), 0);
    auto facts = read_sshd_config(host.view());
    ASSERT_TRUE(facts) << facts.error().message;
    EXPECT_FALSE(facts->sftp_server);
    ASSERT_EQ(facts->notes.size(), 1u);
    EXPECT_NE(facts->notes[0].find("cannot read /etc/ssh/sshd_config"), std::string::npos) << facts->notes[0];
}

TEST(SshdConfigHostile, IncludeLoopStopsAtTheDepthLimit) {
    HostTree host;
    host.file("/etc/ssh/sshd_config", "Include /etc/ssh/sshd_config\n");
    auto facts = read_sshd_config(host.view());
    ASSERT_FALSE(facts);
    EXPECT_EQ(facts.error().message,
              "/etc/ssh/sshd_config:1: Include nests deeper than 16 files; fix the file, or name the programs in "
              "[hooks.ssh] of the site configuration");
}

TEST(SshdConfigHostile, TooManyIncludedFiles) {
    HostTree host;
    host.file("/etc/ssh/sshd_config", "Include d/*\n");
    for (int i = 0; i < 300; ++i) host.file("/etc/ssh/d/" + std::to_string(1000 + i), "# nothing\n");
    auto facts = read_sshd_config(host.view());
    ASSERT_FALSE(facts);
    EXPECT_NE(facts.error().message.find("includes more than 256 files"), std::string::npos) << facts.error().message;
}

TEST(SshdConfigHostile, OversizedFifoDirectoryAndBadQuotes) {
    HostTree big;
    big.file("/etc/ssh/sshd_config", std::string(max_config_bytes + 1, '#'));
    auto r = read_sshd_config(big.view());
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().message.find("'/etc/ssh/sshd_config' is larger than 1 MiB"), std::string::npos) << r.error().message;

    HostTree fifo;
    fifo.file("/etc/ssh/keep", "");
    ASSERT_EQ(::mkfifo(fifo.view().real("/etc/ssh/sshd_config").c_str(), 0644), 0);
    r = read_sshd_config(fifo.view());  // must not block
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().message.find("is not a regular file"), std::string::npos) << r.error().message;

    HostTree quotes;
    quotes.file("/etc/ssh/sshd_config", "Port 22\nSubsystem sftp \"/usr/lib/openssh/sftp-server\n");
    r = read_sshd_config(quotes.view());
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().message.find("/etc/ssh/sshd_config:2: a quote is not closed"), std::string::npos) << r.error().message;
}

TEST(SshdConfigHostile, BinaryGarbageIsNoCrash) {
    HostTree host;
    std::string junk;
    for (int i = 0; i < 200000; ++i) junk += static_cast<char>((i * 7919) % 256);
    host.file("/etc/ssh/sshd_config", junk);
    auto r = read_sshd_config(host.view());  // an error or facts, but no crash
    if (r) {
        EXPECT_FALSE(r->session_path && r->session_path->value.empty());
    }
}

}  // namespace
}  // namespace skiff::hooks::ssh
