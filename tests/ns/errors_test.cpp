// Bad input: one clear "skiff: error:" line naming the file, key or path, exit status 125,
// and nothing left behind.
#include <sys/stat.h>

#include <algorithm>
#include <chrono>

#include "tests/support/launch_fixture.hpp"

namespace skiff::test {
namespace {

class Errors : public NsTest {
protected:
    // Runs skiff and checks the one-line error and the 125 status.
    static void expect_error(const std::vector<std::string>& args, const std::string& message, const RunOptions& run = {}) {
        std::vector<std::string> argv{skiff_binary()};
        argv.insert(argv.end(), args.begin(), args.end());
        auto r = run_process(argv, run);
        EXPECT_EQ(r.status, 125) << r;
        EXPECT_NE(r.err.find("skiff: error: " + message), std::string::npos) << "expected: " << message << "\n" << r;
        EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << "one line only\n" << r;
        EXPECT_TRUE(r.out.empty()) << r;
    }
};

TEST_F(Errors, MissingImage) {
    expect_error({"run", "--image", "/nonexistent/app.sqsh", "--", "true"},
                 "command line: image '/nonexistent/app.sqsh' does not exist");
}

TEST_F(Errors, NotASquashfsImage) {
    auto img = image("not-squashfs.img");
    expect_error({"run", "--image", img, "--", "true"},
                 "command line: image '" + img + "' is neither a squashfs file nor a directory");
}

TEST_F(Errors, ImageThatLooksLikeAFile) {
    TempDir dir("looks");
    RunOptions in_dir;
    in_dir.cwd = dir.path();
    expect_error({"run", "--image", "app.sqsh", "--", "true"},
                 "command line: image 'app.sqsh' is read as a registry name: did you mean ./app.sqsh? "
                 "(docker://app.sqsh names the registry image)",
                 in_dir);
}

// ./rootfs exists: the bare name gets the hint at once, not seconds of registry retries.
TEST_F(Errors, ImageThatIsALocalDirectory) {
    TempDir dir("looks");
    ASSERT_EQ(::mkdir((dir / "rootfs").c_str(), 0755), 0);
    RunOptions in_dir;
    in_dir.cwd = dir.path();
    auto start = std::chrono::steady_clock::now();
    expect_error({"run", "--image", "rootfs", "--", "true"},
                 "command line: image 'rootfs' is read as a registry name: did you mean ./rootfs? "
                 "(docker://rootfs names the registry image)",
                 in_dir);
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2)) << "no registry was asked";
}

TEST_F(Errors, NoImageAtAll) {
    expect_error({"run", "--", "true"}, "no image: pass --environment NAME or --image IMAGE");
}

TEST_F(Errors, EdfErrorsNameFileAndLine) {
    TempDir dir("edf");
    auto edf = dir.write_file("job.toml", "image = \"" + image("musl.sqsh") + "\"\nwritable = \"false\"\n");
    expect_error({"run", "-e", edf, "--", "true"}, edf + ":2: 'writable' must be true or false");
}

// A built-in mount (origin "skiff" in --dry-run) is named as such, and the line has the
// "skiff: error:" prefix once: never "skiff: error: skiff: mount '/dev' ...".
TEST_F(Errors, BuiltInMountFailureNamesTheMountOnce) {
    TempDir dir("devfile");
    dir.write_file("root/dev", "");  // an image whose /dev is a file
    expect_error({"run", "--image", dir / "root", "--", "true"},
                 "built-in mount '/dev': move_mount '/dev': Invalid argument");
}

TEST_F(Errors, EdfSyntaxError) {
    TempDir dir("syntax");
    auto edf = dir.write_file("bad.toml", "image = \"x\"\nmounts = [\n");
    auto r = run_process({skiff_binary(), "run", "-e", edf, "--", "true"});
    EXPECT_EQ(r.status, 125) << r;
    EXPECT_NE(r.err.find("skiff: error: " + edf + ":"), std::string::npos) << r;
    EXPECT_NE(r.err.find("invalid TOML"), std::string::npos) << r;
}

TEST_F(Errors, UnknownOption) {
    expect_error({"run", "--imag", "x", "--", "true"}, "run: unknown option '--imag'; see skiff run --help");
}

TEST_F(Errors, EdfCheckReportsEveryProblem) {
    TempDir dir("check");
    auto edf = dir.write_file("many.toml", "image = \"/nonexistent/a.sqsh\"\nwritable = \"no\"\n"
                                           "mounts = [\"relative:/x\"]\n");
    auto r = run_process({skiff_binary(), "edf", "check", edf});
    EXPECT_EQ(r.status, 1) << r;
    EXPECT_NE(r.err.find(edf + ":2:"), std::string::npos) << r;
    EXPECT_NE(r.err.find(edf + ":3:"), std::string::npos) << r;
    EXPECT_GE(std::count(r.err.begin(), r.err.end(), '\n'), 2) << r;
}

TEST_F(Errors, EdfCheckAcceptsAGoodFile) {
    TempDir dir("good");
    auto edf = dir.write_file("good.toml", "image = \"" + image("musl.sqsh") + "\"\n");
    auto r = run_process({skiff_binary(), "edf", "check", edf});
    EXPECT_EQ(r.status, 0) << r;
    EXPECT_EQ(r.out, edf + ": ok\n");
}

// A registry image is pulled by `skiff run`; checking the EDF only parses the reference.
TEST_F(Errors, EdfCheckParsesRegistryReferencesWithoutPulling) {
    TempDir dir("registry");
    auto good = dir.write_file("good.toml", "image = \"nvcr.io#nvidia/pytorch:24.01-py3\"\n");
    auto r = run_process({skiff_binary(), "edf", "check", good});
    EXPECT_EQ(r.status, 0) << r;
    EXPECT_EQ(r.out, good + ": ok\n");
    auto bad = dir.write_file("bad.toml", "image = \"Ubuntu:24.04\"\n");
    r = run_process({skiff_binary(), "edf", "check", bad});
    EXPECT_EQ(r.status, 1) << r;
    EXPECT_NE(r.err.find(bad + ":1: image 'Ubuntu:24.04': repository names must be lowercase"), std::string::npos) << r;
}

TEST_F(Errors, EdfByNameFromEdfPathAndShow) {
    TempDir dir("edfpath");
    dir.write_file("base.toml", "image = \"" + image("musl.sqsh") + "\"\n[env]\nFROM_BASE = \"1\"\n");
    dir.write_file("job.toml", "base_environment = \"base\"\n[env]\nFROM_JOB = \"2\"\n");
    RunOptions with_path;
    with_path.env = current_environment();
    (*with_path.env)["EDF_PATH"] = dir.path();
    auto r = run_process({skiff_binary(), "run", "-e", "job", "--", "/bin/sh", "-c", "echo $FROM_BASE$FROM_JOB"}, with_path);
    ASSERT_EQ(r.status, 0) << r;
    EXPECT_EQ(r.out, "12\n");
    auto show = run_process({skiff_binary(), "edf", "show", "job", "--json"}, with_path);
    ASSERT_EQ(show.status, 0) << show;
    EXPECT_NE(show.out.find("\"FROM_BASE\""), std::string::npos) << show;
}

}  // namespace
}  // namespace skiff::test
