// The spare key (launcher/run/spare_key.hpp): what makes two launches share pre-built
// namespaces, and which launches never use them.
#include "launcher/run/spare_key.hpp"

#include <gtest/gtest.h>

namespace skiff::run {
namespace {

plan::LaunchPlan warm_plan() {
    plan::LaunchPlan p;
    p.image.kind = image::ImageSource::Kind::squashfs;
    p.image.path = "/store/app.sqsh";
    p.serving.warm = true;
    p.serving.server_directory = "/run/user/1000/skiff/servers";
    p.serving.server_name = "2049-77-4096-1";
    p.ids = {1000, 100, 1000, 100};
    plan::MountOp passwd;
    passwd.kind = plan::MountKind::file;
    passwd.destination = "/etc/passwd";
    passwd.content = "alice:x:1000:100::/home/alice:/bin/sh\n";
    p.mounts.push_back(passwd);
    p.env = {{"PATH", "/usr/bin"}};
    p.argv = {"/bin/true"};
    p.workdir = "/";
    return p;
}

TEST(SpareKey, ArgvEnvironmentAndWorkdirBelongToTheProcess) {
    auto base = warm_plan();
    auto other = base;
    other.argv = {"python", "train.py"};
    other.env["OMP_NUM_THREADS"] = "4";
    other.workdir = "/work";
    EXPECT_EQ(spare_key(base, "skiff-1"), spare_key(other, "skiff-1"));
    EXPECT_EQ(spare_key(base, "skiff-1").size(), 32u);
}

TEST(SpareKey, EverythingThatShapesTheNamespaceChangesIt) {
    const auto base = warm_plan();
    const auto key = spare_key(base, "skiff-1");
    EXPECT_NE(key, spare_key(base, "skiff-2")) << "another skiff binary";
    auto p = base;
    p.mounts[0].content = "bob:x:1001:100::/home/bob:/bin/sh\n";  // same size, other text
    p.mounts[0].content.resize(base.mounts[0].content.size(), '\n');
    EXPECT_NE(key, spare_key(p, "skiff-1")) << "a generated file's content";
    p = base;
    plan::MountOp bind;
    bind.source = "/scratch";
    bind.destination = "/scratch";
    p.mounts.push_back(bind);
    EXPECT_NE(key, spare_key(p, "skiff-1")) << "another mount";
    p = base;
    p.writable = false;
    EXPECT_NE(key, spare_key(p, "skiff-1")) << "a read-only root";
    p = base;
    p.ids.inside_uid = 0;
    EXPECT_NE(key, spare_key(p, "skiff-1")) << "--root";
    p = base;
    p.serving.server_name = "2049-78-4096-1";
    EXPECT_NE(key, spare_key(p, "skiff-1")) << "another image";
}

TEST(SpareChoice, LaunchesThatStartProcessesAtSetupNeverUseSpares) {
    auto p = warm_plan();
    EXPECT_FALSE(choose_spare(p, false).key.empty());
    EXPECT_EQ(choose_spare(p, true).why_not, "a Slurm step's container holder");
    p.serving.spares = 0;
    EXPECT_EQ(choose_spare(p, false).why_not, "SKIFF_WARM_SPARES=0");
    p = warm_plan();
    p.ssh = plan::SshServer{};
    EXPECT_EQ(choose_spare(p, false).why_not, "the SSH hook starts sshd at setup");
    p = warm_plan();
    p.external_hooks.scripts = {"/etc/enroot/hooks.d/10-x.sh"};
    EXPECT_EQ(choose_spare(p, false).why_not, "hooks.d scripts run at setup");
    p = warm_plan();
    p.overlay = plan::OverlayDriver::fuse;
    EXPECT_EQ(choose_spare(p, false).why_not, "fuse-overlayfs runs a process per container");
    p = warm_plan();
    p.overlay_dir = plan::OverlayDir{"/scratch/overlay"};
    EXPECT_EQ(choose_spare(p, false).why_not, "a persistent --overlay DIR is locked by one container");
    p = warm_plan();
    p.mounts.push_back({});
    p.mounts.back().kind = plan::MountKind::sqsh;
    EXPECT_EQ(choose_spare(p, false).why_not, "a squashfs mount runs a FUSE server per container");
    p = warm_plan();
    p.serving.warm = false;
    EXPECT_TRUE(choose_spare(p, false).key.empty());
}

}  // namespace
}  // namespace skiff::run
