// skiff doctor as a user runs it: it passes on a node that runs the other tiers, and each
// failure mode it reports is made to happen for real: user namespaces switched off (in a user
// namespace of the test's own, whose limit it may lower), /dev/fuse that this user cannot open
// (another device bound over it there), a broken site configuration, and Slurm plugstack lines
// that miss the plugin or name another binary.
#include "tests/support/launch_fixture.hpp"

namespace skiff::test {
namespace {

class Doctor : public NsTest {
protected:
    ProcessResult doctor(const EnvMap& extra = {}, const std::vector<std::string>& args = {}) const {
        RunOptions o;
        o.env = current_environment();
        for (const auto& [name, value] : extra) (*o.env)[name] = value;
        std::vector<std::string> argv{skiff_binary(), "doctor"};
        argv.insert(argv.end(), args.begin(), args.end());
        return run_process(argv, o);
    }

    // skiff doctor after `setup` (sh), in a user and mount namespace of the test's own.
    static ProcessResult doctor_after(const std::string& setup) {
        return run_process({"unshare", "-rm", "/bin/sh", "-c", setup + " && exec \"$0\" doctor", skiff_binary()});
    }

    static std::string line_of(const ProcessResult& r, const std::string& check) {
        for (std::size_t at = 0; at < r.out.size();) {
            std::size_t end = r.out.find('\n', at);
            std::string line = r.out.substr(at, end - at);
            if (line.find(" " + check + ": ") != std::string::npos) return line;
            at = end == std::string::npos ? r.out.size() : end + 1;
        }
        return "";
    }

    // A slurm.conf naming a plugstack.conf with `line`.
    EnvMap slurm_with(const std::string& line) {
        dir_.write_file("plugstack.conf", line + "\n");
        return {{"SLURM_CONF", dir_.write_file("slurm.conf", "PlugStackConfig=" + dir_ / "plugstack.conf" + "\n")}};
    }

    TempDir dir_{"doctor"};
};

TEST_F(Doctor, PassesWhereTheTestsRun) {
    auto r = doctor();
    EXPECT_EQ(r.status, 0) << r;
    for (const char* check : {"kernel", "user namespaces", "overlay", "/dev/fuse", "runtime directory", "image store",
                              "site configuration", "ssh hook", "slurm plugin"}) {
        EXPECT_NE(line_of(r, check), "") << check << "\n" << r;
        EXPECT_FALSE(line_of(r, check).starts_with("FAIL")) << r;
    }
    EXPECT_EQ(r.err, "");
}

TEST_F(Doctor, JsonHasOneObjectPerCheck) {
    auto r = doctor({}, {"--json"});
    EXPECT_EQ(r.status, 0) << r;
    EXPECT_TRUE(r.out.starts_with("[\n {\"check\": \"kernel\", \"verdict\": \"ok\", ")) << r;
    EXPECT_NE(r.out.find("{\"check\": \"/dev/fuse\", \"verdict\": \"ok\", \"detail\": \"mode 0666, usable by this user\""),
              std::string::npos) << r;
    EXPECT_EQ(doctor({}, {"--yaml"}).err, "skiff: error: doctor: unknown argument '--yaml'; usage: skiff doctor [--json]\n");
}

TEST_F(Doctor, UserNamespacesSwitchedOffFail) {
    auto r = doctor_after("echo 0 > /proc/sys/user/max_user_namespaces");
    EXPECT_EQ(r.status, 1) << r;
    EXPECT_EQ(line_of(r, "user namespaces"), "FAIL  user namespaces: user.max_user_namespaces is 0; fix: sysctl -w "
                                             "user.max_user_namespaces=15000 (and in /etc/sysctl.d)") << r;
    EXPECT_NE(r.out.find("FAIL  user namespaces: a user and mount namespace cannot be used: unshare"), std::string::npos) << r;
}

// /dev/kmsg: a character device every Linux has, 0644 and root's, so this user cannot open it
// read-write.
TEST_F(Doctor, DevFuseThisUserCannotOpenFails) {
    auto r = doctor_after("mount --bind /dev/kmsg /dev/fuse");
    EXPECT_EQ(r.status, 1) << r;
    EXPECT_EQ(line_of(r, "/dev/fuse"), "FAIL  /dev/fuse: mode 0644, and this user cannot open it read-write; squashfs "
                                       "images cannot be mounted; fix: chmod 0666 /dev/fuse (udev does it with the fuse "
                                       "package's rules), or modprobe fuse if it is missing") << r;
}

TEST_F(Doctor, ABrokenSiteConfigurationFailsNamingTheLine) {
    auto syntax = dir_.write_file("syntax.toml", "[hooks.ssh]\nsshd = [\n");
    auto r = doctor({{"SKIFF_CONFIG", syntax}});
    EXPECT_EQ(r.status, 1) << r;
    EXPECT_TRUE(line_of(r, "site configuration").starts_with("FAIL  site configuration: " + syntax + ":3:")) << r;
    auto unknown = dir_.write_file("unknown.toml", "[hooks.ssh]\nnonsense = 3\n");
    auto u = doctor({{"SKIFF_CONFIG", unknown}});
    EXPECT_EQ(u.status, 1) << u;
    EXPECT_TRUE(line_of(u, "ssh hook").starts_with("FAIL  ssh hook: " + unknown + ":2: hooks.ssh.nonsense is not a setting"))
        << u;
}

TEST_F(Doctor, PlugstackLinesAreCheckedAgainstThisBinary) {
    auto here = doctor(slurm_with("required /usr/lib/skiff/spank_skiff.so skiff=" + skiff_binary()));
    EXPECT_TRUE(line_of(here, "slurm plugin").starts_with("ok    slurm plugin: ")) << here;
    auto elsewhere = doctor(slurm_with("required /usr/lib/skiff/spank_skiff.so skiff=/bin/true"));
    EXPECT_EQ(elsewhere.status, 0) << "a warning only: " << elsewhere;
    EXPECT_TRUE(line_of(elsewhere, "slurm plugin").starts_with("warn  slurm plugin: " + dir_ / "plugstack.conf" +
                                                               " runs skiff=/bin/true, not this skiff")) << elsewhere;
    auto missing = doctor(slurm_with("required /usr/lib/pyxis/spank_pyxis.so"));
    EXPECT_TRUE(line_of(missing, "slurm plugin").starts_with("warn  slurm plugin: " + dir_ / "plugstack.conf" +
                                                             " does not load spank_skiff.so")) << missing;
    dir_.write_file("plugstack.conf.d/skiff.conf", "required /x/spank_skiff.so skiff=" + skiff_binary() + "\n");
    auto included = doctor(slurm_with("include " + dir_ / "plugstack.conf.d/*.conf"));
    EXPECT_TRUE(line_of(included, "slurm plugin").starts_with("ok    slurm plugin: ")) << included;
}

}  // namespace
}  // namespace skiff::test
