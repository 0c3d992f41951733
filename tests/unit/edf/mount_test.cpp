#include <sys/stat.h>

#include "edf_fixture.hpp"

namespace skiff::edf {
namespace {

const Origin kAt{"/e/a.toml", 4};

MountSpec parsed_mount(const std::string& text, const std::string& cwd = "/work") {
    auto spec = parse_mount(text, kAt, cwd);
    EXPECT_TRUE(spec) << text << ": " << (spec ? "" : spec.error().message);
    return spec ? *spec : MountSpec{};
}

std::string mount_error_of(const std::string& text) {
    auto spec = parse_mount(text, kAt, "/work");
    EXPECT_FALSE(spec) << text;
    return spec ? "<no error>" : spec.error().message;
}

TEST(MountParse, DefaultsAreRwRbindRprivate) {
    MountSpec spec = parsed_mount("/capstor/data:/data");
    EXPECT_EQ(spec.source, "/capstor/data");
    EXPECT_EQ(spec.destination, "/data");
    EXPECT_EQ(spec.flags, MountFlags{});
    EXPECT_FALSE(spec.flags.read_only);
    EXPECT_TRUE(spec.flags.recursive);
    EXPECT_EQ(spec.flags.propagation, Propagation::rprivate);
    EXPECT_EQ(spec.text, "/capstor/data:/data");
    EXPECT_EQ(spec.origin.str(), "/e/a.toml:4");
}

TEST(MountParse, SourceOnlyFormMountsAtTheSamePath) {
    MountSpec spec = parsed_mount("/etc/slurm");
    EXPECT_EQ(spec.source, "/etc/slurm");
    EXPECT_EQ(spec.destination, "/etc/slurm");
    MountSpec relative = parsed_mount("./data", "/w/job");
    EXPECT_EQ(relative.source, "/w/job/data");
    EXPECT_EQ(relative.destination, "/w/job/data");
}

TEST(MountParse, RelativeSourcesUseTheWorkingDirectory) {
    EXPECT_EQ(parsed_mount("./results:/results", "/w/job").source, "/w/job/results");
    EXPECT_EQ(parsed_mount("../ref/x.sqsh:/ref:sqsh", "/w/job").source, "/w/ref/x.sqsh");
    EXPECT_EQ(parsed_mount(".:/here", "/w/job").source, "/w/job");
    EXPECT_EQ(parsed_mount("/a//b/./c/:/d/").source, "/a/b/c");
    EXPECT_EQ(parsed_mount("/a//b/./c/:/d/").destination, "/d");
}

struct FlagCase {
    const char* flag;
    bool (*check)(const MountFlags&);
};

TEST(MountParse, EveryFlagOfTheTable) {
    const FlagCase cases[] = {
        {"ro", [](const MountFlags& f) { return f.read_only; }},
        {"rw", [](const MountFlags& f) { return !f.read_only; }},
        {"bind", [](const MountFlags& f) { return !f.recursive; }},
        {"rbind", [](const MountFlags& f) { return f.recursive; }},
        {"nosuid", [](const MountFlags& f) { return f.nosuid; }},
        {"nodev", [](const MountFlags& f) { return f.nodev; }},
        {"noexec", [](const MountFlags& f) { return f.noexec; }},
        {"private", [](const MountFlags& f) { return f.propagation == Propagation::private_; }},
        {"rprivate", [](const MountFlags& f) { return f.propagation == Propagation::rprivate; }},
        {"slave", [](const MountFlags& f) { return f.propagation == Propagation::slave; }},
        {"rslave", [](const MountFlags& f) { return f.propagation == Propagation::rslave; }},
        {"sqsh", [](const MountFlags& f) { return f.sqsh && f.read_only; }},
        {"ldcache", [](const MountFlags& f) { return f.ldcache; }},
    };
    for (const FlagCase& c : cases) EXPECT_TRUE(c.check(parsed_mount(std::string("/a:/b:") + c.flag).flags)) << c.flag;
}

TEST(MountParse, FlagsCombineWithPlus) {
    MountFlags flags = parsed_mount("/a:/b:ro+bind+nosuid+nodev+noexec+rslave+ldcache").flags;
    EXPECT_TRUE(flags.read_only);
    EXPECT_FALSE(flags.recursive);
    EXPECT_TRUE(flags.nosuid && flags.nodev && flags.noexec && flags.ldcache);
    EXPECT_EQ(flags.propagation, Propagation::rslave);
}

TEST(MountParse, RepeatedFlagIsHarmless) { EXPECT_TRUE(parsed_mount("/a:/b:ro+ro+nosuid+nosuid").flags.read_only); }

TEST(MountParse, ContradictingFlagsConflict) {
    EXPECT_EQ(mount_error_of("/a:/b:ro+rw"), "/e/a.toml:4: mount flags 'ro' and 'rw' conflict");
    EXPECT_EQ(mount_error_of("/a:/b:bind+rbind"), "/e/a.toml:4: mount flags 'bind' and 'rbind' conflict");
    EXPECT_EQ(mount_error_of("/a:/b:private+rslave"), "/e/a.toml:4: mount flags 'private' and 'rslave' conflict");
    EXPECT_EQ(mount_error_of("/a:/b:slave+ro+rslave"), "/e/a.toml:4: mount flags 'slave' and 'rslave' conflict");
}

TEST(MountParse, UnknownFlagListsTheValidOnes) {
    EXPECT_EQ(mount_error_of("/a:/b:rslavee"), "/e/a.toml:4: unknown mount flag 'rslavee'; valid: ro rw bind rbind nosuid "
                                    "nodev noexec private rprivate slave rslave sqsh ldcache");
    EXPECT_EQ(mount_error_of("/a:/b:RO"), mount_error_of("/a:/b:ro+RO"));  // flags are case-sensitive
    EXPECT_EQ(mount_error_of("/a:/b:ro++nosuid"), "/e/a.toml:4: empty mount flag in 'ro++nosuid'; join flags with a single '+'");
}

TEST(MountParse, SqshCombinesOnlyWithRoNosuidNodevNoexecLdcache) {
    MountFlags flags = parsed_mount("/i.sqsh:/d:sqsh+ro+nosuid+nodev+noexec+ldcache").flags;
    EXPECT_TRUE(flags.sqsh && flags.read_only && flags.ldcache);
    EXPECT_EQ(mount_error_of("/i.sqsh:/d:sqsh+rw"), "/e/a.toml:4: 'sqsh' cannot be combined with 'rw'");
    EXPECT_EQ(mount_error_of("/i.sqsh:/d:rw+sqsh"), "/e/a.toml:4: 'sqsh' cannot be combined with 'rw'");
    EXPECT_EQ(mount_error_of("/i.sqsh:/d:sqsh+bind"), "/e/a.toml:4: 'sqsh' cannot be combined with 'bind'");
    EXPECT_EQ(mount_error_of("/i.sqsh:/d:sqsh+rbind"), "/e/a.toml:4: 'sqsh' cannot be combined with 'rbind'");
    EXPECT_EQ(mount_error_of("/i.sqsh:/d:sqsh+rslave"), "/e/a.toml:4: 'sqsh' cannot be combined with 'rslave'");
}

TEST(MountParse, FourFieldsAreAnError) {
    EXPECT_EQ(mount_error_of("/a:/b:ro:x"), "/e/a.toml:4: mount '/a:/b:ro:x' has 4 fields; paths cannot contain ':'");
}

TEST(MountParse, EmptyFieldsAreErrors) {
    EXPECT_EQ(mount_error_of("/a::ro"), "/e/a.toml:4: mount '/a::ro' has an empty field; write SRC[:DST[:FLAGS]]");
    EXPECT_EQ(mount_error_of(":/b"), "/e/a.toml:4: mount ':/b' has an empty field; write SRC[:DST[:FLAGS]]");
    EXPECT_EQ(mount_error_of("/a:/b:"), "/e/a.toml:4: mount '/a:/b:' has an empty field; write SRC[:DST[:FLAGS]]");
    EXPECT_EQ(mount_error_of(""), "/e/a.toml:4: empty mount entry; write SRC[:DST[:FLAGS]]");
}

TEST(MountParse, SourceMustBeAbsoluteOrDotRelative) {
    EXPECT_EQ(mount_error_of("data:/d"), "/e/a.toml:4: mount source 'data' must be absolute or start with ./");
    EXPECT_EQ(mount_error_of("data"), "/e/a.toml:4: mount source 'data' must be absolute or start with ./");
    EXPECT_EQ(mount_error_of("~/data:/d"), "/e/a.toml:4: mount source '~/data': '~' is not expanded; use ${HOME}");
}

TEST(MountParse, PyxisPseudoSourcesAreRejected) {
    EXPECT_EQ(mount_error_of("tmpfs:/tmp"), "/e/a.toml:4: mount source 'tmpfs' is a pyxis pseudo-source, which skiff does "
                                 "not support; mount a host directory instead");
    EXPECT_NE(mount_error_of("umount:/opt").find("pyxis pseudo-source"), std::string::npos);
}

TEST(MountParse, DestinationMustBeAbsolute) {
    EXPECT_EQ(mount_error_of("/a:out"), "/e/a.toml:4: mount destination 'out' must be an absolute path");
    EXPECT_EQ(mount_error_of("/a:./out"), "/e/a.toml:4: mount destination './out' must be an absolute path");
    EXPECT_EQ(mount_error_of("/a:/x/../.skiff"), "/e/a.toml:4: mount destination '/x/../.skiff' must not contain '..'");
}

TEST(MountParse, RootAndSkiffDestinationsAreRejected) {
    EXPECT_EQ(mount_error_of("/a:/"), "/e/a.toml:4: mount destination '/' would cover the container root; choose a directory");
    EXPECT_NE(mount_error_of("/a://").find("container root"), std::string::npos);
    EXPECT_NE(mount_error_of("/a:/.").find("container root"), std::string::npos);
    EXPECT_NE(mount_error_of("/").find("container root"), std::string::npos);  // source-only form
    EXPECT_EQ(mount_error_of("/a:/.skiff/x"), "/e/a.toml:4: mount destination '/.skiff/x' is reserved for skiff");
    EXPECT_EQ(mount_error_of("/a:/.skiff"), "/e/a.toml:4: mount destination '/.skiff' is reserved for skiff");
    EXPECT_EQ(mount_error_of("/a://.skiff/"), "/e/a.toml:4: mount destination '//.skiff/' is reserved for skiff");
    EXPECT_NE(mount_error_of("/a:/./.skiff/hooks").find("reserved for skiff"), std::string::npos);
    EXPECT_EQ(parsed_mount("/a:/.skiffy").destination, "/.skiffy");
}

TEST(MountParse, CommandLineOrigin) {
    auto spec = parse_mount("/a:/b:bogus", Origin{"command line", 0}, "/w");
    ASSERT_FALSE(spec);
    EXPECT_EQ(spec.error().message.rfind("command line: unknown mount flag 'bogus'", 0), 0u) << spec.error().message;
}

TEST(MountParse, CanonicalStringAndFlagNames) {
    EXPECT_EQ(mount_string(parsed_mount("/a:/b")), "/a:/b");
    EXPECT_EQ(mount_string(parsed_mount("/a")), "/a:/a");
    EXPECT_EQ(mount_string(parsed_mount("/a:/b:nosuid+ro")), "/a:/b:ro+nosuid");
    EXPECT_EQ(mount_string(parsed_mount("/a:/b:bind+slave+ldcache")), "/a:/b:bind+slave+ldcache");
    EXPECT_EQ(mount_string(parsed_mount("/i.sqsh:/d:ro+sqsh")), "/i.sqsh:/d:sqsh");
    EXPECT_EQ(flag_names(MountFlags{}), (std::vector<std::string>{"rw", "rbind", "rprivate"}));
    EXPECT_EQ(flag_names(parsed_mount("/i:/d:sqsh+noexec").flags), (std::vector<std::string>{"ro", "noexec", "sqsh"}));
}

using MountCheck = testing::EdfFixture;

TEST_F(MountCheck, MissingSourceIsAnError) {
    auto spec = parse_mount(root + "/nope:/d", kAt, cwd);
    ASSERT_TRUE(spec);
    auto checked = check_mount_source(*spec);
    ASSERT_FALSE(checked);
    EXPECT_EQ(checked.error().message, "/e/a.toml:4: mount source '" + root + "/nope' does not exist");
}

TEST_F(MountCheck, ExistingSourcePasses) {
    mkdir("cwd/data");
    auto spec = parse_mount("./data:/d", kAt, cwd);
    ASSERT_TRUE(spec);
    EXPECT_TRUE(check_mount_source(*spec));
}

TEST_F(MountCheck, SqshSourceNeedsTheMagic) {
    std::string good = squashfs("img/good.sqsh");
    std::string bad = write("img/data.img", "not a squashfs image");
    std::string tiny = write("img/tiny", "hs");
    std::string dir = mkdir("img/dir");
    EXPECT_TRUE(check_mount_source(*parse_mount(good + ":/d:sqsh", kAt, cwd)));
    auto not_sqsh = check_mount_source(*parse_mount(bad + ":/d:sqsh", kAt, cwd));
    ASSERT_FALSE(not_sqsh);
    EXPECT_EQ(not_sqsh.error().message, "/e/a.toml:4: '" + bad + "' is not a squashfs file (no 'hsqs' magic)");
    EXPECT_FALSE(check_mount_source(*parse_mount(tiny + ":/d:sqsh", kAt, cwd)));
    auto directory = check_mount_source(*parse_mount(dir + ":/d:sqsh", kAt, cwd));
    ASSERT_FALSE(directory);
    EXPECT_EQ(directory.error().message, "/e/a.toml:4: '" + dir + "' is not a squashfs file (not a regular file)");
    EXPECT_TRUE(check_mount_source(*parse_mount(bad + ":/d", kAt, cwd)));  // a plain bind is not checked
}

}  // namespace
}  // namespace skiff::edf
