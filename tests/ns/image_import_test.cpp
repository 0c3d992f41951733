// `skiff image import|ls|rm` and `skiff run` with registry references, with the real skiff and
// skiff-pull binaries: a root file system directory and a multi-layer OCI layout built here
// (tar, sha256sum and JSON written by the test) become squashfs images that skiff runs.
#include <algorithm>

#include "tests/ns/image_import_fixture.hpp"

namespace skiff::test {
namespace {

TEST_F(ImageImport, RootfsDirectoryRuns) {
    TempDir dir("import-dir", "/var/tmp");
    std::string out = dir / "musl.sqsh";
    auto r = skiff({"image", "import", image("musl-rootfs"), "-o", out});
    ASSERT_EQ(r.status, 0) << r;
    EXPECT_NE(r.err.find("wrote " + out), std::string::npos) << r;
    auto listing = run_process({"unsquashfs", "-l", out});
    ASSERT_EQ(listing.status, 0) << listing;
    EXPECT_NE(listing.out.find("squashfs-root/bin/busybox"), std::string::npos);
    auto run = sh(out, "cat /skiff-fixture; ls /bin/sh");
    EXPECT_EQ(run.status, 0) << run;
    EXPECT_NE(run.out.find("/bin/sh"), std::string::npos) << run;
}

TEST_F(ImageImport, OciLayoutLayersAndMetadata) {
    TempDir dir("import-oci", "/var/tmp");
    std::string layout = build_layout(dir);
    std::string out = dir / "oci.sqsh";
    auto r = skiff({"image", "import", layout, "-o", out});
    ASSERT_EQ(r.status, 0) << r;
    auto run = sh(out, "pwd; echo FROM_CONFIG=$FROM_CONFIG; ls /opt; test -e /skiff-fixture || echo fixture-gone; cat /opt/new");
    EXPECT_EQ(run.status, 0) << run;
    EXPECT_EQ(run.out, "/work\nFROM_CONFIG=yes\nnew\nfixture-gone\nfrom the upper layer\n") << run;
    auto stat = run_process({"unsquashfs", "-s", out});
    EXPECT_NE(stat.out.find("Compression zstd"), std::string::npos) << stat;
}

// A root file system tarball is imported as is; --gzip makes the squashfs gzip, not zstd.
TEST_F(ImageImport, RootfsTarballWithGzipRuns) {
    TempDir dir("import-tarball", "/var/tmp");
    auto tar = run_process({"tar", "-C", image("musl-rootfs"), "-cf", dir / "rootfs.tar", "."});
    ASSERT_EQ(tar.status, 0) << tar;
    std::string out = dir / "gzip.sqsh";
    auto r = skiff({"image", "import", dir / "rootfs.tar", "-o", out, "--gzip"});
    ASSERT_EQ(r.status, 0) << r;
    auto stat = run_process({"unsquashfs", "-s", out});
    EXPECT_NE(stat.out.find("Compression gzip"), std::string::npos) << stat;
    auto run = sh(out, "cat /skiff-fixture; musl-hello");
    EXPECT_EQ(run.status, 0) << run;
    EXPECT_EQ(run.out, "musl\nhello from musl\n") << run;
}

TEST_F(ImageImport, FailedConversionLeavesNothing) {
    TempDir dir("import-bad", "/var/tmp");
    std::string layout = build_layout(dir, true);
    fs::create_directories(dir / "out");
    auto r = skiff({"image", "import", layout, "-o", dir / "out/bad.sqsh"});
    EXPECT_EQ(r.status, 125) << r;
    EXPECT_NE(r.err.find("skiff: error: layer sha256:"), std::string::npos) << r;
    EXPECT_NE(r.err.find("corrupt"), std::string::npos) << r;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 3) << "two progress lines and the error\n" << r;
    EXPECT_TRUE(names_in(dir / "out").empty());
}

TEST_F(ImageImport, DiskFullIsOneLineAndLeavesNothing) {
    TempDir dir("import-full", "/var/tmp");
    fs::create_directories(dir / "small");
    // A 256 KiB tmpfs in a user and mount namespace of our own: the import cannot fit.
    std::string script = "mount -t tmpfs -o size=256k none \"$1\" && \"$2\" image import \"$3\" -o \"$1/out.sqsh\"; "
                         "rc=$?; ls -A \"$1\"; exit $rc";
    auto r = run_process({"unshare", "-Urm", "/bin/sh", "-c", script, "sh", dir / "small", skiff_binary(), image("musl-rootfs")});
    EXPECT_EQ(r.status, 125) << r;
    EXPECT_NE(r.err.find("No space left on device"), std::string::npos) << r;
    EXPECT_NE(r.err.find("out.sqsh"), std::string::npos) << r;
    EXPECT_EQ(r.out, "") << "the tmpfs must be empty\n" << r;
}

TEST_F(ImageImport, ConcurrentImportsToOneFile) {
    TempDir dir("import-many", "/var/tmp");
    std::string out = dir / "same.sqsh";
    std::vector<BackgroundProcess> imports;
    for (int i = 0; i < 3; ++i) imports.push_back(start_process({skiff_binary(), "image", "import", image("musl-rootfs"), "-o", out}));
    for (auto& p : imports) {
        auto r = p.wait();
        EXPECT_EQ(r.status, 0) << r;
    }
    EXPECT_EQ(names_in(dir.path()), std::vector<std::string>{"same.sqsh"});
    EXPECT_EQ(sh(out, "cat /skiff-fixture").status, 0);
}

TEST_F(ImageImport, RunUsesTheStoreWithoutARegistry) {
    TempDir store("store", "/var/tmp");
    auto arch = run_process({"uname", "-m"});
    std::string file = store / ("127.0.0.1_1+skiff+musl+1." + arch.out.substr(0, arch.out.size() - 1) + ".sqsh");
    ASSERT_EQ(skiff({"image", "import", image("musl-rootfs"), "-o", file}).status, 0);
    RunOptions with_store;
    with_store.env = current_environment();
    (*with_store.env)["EDF_IMAGESTORE"] = store.path();
    auto run = run_in("127.0.0.1:1/skiff/musl:1", {}, {"/bin/cat", "/skiff-fixture"}, with_store);
    EXPECT_EQ(run.status, 0) << run;
    auto ls = skiff({"image", "ls"}, with_store);
    EXPECT_EQ(ls.status, 0) << ls;
    EXPECT_NE(ls.out.find("127.0.0.1_1+skiff+musl+1."), std::string::npos) << ls;
    auto rm = skiff({"image", "rm", "127.0.0.1:1/skiff/musl:1"}, with_store);
    EXPECT_EQ(rm.status, 0) << rm;
    EXPECT_FALSE(fs::exists(file));
    auto again = skiff({"image", "rm", "127.0.0.1:1/skiff/musl:1"}, with_store);
    EXPECT_EQ(again.status, 125) << again;
    EXPECT_NE(again.err.find("is not in the image store"), std::string::npos) << again;
}

// A store miss pulls; this registry (port 1) cannot answer, so the pull fails with one error
// line and leaves no image and no temporary file, in the store or (void) in TMPDIR.
TEST_F(ImageImport, FailedPullLeavesNothing) {
    TempDir store("store-miss", "/var/tmp");
    TempDir tmp("tmpdir", "/var/tmp");
    for (std::string where : {store.path(), std::string("void")}) {
        RunOptions opts;
        opts.env = current_environment();
        (*opts.env)["EDF_IMAGESTORE"] = where;
        (*opts.env)["TMPDIR"] = tmp.path();
        auto run = run_in("127.0.0.1:1/skiff/missing:1", {}, {"/bin/true"}, opts);
        EXPECT_EQ(run.status, 125) << run;
        auto error = run.err.find("skiff: error: ");
        EXPECT_NE(error, std::string::npos) << run;
        EXPECT_EQ(run.err.find('\n', error), run.err.size() - 1) << "one error line, the last\n" << run;
        EXPECT_TRUE(names_in(tmp.path()).empty()) << where;
    }
    auto left = names_in(store.path());
    EXPECT_TRUE(std::none_of(left.begin(), left.end(), [](const std::string& n) { return n.ends_with(".sqsh"); }));
}

TEST_F(ImageImport, BadImageStore) {
    RunOptions opts;
    opts.env = current_environment();
    (*opts.env)["EDF_IMAGESTORE"] = "relative/store";
    auto run = run_in("ubuntu:24.04", {}, {"/bin/true"}, opts);
    EXPECT_EQ(run.status, 125) << run;
    EXPECT_NE(run.err.find("skiff: error: command line: EDF_IMAGESTORE='relative/store' must be an existing absolute directory"),
              std::string::npos) << run;
}

// --dry-run changes nothing: an image missing from the store is not pulled.
TEST_F(ImageImport, DryRunDoesNotPull) {
    TempDir store("store-dry", "/var/tmp");
    RunOptions opts;
    opts.env = current_environment();
    (*opts.env)["EDF_IMAGESTORE"] = store.path();
    auto run = run_in("127.0.0.1:1/skiff/missing:1", {"--dry-run"}, {"/bin/true"}, opts);
    EXPECT_EQ(run.status, 125) << run;
    EXPECT_NE(run.err.find("is not in the image store"), std::string::npos) << run;
    EXPECT_NE(run.err.find("--dry-run does not pull; run 'skiff image pull 127.0.0.1:1/skiff/missing:1' first"),
              std::string::npos) << run;
    EXPECT_EQ(run.err.find("pulling"), std::string::npos) << run;
    EXPECT_TRUE(names_in(store.path()).empty());
}

// Without a store, `skiff image pull` refuses too: the dry run suggests what works.
TEST_F(ImageImport, DryRunWithoutAStoreSuggestsWhatWorks) {
    RunOptions opts;
    opts.env = current_environment();
    (*opts.env)["EDF_IMAGESTORE"] = "void";
    auto run = run_in("127.0.0.1:1/skiff/missing:1", {"--dry-run"}, {"/bin/true"}, opts);
    EXPECT_EQ(run.status, 125) << run;
    EXPECT_EQ(run.err, "skiff: error: command line: image '127.0.0.1:1/skiff/missing:1' cannot be planned with "
                       "--dry-run: there is no image store (EDF_IMAGESTORE=void, or no usable store directory), so "
                       "only a launch pulls it; run without --dry-run, or set EDF_IMAGESTORE to a directory and run "
                       "'skiff image pull 127.0.0.1:1/skiff/missing:1' first\n");
}

}  // namespace
}  // namespace skiff::test

