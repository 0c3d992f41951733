// The standard hooks: their switches in [hooks.standard] and the mounts each contributes.
#include "hooks/standard/standard_hooks.hpp"

#include <gtest/gtest.h>

#include "launcher/site/site_table.hpp"
#include "tests/unit/hooks/run_hooks.hpp"
#include "tests/unit/hooks/site_text.hpp"

namespace skiff::hooks::standard {
namespace {

plan::PlanRequest request() {
    plan::PlanRequest r;
    r.host = {1000, 100, "alice", "users", "/home/alice", "/bin/bash", {{"HOME", "/users/alice"}}};
    r.image_facts.passwd = "root:x:0:0:root:/root:/bin/sh\n";
    return r;
}

// The standard hooks' contributions under `s`, through the hook table as a launch runs them.
std::vector<Contribution> contribute(plan::PlanRequest r, const Switches& s) {
    auto yes = [](bool on) { return on ? std::string("true") : std::string("false"); };
    auto site = test::site_text("[hooks.standard]\npasswd = " + yes(s.passwd) + "\nlocaltime = " + yes(s.localtime) +
                                "\nhome = " + yes(s.home) + "\nshm = " + yes(s.shm) + "\n");
    r.site = &site;
    constexpr std::string_view standard[] = {"shm", "passwd", "localtime", "home"};
    auto contributions = test::run_hooks(r, standard);
    EXPECT_TRUE(contributions) << contributions.error().message;
    return contributions ? *contributions : std::vector<Contribution>{};
}

std::vector<std::string> names(const std::vector<Contribution>& contributions) {
    std::vector<std::string> out;
    for (const auto& c : contributions) out.push_back(c.hook);
    return out;
}

TEST(StandardHooks, DefaultsWithoutSiteConfiguration) {
    auto s = read_switches(nullptr);
    ASSERT_TRUE(s) << s.error().message;
    EXPECT_TRUE(s->passwd);
    EXPECT_TRUE(s->localtime);
    EXPECT_FALSE(s->home) << "off by default, as on CSCS systems";
    EXPECT_TRUE(s->shm);
    EXPECT_EQ(names(contribute(request(), *s)), (std::vector<std::string>{"shm", "passwd", "localtime"}));
}

TEST(StandardHooks, SwitchedInTheSiteConfiguration) {
    auto site = test::site_text("[hooks.standard]\npasswd = false\nlocaltime = \"off\"\nhome = \"YES\"\nshm = 1\n");
    auto s = read_switches(&site);
    ASSERT_TRUE(s) << s.error().message;
    EXPECT_EQ(names(contribute(request(), *s)), (std::vector<std::string>{"shm", "home"}));
}

TEST(StandardHooks, BadSwitchValueNamesFileLineAndKey) {
    auto site = test::site_text("[hooks.standard]\nhome = \"ture\"\n");
    auto s = read_switches(&site);
    ASSERT_FALSE(s);
    EXPECT_EQ(s.error().message, "/etc/skiff/skiff.toml:2: hooks.standard.home must be true or false, not 'ture'");
}

TEST(StandardHooks, UnknownKeyIsAnError) {
    auto site = test::site_text("[hooks.standard]\nlocatime = true\n");
    auto s = read_switches(&site);
    ASSERT_FALSE(s);
    EXPECT_EQ(s.error().message, "/etc/skiff/skiff.toml:2: hooks.standard.locatime is not a setting (did you mean "
                                 "'localtime'?); valid: passwd localtime home shm");
}

TEST(StandardHooks, PasswdAddsTheUserToTheImagesFiles) {
    Switches s;
    auto c = contribute(request(), s);
    const auto& passwd = c[1].mounts;
    ASSERT_EQ(passwd.size(), 2u);
    EXPECT_EQ(passwd[0].destination, "/etc/passwd");
    EXPECT_NE(passwd[0].content.find("root:x:0:0"), std::string::npos) << "the image's entries stay";
    EXPECT_NE(passwd[0].content.find("alice:x:1000:100"), std::string::npos);
    EXPECT_EQ(passwd[1].destination, "/etc/group");
    EXPECT_EQ(passwd[0].origin, "hook passwd");
}

TEST(StandardHooks, LocaltimeReplacesAnImageSymlinkAndSkipsAMissingHostFile) {
    Switches s;
    auto c = contribute(request(), s);
    const auto& op = c[2].mounts.at(0);
    EXPECT_EQ(op.source, "/etc/localtime");
    EXPECT_EQ(op.destination, "/etc/localtime");
    EXPECT_TRUE(op.read_only);
    EXPECT_TRUE(op.replace_symlink);
    EXPECT_EQ(op.missing, plan::MissingSource::skip);
}

TEST(StandardHooks, HomeMountsHomeAtTheSamePathReadWrite) {
    Switches s;
    s.home = true;
    auto c = contribute(request(), s);
    const auto& op = c.back().mounts.at(0);
    EXPECT_EQ(op.source, "/users/alice") << "$HOME, as the container sees it";
    EXPECT_EQ(op.destination, "/users/alice");
    EXPECT_FALSE(op.read_only);
    EXPECT_EQ(op.create, plan::CreatePolicy::directory);
}

TEST(StandardHooks, HomeFallsBackToThePasswdEntryAndNeverMountsTheRoot) {
    Switches s;
    s.home = true;
    auto r = request();
    r.host.env.clear();
    EXPECT_EQ(contribute(r, s).back().mounts.at(0).source, "/home/alice");
    r.host.home = "/";
    EXPECT_TRUE(contribute(r, s).back().mounts.empty());
}

TEST(StandardHooks, ShmIsTheHostsOrAPrivateTmpfs) {
    Switches s;
    auto c = contribute(request(), s);
    const auto shared = c[0].mounts.at(0);
    EXPECT_EQ(shared.kind, plan::MountKind::bind);
    EXPECT_EQ(shared.source, "/dev/shm");
    EXPECT_TRUE(shared.nosuid && shared.nodev);
    s.shm = false;
    c = contribute(request(), s);
    const auto own = c[0].mounts.at(0);
    EXPECT_EQ(own.kind, plan::MountKind::tmpfs);
    EXPECT_EQ(own.destination, "/dev/shm");
    EXPECT_EQ(own.options, "mode=1777");
    EXPECT_EQ(c[0].notes, std::vector<std::string>{"standard hook, off ([hooks.standard]): a private tmpfs on /dev/shm"})
        << "--dry-run must not say 'on' for a switched-off shm";
}

TEST(SwitchWords, AcceptedAndRefused) {
    for (const char* on : {"true", "TRUE", "1", "yes", "On"}) EXPECT_TRUE(site::parse_switch_word(on).value_or(false)) << on;
    for (const char* off : {"false", "0", "no", "OFF"}) EXPECT_FALSE(site::parse_switch_word(off).value_or(true)) << off;
    EXPECT_FALSE(site::parse_switch_word("ture"));
    EXPECT_FALSE(site::parse_switch_word(""));
}

}  // namespace
}  // namespace skiff::hooks::standard
