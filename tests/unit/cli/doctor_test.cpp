// skiff doctor's pure parts: the kernel version, file system names, plugstack lines, and the
// two renderings of the findings.
#include "launcher/cli/doctor/findings.hpp"

#include <gtest/gtest.h>

namespace skiff::cli::doctor {
namespace {

TEST(Doctor, KernelVersionFromTheRelease) {
    EXPECT_EQ(kernel_version("6.18.44-fc-v1252"), (std::pair{6, 18}));
    EXPECT_EQ(kernel_version("5.4.0"), (std::pair{5, 4}));
    EXPECT_EQ(kernel_version("5.12"), (std::pair{5, 12}));
    for (const char* bad : {"", "6", "6.", ".18", "x6.1", "99999999.1"}) EXPECT_EQ(kernel_version(bad), std::nullopt) << bad;
}

TEST(Doctor, FileSystemNames) {
    EXPECT_EQ(file_system_name(0x6969), "nfs");
    EXPECT_EQ(file_system_name(0x0BD00BD0), "lustre");
    EXPECT_EQ(file_system_name(0x1234), "file system 0x1234");
}

TEST(Doctor, SlurmConfLinesThatNameThePlugstack) {
    EXPECT_EQ(plugstack_config_value("PlugStackConfig=/etc/slurm/plugstack.conf"), "/etc/slurm/plugstack.conf");
    EXPECT_EQ(plugstack_config_value("  plugstackconfig = /x/p.conf  # ours"), "/x/p.conf");
    for (const char* other : {"", "PlugStackConfig=", "#PlugStackConfig=/x", "PlugStackConfigX=/x", "SlurmctldHost=a"})
        EXPECT_EQ(plugstack_config_value(other), std::nullopt) << other;
}

TEST(Doctor, PlugstackLines) {
    std::vector<std::string> includes;
    EXPECT_EQ(plugstack_skiff_argument("required /usr/lib/skiff/spank_skiff.so skiff=/usr/bin/skiff\n", includes),
              "/usr/bin/skiff");
    EXPECT_EQ(plugstack_skiff_argument("optional\t/x/spank_skiff.so   other=1  skiff=/a # note\n", includes), "/a");
    EXPECT_EQ(plugstack_skiff_argument("required /x/spank_skiff.so\n", includes), "") << "no skiff=: the default";
    EXPECT_EQ(plugstack_skiff_argument("# required /x/spank_skiff.so skiff=/a\nrequired /x/spank_pyxis.so\n", includes),
              std::nullopt);
    EXPECT_EQ(plugstack_skiff_argument("include /etc/slurm/plugstack.conf.d/*.conf\n", includes), std::nullopt);
    EXPECT_EQ(includes, std::vector<std::string>{"/etc/slurm/plugstack.conf.d/*.conf"});
}

// Where flock on the image store is not seen by the other nodes (nfs(5) nolock and local_lock;
// Lustre's localflock, or neither flock nor localflock, where flock fails).
TEST(Doctor, StoreLocksThatTheNodesDoNotShare) {
    EXPECT_EQ(flock_not_shared("nfs4", "rw,relatime,vers=4.2,local_lock=none,addr=10.0.0.1"), std::nullopt);
    EXPECT_EQ(flock_not_shared("nfs", "rw,vers=3,lock"), std::nullopt);
    EXPECT_NE(flock_not_shared("nfs", "rw,vers=3,nolock,local_lock=all"), std::nullopt);
    EXPECT_EQ(flock_not_shared("nfs", "rw,vers=3,nolock").value_or(""), "NFS mounted with nolock: flock is local to each node");
    EXPECT_EQ(flock_not_shared("nfs4", "rw,local_lock=flock").value_or(""),
              "NFS mounted with local_lock=flock: flock is local to each node");
    EXPECT_NE(flock_not_shared("nfs4", "rw,local_lock=all"), std::nullopt);
    EXPECT_EQ(flock_not_shared("nfs4", "rw,local_lock=posix"), std::nullopt) << "flock is still the server's";
    EXPECT_EQ(flock_not_shared("lustre", "rw,flock,lazystatfs"), std::nullopt);
    EXPECT_EQ(flock_not_shared("lustre", "rw,localflock").value_or(""), "Lustre mounted with localflock: flock is local to each node");
    EXPECT_EQ(flock_not_shared("lustre", "rw,lazystatfs").value_or(""),
              "Lustre mounted without flock: flock fails there, and so do pulls");
    EXPECT_EQ(flock_not_shared("ext4", "rw,nolock"), std::nullopt);
    EXPECT_EQ(flock_not_shared("gpfs", "rw"), std::nullopt);
}

TEST(Doctor, TextHasOneLinePerFindingAndJsonQuotes) {
    Findings f{{"kernel", Verdict::ok, "Linux 6.1", ""}, {"/dev/fuse", Verdict::fail, "mode \"0600\"", "chmod 0666 /dev/fuse"},
               {"slurm plugin", Verdict::warn, "other", "point it here"}};
    EXPECT_EQ(render_text(f), "ok    kernel: Linux 6.1\n"
                              "FAIL  /dev/fuse: mode \"0600\"; fix: chmod 0666 /dev/fuse\n"
                              "warn  slurm plugin: other; fix: point it here\n");
    EXPECT_EQ(render_json(f), "[\n {\"check\": \"kernel\", \"verdict\": \"ok\", \"detail\": \"Linux 6.1\", \"fix\": \"\"},\n"
                              " {\"check\": \"/dev/fuse\", \"verdict\": \"fail\", \"detail\": \"mode \\\"0600\\\"\", \"fix\": "
                              "\"chmod 0666 /dev/fuse\"},\n"
                              " {\"check\": \"slurm plugin\", \"verdict\": \"warn\", \"detail\": \"other\", \"fix\": \"point it here\"}\n]\n");
}

}  // namespace
}  // namespace skiff::cli::doctor
