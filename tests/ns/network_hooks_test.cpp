// The network hooks with a real host stack: Debian's libfabric1 (and fi_info from libfabric-bin)
// stands in for the Slingshot libfabric, a fixture site configuration points at it, and fake
// devices stand in for /dev/cxi*: FIFOs in a test directory (an unprivileged test cannot
// mknod), plus real character devices when test-all.sh prepared them as root
// ($SKIFF_TEST_DEVICES, see RealCharacterDevicesAreUsable).
#include <sys/stat.h>

#include "tests/support/launch_fixture.hpp"

namespace skiff::test {
namespace {

const std::string kHostFabric = "/usr/lib/x86_64-linux-gnu/libfabric.so.1";
const std::string kFiInfo = "/usr/bin/fi_info";

class NetworkHooks : public NsTest {
protected:
    void SetUp() override {
        NsTest::SetUp();
        if (IsSkipped()) return;
        SKIFF_REQUIRE(::access(kHostFabric.c_str(), R_OK) == 0 && ::access(kFiInfo.c_str(), X_OK) == 0,
                      "the host stack is missing: install libfabric1 and libfabric-bin (scripts/install-deps.sh)");
        ASSERT_EQ(run_process({"mkdir", "-p", site_ / "dev"}).status, 0);
        for (const char* fake : {"cxi0", "cxi1"}) ASSERT_EQ(::mkfifo((site_ / "dev/" + fake).c_str(), 0666), 0);
    }

    // [hooks.cxi] with Debian's libfabric and the fake devices, plus `extra` TOML.
    std::string write_site(const std::string& cxi_default, const std::string& extra = "",
                           const std::string& libraries = kHostFabric) {
        return site_.write_file("skiff.toml", "[hooks.cxi]\ndefault = \"" + cxi_default + "\"\nlibraries = [\"" +
                                                  libraries + "\"]\ndevices = [\"" + site_.path() + "/dev/cxi*\", \"" +
                                                  site_.path() + "/dev/xpmem\"]\n" + extra);
    }

    RunOptions with_site(const std::string& config) const {
        RunOptions run;
        run.env = current_environment();
        (*run.env)["SKIFF_CONFIG"] = config;
        return run;
    }

    // fi_info from the host, so that the image itself needs no libfabric-bin.
    static std::vector<std::string> fi_info_mount() { return {"--mount", kFiInfo + ":/usr/local/bin/fi_info:ro"}; }

    TempDir site_{"netsite"};
};

TEST_F(NetworkHooks, ImageWithoutLibfabricGetsAWorkingFiInfo) {
    auto run = with_site(write_site("true"));
    auto r = sh(image("debian.sqsh"),
                "fi_info -l | grep -c 'version:' ; /lib64/ld-linux-x86-64.so.2 --list /usr/local/bin/fi_info; "
                "echo \"FI_PROVIDER_PATH=$FI_PROVIDER_PATH\"; test -p " + site_.path() + "/dev/cxi0 && echo device-ok",
                fi_info_mount(), run);
    ASSERT_EQ(r.status, 0) << r;
    EXPECT_EQ(r.out.find("0\n"), std::string::npos) << "fi_info lists providers: " << r;
    EXPECT_NE(r.out.find("libfabric.so.1 => /.skiff/lib/libfabric.so.1"), std::string::npos) << r;
    EXPECT_NE(r.out.find("librdmacm.so.1 => /.skiff/lib/librdmacm.so.1"), std::string::npos) << "the closure: " << r;
    EXPECT_NE(r.out.find("libc.so.6 => /lib/x86_64-linux-gnu/libc.so.6"), std::string::npos) << "the image's libc: " << r;
    EXPECT_NE(r.out.find("FI_PROVIDER_PATH=/.skiff/lib/libfabric\n"), std::string::npos) << r;
    EXPECT_NE(r.out.find("device-ok"), std::string::npos) << r;
    EXPECT_EQ(r.err, "") << "nothing to warn about: " << r;

    auto off = run_in(image("debian.sqsh"), {"--annotation", "com.hooks.cxi.enabled=false", fi_info_mount()[0],
                                             fi_info_mount()[1]}, {"fi_info", "-l"}, run);
    EXPECT_EQ(off.status, 127) << off;
    EXPECT_EQ(off.err, "fi_info: error while loading shared libraries: libfabric.so.1: cannot open shared object file: "
                       "No such file or directory\n")
        << "without the hook the image has no libfabric: " << off;
}

TEST_F(NetworkHooks, ImageShippingItsOwnLibfabricUsesTheHosts) {
    // A copy of the Debian root with a stub libfabric.so.1 of its own, in its ld.so.cache.
    TempDir work("ownfabric");
    auto root = work / "root";
    run_process({"cp", "-a", image("debian-rootfs"), root});  // root-only files fail to copy; not needed
    SKIFF_REQUIRE(::access((root + "/usr/lib/x86_64-linux-gnu/libc.so.6").c_str(), R_OK) == 0, "copying debian-rootfs failed");
    work.write_file("stub.c", "int skiff_stub_fabric(void) { return 1; }\n");
    auto stub = run_process({"cc", "-shared", "-fPIC", "-Wl,-soname,libfabric.so.1", "-o",
                             root + "/usr/lib/x86_64-linux-gnu/libfabric.so.1", work / "stub.c"});
    SKIFF_REQUIRE(stub.status == 0, "no working C compiler (cc) to build the stub library: " + stub.err);
    auto ldconfig = run_process({"unshare", "--user", "--map-root-user", "/sbin/ldconfig", "-r", root});
    ASSERT_EQ(ldconfig.status, 0) << "the image's own cache lists its stub: " << ldconfig;
    auto run = with_site(write_site("true"));
    std::string script = "/lib64/ld-linux-x86-64.so.2 --list /usr/local/bin/fi_info | grep libfabric; "
                         "LD_PRELOAD=libfabric.so.1 cat /proc/self/maps | grep -o '[^ ]*libfabric.*' | sort -u; "
                         "fi_info -l >/dev/null && echo fi_info-ok";
    auto r = sh(root, script, fi_info_mount(), run);
    ASSERT_EQ(r.status, 0) << r;
    EXPECT_EQ(r.out.rfind("\tlibfabric.so.1 => /.skiff/lib/libfabric.so.1 (0x", 0), 0u) << "ld.so --list: " << r;
    EXPECT_NE(r.out.find(")\n/.skiff/lib/libfabric.so.1\nfi_info-ok\n"), std::string::npos)
        << "/proc/self/maps has only the host's copy, and fi_info works: " << r;
    auto off = sh(root, script, {"--annotation", "com.hooks.cxi.enabled=false", fi_info_mount()[0], fi_info_mount()[1]}, run);
    EXPECT_NE(off.out.find("libfabric.so.1 => /lib/x86_64-linux-gnu/libfabric.so.1"), std::string::npos)
        << "the control: without the hook the image's stub is used: " << off;
    EXPECT_EQ(off.out.find("fi_info-ok"), std::string::npos) << off;
    EXPECT_NE(off.err.find("fi_info: symbol lookup error: fi_info: undefined symbol: fi_"), std::string::npos)
        << "fi_info fails on the stub, not for another reason: " << off;
}

// The fixture directory is root's: the cache cannot be renamed into its /etc, so it is bound
// read-only instead, and the writable root still gets the host's libfabric.
TEST_F(NetworkHooks, DirectoryImageOwnedByAnotherUserStillGetsTheCache) {
    auto run = with_site(write_site("true"));
    auto r = sh(image("debian-rootfs"), "LD_PRELOAD=libfabric.so.1 cat /proc/self/maps | grep -c /.skiff/lib/libfabric.so.1",
                {"--writable"}, run);
    ASSERT_EQ(r.status, 0) << r;
    EXPECT_NE(r.out, "0\n") << r;
}

TEST_F(NetworkHooks, GlibcTooOldIsOneLineNamingTheLibraryAndBothVersions) {
    // A library that needs GLIBC_2.99: linked against a stub "libc.so.6" that defines it.
    TempDir work("newglibc");
    work.write_file("libc.map", "GLIBC_2.99 { global: skiff_future; local: *; };\n");
    work.write_file("future.c", "int skiff_future(void) { return 0; }\n");
    work.write_file("new.c", "int skiff_future(void);\nint skiff_new(void) { return skiff_future(); }\n");
    auto libc = run_process({"cc", "-shared", "-fPIC", "-nostdlib", "-Wl,-soname,libc.so.6",
                             "-Wl,--version-script," + work / "libc.map", "-o", work / "libc.so.6", work / "future.c"});
    SKIFF_REQUIRE(libc.status == 0, "no working C compiler (cc) to build the test libraries: " + libc.err);
    auto lib = run_process({"cc", "-shared", "-fPIC", "-nostdlib", "-Wl,-soname,libskiffnew.so.1", "-o",
                            work / "libskiffnew.so.1", work / "new.c", work / "libc.so.6"});
    ASSERT_EQ(lib.status, 0) << lib;
    auto run = with_site(write_site("true", "", work / "libskiffnew.so.1"));
    auto asked = run_in(image("debian.sqsh"), {"--annotation", "com.hooks.cxi.enabled=true"}, {"true"}, run);
    EXPECT_EQ(asked.status, 125) << asked;
    EXPECT_EQ(asked.err, "skiff: error: cxi hook: libskiffnew.so.1 (" + work / "libskiffnew.so.1" +
                             ") needs GLIBC_2.99 (libc.so.6), the image has glibc 2.36; or disable the hook with "
                             "--annotation com.hooks.cxi.enabled=false\n") << asked;
    auto by_default = run_in(image("debian.sqsh"), {}, {"/bin/sh", "-c", "test -e /.skiff/lib/libskiffnew.so.1 || echo ran"}, run);
    EXPECT_EQ(by_default.status, 0) << "on only by site default: a warning, and the job runs: " << by_default;
    EXPECT_EQ(by_default.out, "ran\n");
    EXPECT_NE(by_default.err.find("skiff: warning: cxi hook (on by site default ("), std::string::npos) << by_default;
    EXPECT_NE(by_default.err.find("needs GLIBC_2.99 (libc.so.6), the image has glibc 2.36; nothing injected"), std::string::npos)
        << by_default;
}

TEST_F(NetworkHooks, NcclHookSetsNcclNetExactlyAndInjectsThePlugin) {
    TempDir plugin("plugin");
    plugin.write_file("lib/net.c", "int ncclNetPlugin_v8 = 8;\n");
    auto built = run_process({"cc", "-shared", "-fPIC", "-Wl,-soname,libnccl-net.so", "-o", plugin / "lib/libnccl-net.so",
                              plugin / "lib/net.c"});
    SKIFF_REQUIRE(built.status == 0, "no working C compiler (cc) to build the stub plugin: " + built.err);
    auto run = with_site(write_site("false", "[hooks.aws_ofi_nccl]\ndefault_variant = \"cuda-dl\"\n"
                                             "variants = { cuda-dl = \"" + plugin.path() + "\" }\n"));
    auto r = sh(image("debian.sqsh"),
                "printf '[%s]\\n' \"$NCCL_NET\"; echo \"$NCCL_PROTO $NCCL_CROSS_NIC $FI_CXI_RX_MATCH_MODE\"; "
                "echo \"$NCCL_NET_GDR_LEVEL $FI_CXI_DEFAULT_CQ_SIZE $FI_CXI_DEFAULT_TX_SIZE $FI_CXI_DISABLE_HOST_REGISTER "
                "$FI_MR_CACHE_MONITOR\"; "
                "/sbin/ldconfig -p | grep -E 'nccl|libfabric' | sed 's/ (.*=>/ =>/' | sort",
                {"--annotation", "com.hooks.aws_ofi_nccl.enabled=true", "--env", "NCCL_CROSS_NIC=0"}, run);
    ASSERT_EQ(r.status, 0) << r;
    EXPECT_EQ(r.out, "[AWS Libfabric]\n^LL128 0 software\nPHB 131072 16384 1 userfaultfd\n"
                     "\tlibfabric.so.1 => /.skiff/lib/libfabric.so.1\n"
                     "\tlibnccl-net-aws-ofi.so => /.skiff/lib/libnccl-net.so\n"
                     "\tlibnccl-net-ofi.so => /.skiff/lib/libnccl-net.so\n"
                     "\tlibnccl-net.so => /.skiff/lib/libnccl-net.so\n")
        << "NCCL implies CXI; the EDF (--env) wins over the hook's defaults: " << r;
    auto by_default = sh(image("debian.sqsh"), "echo $NCCL_CROSS_NIC", {"--annotation", "com.hooks.aws_ofi_nccl.enabled=true"}, run);
    EXPECT_EQ(by_default.out, "1\n") << "the hook's own value, where --env sets none: " << by_default;
    auto unknown = run_in(image("debian.sqsh"), {"--annotation", "com.hooks.aws_ofi_nccl.enabled=true", "--annotation",
                                                 "com.hooks.aws_ofi_nccl.variant=cuda99"}, {"true"}, run);
    EXPECT_EQ(unknown.status, 125);
    EXPECT_NE(unknown.err.find("unknown variant 'cuda99'; this site has: cuda-dl"), std::string::npos) << unknown;
}

TEST_F(NetworkHooks, MuslImageWithTheHookOnByDefaultStartsAndWarnsOnce) {
    auto run = with_site(write_site("true"));
    auto r = run_in(image("musl.sqsh"), {}, {"musl-hello"}, run);
    ASSERT_EQ(r.status, 0) << r;
    EXPECT_EQ(r.out, "hello from musl\n");
    EXPECT_EQ(r.err.rfind("skiff: warning: cxi hook: the image uses musl; ", 0), 0u) << r;
    EXPECT_NE(r.err.find("glibc-linked host libraries are not injected (libfabric.so.1 "), std::string::npos) << r;
    EXPECT_EQ(r.err.find('\n'), r.err.size() - 1) << "one line: " << r;
}

// A site library built against musl is injected into a musl image: the path file lists the
// hooks' directory, and a program needing the library runs without LD_LIBRARY_PATH.
TEST_F(NetworkHooks, MuslBuiltSiteLibraryReachesAMuslImage) {
    TempDir work("musllib");
    work.write_file("lib/greet.c", "const char* skiff_greet(void) { return \"hello from a musl site library\"; }\n");
    work.write_file("bin/main.c", "#include <stdio.h>\nconst char* skiff_greet(void);\n"
                                  "int main(void) { puts(skiff_greet()); return 0; }\n");
    auto lib = run_process({"musl-gcc", "-shared", "-fPIC", "-Wl,-soname,libskiffmusl.so.1", "-o",
                            work / "lib/libskiffmusl.so.1", work / "lib/greet.c"});
    SKIFF_REQUIRE(lib.status == 0, "musl-gcc (musl-tools) cannot build the test library: " + lib.err);
    auto exe = run_process({"musl-gcc", "-o", work / "bin/greet", work / "bin/main.c", work / "lib/libskiffmusl.so.1"});
    ASSERT_EQ(exe.status, 0) << exe;
    auto run = with_site(write_site("false", "", work / "lib/libskiffmusl.so.1"));
    auto r = sh(image("musl.sqsh"), "/opt/greet/greet && head -1 /etc/ld-musl-x86_64.path",
                {"--annotation", "com.hooks.cxi.enabled=true", "--mount", work / "bin" + ":/opt/greet:ro"}, run);
    ASSERT_EQ(r.status, 0) << r;
    EXPECT_EQ(r.out, "hello from a musl site library\n/.skiff/lib\n") << r;
    EXPECT_EQ(r.err, "") << r;
}

// An image whose loader skiff cannot find: a hook on by site default warns and the launch goes
// on (here to the exec error it would have had anyway); an explicit request is an error.
TEST_F(NetworkHooks, ImageWithoutItsLoaderOnlyWarnsBySiteDefault) {
    TempDir root("noloader");
    ASSERT_EQ(run_process({"mkdir", "-p", root / "bin", root / "etc"}).status, 0);
    ASSERT_EQ(run_process({"cp", "/bin/dash", root / "bin/sh"}).status, 0);
    auto run = with_site(write_site("true"));
    auto quiet = run_in(root.path(), {}, {"/bin/sh", "-c", "true"}, run);
    EXPECT_EQ(quiet.status, 127) << quiet;
    EXPECT_NE(quiet.err.find("skiff: warning: interpreter '/lib64/ld-linux-x86-64.so.2' of '/bin/sh' does not exist in "
                             "the image; the network hooks on by site default inject nothing\n"),
              std::string::npos) << quiet;
    auto asked = run_in(root.path(), {"--annotation", "com.hooks.cxi.enabled=true"}, {"/bin/sh", "-c", "true"}, run);
    EXPECT_EQ(asked.status, 125) << asked;
}

TEST_F(NetworkHooks, DryRunAndVerboseShowWhatWasInjectedAndWhy) {
    auto run = with_site(write_site("true"));
    auto dry = run_process({skiff_binary(), "run", "--dry-run", "--image", image("debian.sqsh"), "--", "true"}, run);
    ASSERT_EQ(dry.status, 0) << dry;
    EXPECT_NE(dry.out.find("hook     cxi: on: site default (" + site_ / "skiff.toml" + ")\n"), std::string::npos) << dry;
    EXPECT_NE(dry.out.find("hook     cxi: device " + site_ / "dev/cxi0" + "\n"), std::string::npos) << dry;
    EXPECT_NE(dry.out.find("hook     cxi: no device matches " + site_ / "dev/xpmem" + " on this node\n"), std::string::npos) << dry;
    EXPECT_NE(dry.out.find("hook     cxi: left out, the image provides them: libc.so.6"), std::string::npos) << dry;
    EXPECT_NE(dry.out.find("mount    bind  /usr/lib/x86_64-linux-gnu/libfabric.so.1.20.0 -> /.skiff/lib/libfabric.so.1 "
                           "[ro,bind,rprivate,ldcache] create=file missing-source=error (hook cxi: site library)"),
              std::string::npos) << dry;
    EXPECT_NE(dry.out.find("-> /.skiff/lib/libnl-3.so.200 [ro,bind,rprivate,ldcache] create=file missing-source=error "
                           "(hook cxi: needed by librdmacm.so.1)"),
              std::string::npos) << dry;
    EXPECT_NE(dry.out.find("env      FI_PROVIDER_PATH=\"/.skiff/lib/libfabric\""), std::string::npos) << dry;
    auto verbose = run_in(image("debian.sqsh"), {"-v"}, {"true"}, run);
    ASSERT_EQ(verbose.status, 0) << verbose;
    EXPECT_NE(verbose.err.find("] hook cxi: "), std::string::npos) << "timed: " << verbose;
    EXPECT_NE(verbose.err.find("cxi: libfabric.so.1 <- /usr/lib/x86_64-linux-gnu/libfabric.so.1.20.0 (site library)"),
              std::string::npos) << verbose;
    EXPECT_NE(verbose.err.find("cxi: device " + site_ / "dev/cxi0"), std::string::npos) << verbose;
}

// Real character devices (mknod by scripts/test-all.sh as root, since a user cannot): bound into
// the container, they stay devices and can be written through.
TEST_F(NetworkHooks, RealCharacterDevicesAreUsable) {
    const char* dir = std::getenv("SKIFF_TEST_DEVICES");
    struct stat st {};
    bool ready = dir && ::stat((std::string(dir) + "/cxi0").c_str(), &st) == 0 && S_ISCHR(st.st_mode);
    SKIFF_REQUIRE(ready, "SKIFF_TEST_DEVICES does not name a directory with a character device cxi0 "
                         "(scripts/test-all.sh makes one as root with mknod)");
    auto config = site_.write_file("devices.toml", "[hooks.cxi]\ndefault = \"true\"\nlibraries = [\"" + kHostFabric +
                                                       "\"]\ndevices = [\"" + std::string(dir) + "/cxi*\"]\n");
    auto r = sh(image("debian.sqsh"), std::string("test -c ") + dir + "/cxi0 && echo x > " + dir + "/cxi0 && echo ok", {},
                with_site(config));
    ASSERT_EQ(r.status, 0) << r;
    EXPECT_EQ(r.out, "ok\n");
}

}  // namespace
}  // namespace skiff::test
