// `skiff run --save FILE`: the container's root, as the command left it, becomes a new squashfs
// image, written by skiff-pull's writer (launcher/run/save_container.hpp). The saved images
// are read back both by running them and with unsquashfs, which sees what skiff would hide.
#include <sys/stat.h>

#include <filesystem>

#include "tests/ns/image_import_fixture.hpp"

namespace skiff::test {
namespace {

class Save : public ImageImport {
protected:
    // unsquashfs -cat: a file's bytes as stored in the image.
    static std::string stored(const std::string& image_file, const std::string& path) {
        auto r = run_process({"unsquashfs", "-cat", image_file, path});
        EXPECT_EQ(r.status, 0) << r;
        return r.out;
    }
    static std::string listing(const std::string& image_file) {
        auto r = run_process({"unsquashfs", "-lln", image_file});
        EXPECT_EQ(r.status, 0) << r;
        return r.out;
    }
    static bool lists(const std::string& text, const std::string& path) {
        return text.find(" squashfs-root" + path + "\n") != std::string::npos ||
               text.find(" squashfs-root" + path + " -> ") != std::string::npos;
    }
};

TEST_F(Save, ChangesDeletionsLinksAndModesAreSaved) {
    TempDir dir("save", "/var/tmp");
    std::string out = dir / "saved.sqsh";
    auto r = sh(image("musl.sqsh"),
                "echo new > /etc/added && chmod 0750 /etc/added && rm /skiff-fixture && echo changed > /etc/hostname && "
                "mkdir -p /opt/tree && echo x > /opt/tree/a && ln /opt/tree/a /opt/tree/b && "
                "ln -s ../../etc/added /opt/tree/link && cp /bin/busybox /opt/tree/suid && chmod 4755 /opt/tree/suid",
                {"--save", out});
    ASSERT_EQ(r.status, 0) << r;
    EXPECT_NE(r.err.find("wrote " + out), std::string::npos) << r;
    auto check = sh(out,
                    "cat /etc/added /etc/hostname; stat -c %a /etc/added /opt/tree/suid; "
                    "test -e /skiff-fixture || echo deleted; readlink /opt/tree/link; "
                    "test $(stat -c %i /opt/tree/a) = $(stat -c %i /opt/tree/b) && echo hard-linked");
    ASSERT_EQ(check.status, 0) << check;
    EXPECT_EQ(check.out, "new\nchanged\n750\n755\ndeleted\n../../etc/added\nhard-linked\n") << check;
}

// A cold launch (the image's own FUSE server, which the saving process started and keeps) and
// a directory image (left untouched) save alike.
TEST_F(Save, ColdLaunchesAndDirectoryImagesAreSavedToo) {
    TempDir dir("save-kinds", "/var/tmp");
    auto copy = run_process({"cp", "-a", image("musl-rootfs"), dir / "rootfs"});
    ASSERT_EQ(copy.status, 0) << copy;
    auto cold = run_in(image("musl.sqsh"), {"--cold", "--save", dir / "cold.sqsh"}, {"/bin/sh", "-c", "echo cold > /etc/c"});
    ASSERT_EQ(cold.status, 0) << cold;
    EXPECT_EQ(stored(dir / "cold.sqsh", "/etc/c"), "cold\n");
    auto directory = run_in(dir / "rootfs", {"--save", dir / "dir.sqsh"}, {"/bin/sh", "-c", "echo dir > /etc/d && rm /skiff-fixture"});
    ASSERT_EQ(directory.status, 0) << directory;
    EXPECT_EQ(stored(dir / "dir.sqsh", "/etc/d"), "dir\n");
    EXPECT_FALSE(lists(listing(dir / "dir.sqsh"), "/skiff-fixture"));
    EXPECT_TRUE(std::filesystem::exists(dir / "rootfs/skiff-fixture")) << "the directory image itself changed";
}

// What skiff put in the root is not the user's change: mounts (host directories, /tmp, /dev,
// the generated /etc/passwd) and files it writes through the root (the musl path file of an
// ldcache mount). The saved image holds what the image held there.
TEST_F(Save, SkiffsMountsAndFilesAreLeftOut) {
    TempDir dir("save-mounts", "/var/tmp");
    dir.write_file("host/data", "host data\n");
    dir.write_file("libs/libfake.so", "");
    std::string out = dir / "saved.sqsh";
    auto r = sh(image("musl.sqsh"), "echo mine > /tmp/scratch && echo more >> /srv/host/data && echo kept > /etc/kept",
                {"--mount", dir / "host:/srv/host", "--mount", dir / "libs:/opt/skiff-libs:ro+ldcache", "--save", out});
    ASSERT_EQ(r.status, 0) << r;
    std::string files = listing(out);
    EXPECT_TRUE(lists(files, "/etc/kept")) << files;
    for (const char* absent : {"/srv/host", "/opt/skiff-libs", "/tmp/scratch", "/.skiff"})
        EXPECT_FALSE(lists(files, absent)) << absent << "\n" << files;
    std::string original = image("musl.sqsh");
    for (const char* same : {"/etc/passwd", "/etc/group", "/etc/ld-musl-x86_64.path"})
        EXPECT_EQ(stored(out, same), stored(original, same)) << same;
    EXPECT_EQ(dir.read_file("host/data"), "host data\nmore\n");
}

// The musl path file skiff wrote for an ldcache mount is the user's once the command rewrote
// it (as an ldconfig after an install does with /etc/ld.so.cache).
TEST_F(Save, AFileSkiffWroteAndTheCommandRewroteIsKept) {
    TempDir dir("save-rewritten", "/var/tmp");
    dir.write_file("libs/libfake.so", "");
    std::string out = dir / "saved.sqsh";
    auto r = sh(image("musl.sqsh"), "echo /opt/mine > /etc/ld-musl-x86_64.path.new && mv /etc/ld-musl-x86_64.path.new "
                                    "/etc/ld-musl-x86_64.path",
                {"--mount", dir / "libs:/opt/skiff-libs:ro+ldcache", "--save", out});
    ASSERT_EQ(r.status, 0) << r;
    EXPECT_EQ(stored(out, "/etc/ld-musl-x86_64.path"), "/opt/mine\n");
}

TEST_F(Save, AFailedCommandWritesNothingUnlessSaveAlways) {
    TempDir dir("save-status", "/var/tmp");
    std::string out = dir / "saved.sqsh";
    auto failed = sh(image("musl.sqsh"), "echo x > /f; exit 3", {"--save", out});
    EXPECT_EQ(failed.status, 3) << failed;
    EXPECT_NE(failed.err.find("exited with status 3, so " + out + " was not written"), std::string::npos) << failed;
    EXPECT_TRUE(names_in(dir.path()).empty());
    auto always = sh(image("musl.sqsh"), "echo x > /f; exit 3", {"--save", out, "--save-always"});
    EXPECT_EQ(always.status, 3) << always;
    EXPECT_EQ(stored(out, "/f"), "x\n");
}

TEST_F(Save, BadRequestsFailBeforeTheCommandWithOneLine) {
    TempDir dir("save-bad", "/var/tmp");
    RunOptions fuse;
    fuse.env = current_environment();
    (*fuse.env)["SKIFF_OVERLAY"] = "fuse";
    struct Case {
        std::vector<std::string> options;
        std::string message;
        RunOptions run;
    };
    std::vector<Case> cases{
        {{"--save", dir / "missing/x.sqsh"}, "directory '" + dir / "missing" + "' does not exist", {}},
        {{"--save", dir.path()}, "is a directory", {}},
        {{"--read-only", "--save", dir / "x.sqsh"}, "the root is read-only", {}},
        {{"--save-always"}, "--save-always needs --save FILE", {}},
        {{"--save", dir / "x.sqsh"}, "--save needs the kernel's overlayfs", fuse},
    };
    for (const auto& c : cases) {
        auto r = run_in(image("musl.sqsh"), c.options, {"/bin/echo", "RAN"}, c.run);
        EXPECT_EQ(r.status, 125) << r;
        EXPECT_EQ(r.out, "") << r;
        EXPECT_NE(r.err.find(c.message), std::string::npos) << r;
        EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r;
    }
    EXPECT_TRUE(names_in(dir.path()).empty());
}

// The writer is skiff's own process (an execve, same pid): killing skiff mid-save kills it,
// and its unnamed file goes with it.
TEST_F(Save, AKilledSaveLeavesNoFile) {
    TempDir dir("save-kill", "/var/tmp");
    std::vector<std::string> argv{skiff_binary(), "run", "--image", image("musl.sqsh"), "--save", dir / "saved.sqsh",
                                  "--", "/bin/sh", "-c", "head -c 300000000 /dev/urandom > /big"};
    auto skiff = start_process(argv);
    ASSERT_TRUE(skiff.wait_for_output("writing files", std::chrono::seconds(120))) << skiff.err_so_far();
    ASSERT_TRUE(skiff.send_signal(SIGKILL));
    auto r = skiff.wait();
    EXPECT_EQ(r.term_signal, SIGKILL) << r;
    EXPECT_TRUE(names_in(dir.path()).empty());
    EXPECT_TRUE(no_process_within(dir.path(), std::chrono::seconds(5)));
}

// With --overlay DIR, the save reads DIR: it stays locked until the image is written.
TEST_F(Save, AnOverlayDirStaysLockedUntilTheSaveEnds) {
    TempDir dir("save-overlay", "/var/tmp");
    std::vector<std::string> argv{skiff_binary(), "run", "--image", image("musl.sqsh"), "--overlay", dir / "layer",
                                  "--save", dir / "saved.sqsh", "--", "/bin/sh", "-c",
                                  "head -c 300000000 /dev/urandom > /big"};
    auto saving = start_process(argv);
    ASSERT_TRUE(saving.wait_for_output("writing files", std::chrono::seconds(120))) << saving.err_so_far();
    auto second = sh(image("musl.sqsh"), "true", {"--overlay", dir / "layer"});
    EXPECT_EQ(second.status, 125) << second;
    EXPECT_NE(second.err.find("is in use by another container"), std::string::npos) << second;
    auto r = saving.wait();
    EXPECT_EQ(r.status, 0) << r;
    EXPECT_NE(listing(dir / "saved.sqsh").find(" squashfs-root/big\n"), std::string::npos);
}

// The container's writes sit in its memory (the overlay's tmpfs); the save streams them, so
// skiff's own peak memory stays far below the size of the change.
TEST_F(Save, AGibibyteChangeIsSavedInBoundedMemory) {
    TempDir dir("save-big", "/var/tmp");
    std::string out = dir / "saved.sqsh";
    RunOptions run;
    run.timeout = std::chrono::minutes(5);
    auto r = run_process({"/usr/bin/time", "-f", "maxrss_kib=%M", skiff_binary(), "run", "--image", image("musl.sqsh"),
                          "--save", out, "--", "/bin/sh", "-c", "head -c 1073741824 /dev/urandom > /big"},
                         run);
    ASSERT_EQ(r.status, 0) << r;
    auto at = r.err.rfind("maxrss_kib=");
    ASSERT_NE(at, std::string::npos) << r;
    long maxrss_kib = std::stol(r.err.substr(at + 11));
    EXPECT_LT(maxrss_kib, 64 * 1024) << r;  // 17 MiB measured
    struct stat st {};
    ASSERT_EQ(::stat(out.c_str(), &st), 0);
    EXPECT_GT(st.st_size, 1073741824) << "random bytes do not compress";
    EXPECT_NE(listing(out).find(" 1073741824 "), std::string::npos);
}

// The image's ENV, WORKDIR and CMD (skiff's metadata file, written by the import) stay with
// the saved image.
TEST_F(Save, TheImagesMetadataIsCarriedOver) {
    TempDir dir("save-meta", "/var/tmp");
    std::string imported = dir / "oci.sqsh";
    auto import = skiff({"image", "import", build_layout(dir), "-o", imported});
    ASSERT_EQ(import.status, 0) << import;
    std::string out = dir / "saved.sqsh";
    auto r = sh(imported, "echo added > /opt/added", {"--save", out});
    ASSERT_EQ(r.status, 0) << r;
    auto run = sh(out, "pwd; echo FROM_CONFIG=$FROM_CONFIG; cat /opt/added");
    EXPECT_EQ(run.out, "/work\nFROM_CONFIG=yes\nadded\n") << run;
}

}  // namespace
}  // namespace skiff::test
