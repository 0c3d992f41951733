// Injected libraries reach the loader through the linker configuration skiff writes itself,
// for glibc (/etc/ld.so.cache) and musl (the path file) images, writable or read-only, without
// running ldconfig and without changing the image.
#include <algorithm>

#include "tests/support/launch_fixture.hpp"

namespace skiff::test {
namespace {

class Ldcache : public NsTest {
protected:
    // A host directory with a copy of the host's zlib, standing in for a site library.
    static TempDir site_libraries() {
        TempDir dir("sitelib");
        auto copy = run_process({"/bin/sh", "-c", "cp -a /usr/lib/x86_64-linux-gnu/libz.so.1* " + dir.path() + "/"});
        EXPECT_EQ(copy.status, 0) << copy;
        return dir;
    }

    // apt-get reaches libz.so.1 through libapt-pkg; the real loader must resolve it via the cache.
    static void expect_loader_uses_injected_zlib(const std::string& image_path, const std::vector<std::string>& extra,
                                                 const std::string& site, const std::string& destination = "/opt/site/lib") {
        std::vector<std::string> options = extra;
        options.insert(options.end(), {"--mount", site + ":" + destination + ":ro+ldcache"});
        auto r = run_in(image_path, options, {"/lib64/ld-linux-x86-64.so.2", "--list", "/usr/bin/apt-get"});
        ASSERT_EQ(r.status, 0) << r;
        EXPECT_NE(r.out.find("libz.so.1 => " + destination + "/libz.so.1"), std::string::npos) << r;
        EXPECT_NE(r.out.find("libc.so.6 => /lib/x86_64-linux-gnu/libc.so.6"), std::string::npos) << r;
    }
};

TEST_F(Ldcache, MuslImageFindsInjectedLibraryThroughThePathFile) {
    auto without = run_in(image("musl-nopath.sqsh"), {}, {"needs-optlib"});
    EXPECT_NE(without.status, 0) << "the fixture must need the path file: " << without;
    auto libs = image("musl-rootfs") + "/opt/lib";
    auto r = sh(image("musl-nopath.sqsh"), "needs-optlib && head -1 /etc/ld-musl-x86_64.path",
                {"--mount", libs + ":/opt/lib:ro+ldcache"});
    ASSERT_EQ(r.status, 0) << r;
    EXPECT_EQ(r.out, "hello from /opt/lib/libgreet.so\n/opt/lib\n");
}

TEST_F(Ldcache, MuslImageOnAReadOnlyRoot) {
    auto libs = image("musl-rootfs") + "/opt/lib";
    auto r = run_in(image("musl-nopath.sqsh"), {"--read-only", "--mount", libs + ":/opt/lib:ro+ldcache"},
                    {"needs-optlib"});
    ASSERT_EQ(r.status, 0) << r;
    EXPECT_EQ(r.out, "hello from /opt/lib/libgreet.so\n");
}

// A program linked against a library that exists only in a bind-mounted host directory runs
// in the glibc image without LD_LIBRARY_PATH, on a writable and on a read-only root.
TEST_F(Ldcache, GlibcProgramRunsWithALibraryOnlyInABindMount) {
    TempDir host("greet");
    host.write_file("greet.c", "const char* greet(void) { return \"hello from libskiffgreet\"; }\n");
    host.write_file("main.c", "#include <stdio.h>\nconst char* greet(void);\n"
                              "int main(void) { puts(greet()); return 0; }\n");
    ASSERT_EQ(run_process({"mkdir", "-p", host / "lib", host / "bin"}).status, 0);
    auto lib = run_process({"cc", "-shared", "-fPIC", "-Wl,-soname,libskiffgreet.so.1", "-o",
                            host / "lib/libskiffgreet.so.1", host / "greet.c"});
    SKIFF_REQUIRE(lib.status == 0, "no working C compiler (cc) to build the test library: " + lib.err);
    auto exe = run_process({"cc", "-o", host / "bin/greet", host / "main.c", host / "lib/libskiffgreet.so.1"});
    ASSERT_EQ(exe.status, 0) << exe;
    for (std::vector<std::string> root : {std::vector<std::string>{}, std::vector<std::string>{"--read-only"}}) {
        std::vector<std::string> options = root;
        options.insert(options.end(), {"--mount", host / "lib" + ":/opt/greet/lib:ro+ldcache", "--mount",
                                       host / "bin" + ":/opt/greet/bin:ro"});
        auto r = run_in(image("debian.sqsh"), options, {"/opt/greet/bin/greet"});
        EXPECT_EQ(r.status, 0) << r;
        EXPECT_EQ(r.out, "hello from libskiffgreet\n") << r;
    }
    auto without = run_in(image("debian.sqsh"), {"--mount", host / "lib" + ":/opt/greet/lib:ro", "--mount",
                                                 host / "bin" + ":/opt/greet/bin:ro"}, {"/opt/greet/bin/greet"});
    EXPECT_NE(without.status, 0) << "the library must be found only through the cache: " << without;
}

// A launch remembers the injected libraries' probes in the runtime directory; a library
// rewritten in place (same inode) between two launches must be read again, not taken from the
// memo: the second program needs the new SONAME.
TEST_F(Ldcache, ALibraryRewrittenBetweenLaunchesIsReadAgain) {
    TempDir host("regreet"), runtime("runtime");
    host.write_file("greet.c", "const char* greet(void) { return \"hello\"; }\n");
    host.write_file("main.c", "#include <stdio.h>\nconst char* greet(void);\n"
                              "int main(void) { puts(greet()); return 0; }\n");
    ASSERT_EQ(run_process({"mkdir", "-p", host / "lib", host / "bin"}).status, 0);
    // The file keeps its name; only its SONAME changes. cat > rewrites it in place.
    auto build = [&](const std::string& soname, const std::string& program) {
        auto lib = run_process({"cc", "-shared", "-fPIC", "-Wl,-soname," + soname, "-o", host / soname, host / "greet.c"});
        if (lib.status != 0) return lib;
        auto exe = run_process({"cc", "-o", host / ("bin/" + program), host / "main.c", host / soname});
        if (exe.status != 0) return exe;
        return run_process({"/bin/sh", "-c", "cat " + host / soname + " > " + host / "lib/libregreet.so.impl"});
    };
    auto first = build("libregreet.so.1", "greet1");
    SKIFF_REQUIRE(first.status == 0, "no working C compiler (cc) to build the test library: " + first.err);
    RunOptions run;
    run.env = current_environment();
    (*run.env)["XDG_RUNTIME_DIR"] = runtime.path();
    std::vector<std::string> options = {"--cold", "--mount", host / "lib" + ":/opt/greet/lib:ro+ldcache", "--mount",
                                        host / "bin" + ":/opt/greet/bin:ro"};
    auto r1 = run_in(image("debian.sqsh"), options, {"/opt/greet/bin/greet1"}, run);
    ASSERT_EQ(r1.status, 0) << r1;
    std::string memo = runtime / "skiff/image-facts/elf-probes";
    ASSERT_EQ(::access(memo.c_str(), R_OK), 0) << "the launch remembers its probes in " << memo;

    ASSERT_EQ(build("libregreet.so.2", "greet2").status, 0);
    auto r2 = run_in(image("debian.sqsh"), options, {"/opt/greet/bin/greet2"}, run);
    EXPECT_EQ(r2.status, 0) << r2;
    EXPECT_EQ(r2.out, "hello\n") << r2;
}

TEST_F(Ldcache, GlibcImageWritableRootGetsANewCache) {
    auto site = site_libraries();
    expect_loader_uses_injected_zlib(image("debian.sqsh"), {}, site.path());
    auto r = sh(image("debian.sqsh"), "grep -c ' /etc/ld.so.cache ' /proc/self/mountinfo",
                {"--mount", site.path() + ":/opt/site/lib:ro+ldcache"});
    EXPECT_EQ(r.out, "0\n") << "a writable root gets a plain file an ldconfig can replace: " << r;
}

TEST_F(Ldcache, GlibcImageReadOnlyRootGetsABoundCache) {
    auto site = site_libraries();
    expect_loader_uses_injected_zlib(image("debian.sqsh"), {"--read-only"}, site.path());
    auto r = sh(image("debian.sqsh"), "grep ' /etc/ld.so.cache ' /proc/self/mountinfo",
                {"--read-only", "--mount", site.path() + ":/opt/site/lib:ro+ldcache"});
    ASSERT_EQ(r.status, 0) << "a read-only root gets the cache bound over its own: " << r;
    EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 1) << "one bind: " << r;
    EXPECT_NE(r.out.find(" /etc/ld.so.cache ro,"), std::string::npos) << "read-only: " << r;
}

TEST_F(Ldcache, GlibcDirectoryImageIsNotModified) {
    auto site = site_libraries();
    auto before = run_process({"sha256sum", image("debian-rootfs") + "/etc/ld.so.cache"});
    // The fixture directory is root's: only existing destinations (/mnt) can be used there.
    expect_loader_uses_injected_zlib(image("debian-rootfs"), {"--read-only"}, site.path(), "/mnt");
    auto after = run_process({"sha256sum", image("debian-rootfs") + "/etc/ld.so.cache"});
    EXPECT_EQ(before.out, after.out);
}

TEST_F(Ldcache, WithoutLdcacheFlagTheImageCacheIsUsed) {
    auto site = site_libraries();
    auto r = run_in(image("debian.sqsh"), {"--mount", site.path() + ":/opt/site/lib:ro"},
                    {"/lib64/ld-linux-x86-64.so.2", "--list", "/usr/bin/apt-get"});
    ASSERT_EQ(r.status, 0) << r;
    EXPECT_NE(r.out.find("libz.so.1 => /lib/x86_64-linux-gnu/libz.so.1"), std::string::npos) << r;
}

}  // namespace
}  // namespace skiff::test

namespace skiff::test {
namespace {

// `skiff ldcache build` writes the same cache `skiff run` installs; glibc's own ldconfig
// (a test oracle only) lists the injected library first.
TEST_F(Ldcache, BuildCommandWritesACacheLdconfigReads) {
    auto site = site_libraries();
    TempDir out("cache");
    auto r = run_process({skiff_binary(), "ldcache", "build", "--image", image("debian-rootfs"), "--inject",
                          site.path() + ":/opt/site/lib", "-o", out / "ld.so.cache"});
    ASSERT_EQ(r.status, 0) << r;
    auto listing = run_process({"/sbin/ldconfig", "-p", "-C", out / "ld.so.cache"});
    ASSERT_EQ(listing.status, 0) << listing;
    EXPECT_NE(listing.out.find("libz.so.1 (libc6,x86-64) => /opt/site/lib/libz.so.1"), std::string::npos) << listing;
    EXPECT_EQ(listing.out.find("libz.so.1 (libc6,x86-64) => /lib/x86_64-linux-gnu/libz.so.1"), std::string::npos)
        << "the injected copy replaces the image's: " << listing;
}

}  // namespace
}  // namespace skiff::test
