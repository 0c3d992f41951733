// srun --container-save (launcher/run/save_on_request.hpp): rank 0's container, saved as a
// squashfs image at the end of the step, before srun returns.
#include <sys/stat.h>

#include "tests/e2e/slurm_fixture.hpp"

namespace skiff::test {
namespace {

std::string stored(const std::string& image_file, const std::string& path) {
    auto r = run_process({"unsquashfs", "-cat", image_file, path});
    EXPECT_EQ(r.status, 0) << r;
    return r.out;
}

bool exists(const std::string& path) {
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0;
}

TEST_F(Slurm, ContainerSaveWritesRankZerosContainerBeforeSrunReturns) {
    auto r = srun({"-n2", "--environment=" + edf_, "--container-save=saved.sqsh", "/bin/sh", "-c",
                   "echo $SLURM_PROCID > /etc/rank-$SLURM_PROCID && rm -f /etc/debian_version"});
    ASSERT_EQ(r.status, 0) << r;
    std::string saved = dir_ / "saved.sqsh";
    ASSERT_TRUE(exists(saved)) << "srun returned before the image was written\n" << r;
    EXPECT_EQ(stored(saved, "/etc/rank-0"), "0\n");
    EXPECT_EQ(stored(saved, "/etc/rank-1"), "1\n") << "the node's tasks share one container";
    auto listing = run_process({"unsquashfs", "-l", saved});
    EXPECT_EQ(listing.out.find("squashfs-root/etc/debian_version\n"), std::string::npos) << listing.out;
    auto edf = dir_.write_file("saved.toml", "image = \"" + saved + "\"\n");
    auto again = srun({"--environment=" + edf, "/bin/sh", "-c", "cat /etc/rank-1; test -e /etc/debian_version || echo gone"});
    EXPECT_EQ(again.out, "1\ngone\n") << again;
    // The holder and its saving half leave with the step, and so does the step's directory
    // (with its save.sock), which may take slurmstepd a moment.
    auto left = run_process({"/bin/sh", "-c",
                             "for i in $(seq 100); do [ -z \"$(ls /tmp/skiff-$(id -u)/slurm)\" ] && exit 0; sleep 0.1; done; "
                             "ls -R /tmp/skiff-$(id -u)/slurm; pgrep -a -u $(id -u) -f '[_]_container-holder'"});
    EXPECT_EQ(left.out, "") << "left after 10 s: " << left.out;
}

TEST_F(Slurm, ContainerSaveWritesNothingWhenATaskFails) {
    auto r = srun({"-n2", "--environment=" + edf_, "--container-save=saved.sqsh", "/bin/sh", "-c",
                   "touch /etc/x; test $SLURM_PROCID = 1 && exit 4; exit 0"});
    EXPECT_EQ(r.status, 4) << r;
    EXPECT_NE(r.err.find("a task of the step failed, so " + dir_ / "saved.sqsh" + " was not written"), std::string::npos) << r;
    EXPECT_FALSE(exists(dir_ / "saved.sqsh"));
}

TEST_F(Slurm, TheEdfAnnotationAsksForTheSameSave) {
    std::string saved = dir_ / "from-edf.sqsh";
    auto edf = dir_.write_file("save.toml", "image = \"" + image("debian.sqsh") + "\"\n[annotations]\n"
                                            "com.skiff.container_save = \"" + saved + "\"\n");
    auto r = srun({"--environment=" + edf, "/bin/sh", "-c", "echo from-edf > /etc/marker"});
    ASSERT_EQ(r.status, 0) << r;
    ASSERT_TRUE(exists(saved)) << r;
    EXPECT_EQ(stored(saved, "/etc/marker"), "from-edf\n");
}

TEST_F(Slurm, ContainerSaveIntoAMissingDirectoryIsRefusedBeforeTheStep) {
    auto r = srun({"--environment=" + edf_, "--container-save=missing/saved.sqsh", "/bin/sh", "-c", "echo RAN"});
    EXPECT_NE(r.status, 0) << r;
    EXPECT_EQ(r.out, "") << r;
    EXPECT_NE(r.err.find("directory '" + dir_ / "missing" + "' does not exist"), std::string::npos) << r;
}

TEST_F(Slurm, ContainerSaveWithoutAnEnvironmentIsRefusedInSrun) {
    auto r = srun({"--container-save=saved.sqsh", "true"});
    EXPECT_NE(r.status, 0) << r;
    EXPECT_NE(r.err.find("--container-save saves the container of --environment"), std::string::npos) << r;
    EXPECT_FALSE(exists(dir_ / "saved.sqsh"));
}

}  // namespace
}  // namespace skiff::test
