// Mounts in an EDF and expansion of the node-wide fields (edf.md §4-§6).
#include "edf_fixture.hpp"

namespace skiff::edf {
namespace {

using EdfMounts = testing::EdfFixture;

TEST_F(EdfMounts, FieldsNameTheArrayIndex) {
    mkdir("scratch");
    std::string path = edf("a", "image = \"x\"\nmounts = [\"${SCRATCH}:/s\", \"${SCRATCH}/${CASE}:/case\"]\n");
    EXPECT_FALSE(load("a"));
    EXPECT_EQ(first_error(), path + ":2: mounts[1]: variable 'CASE' is not set; use ${CASE:-VALUE} for a default or "
                                    "$${CASE} for literal text");
}

TEST_F(EdfMounts, PerTaskVariableIsAnError) {
    std::string path = edf("a", "image = \"x\"\n\n\n\n\nmounts = [\"/tmp/${SLURM_PROCID}:/out\"]\n");
    options.host_env["SLURM_PROCID"] = "0";
    EXPECT_FALSE(load("a"));
    EXPECT_EQ(first_error(), path + ":6: mounts[0]: SLURM_PROCID differs per task and cannot be used here; the "
                                    "container is shared by the node's tasks");
}

TEST_F(EdfMounts, MalformedExpansionInWorkdir) {
    std::string path = edf("a", "image = \"x\"\nworkdir = \"${X:=y}\"\n");
    EXPECT_FALSE(load("a"));
    EXPECT_EQ(first_error(), path + ":2: workdir: '${X:=y}' is not supported; only ${X} and ${X:-default}");
    edf("a", "image = \"x\"\nworkdir = \"/a${X\"\n");
    EXPECT_FALSE(load("a"));
    EXPECT_EQ(first_error(), path + ":2: workdir: unterminated '${' at column 3");
}

TEST_F(EdfMounts, BareNameInImage) {
    std::string path = edf("a", "image = \"$SCRATCH/x.sqsh\"\n");
    EXPECT_FALSE(load("a"));
    EXPECT_EQ(first_error(), path + ":1: image: '$SCRATCH' is not expanded; write ${SCRATCH}, or $$SCRATCH for literal text");
    ASSERT_EQ(diag.errors.size(), 1u);  // no "no image" on top of it
}

TEST_F(EdfMounts, SourceMustExist) {
    std::string path = edf("a", "image = \"x\"\nmounts = [\n  \"/nonexistent-skiff-test/x:/x\",\n]\n");
    EXPECT_FALSE(load("a"));
    EXPECT_EQ(first_error(), path + ":3: mount source '/nonexistent-skiff-test/x' does not exist");
}

TEST_F(EdfMounts, RelativeSourcesUseTheWorkingDirectoryNotTheEdfDirectory) {
    mkdir("cwd/results");
    write("cwd/ref/GRCh38.sqsh", "hsqs....");
    mkdir("home/.edf/results");
    edf("a", "image = \"./images/bcftools-1.21.sqsh\"\nwritable = false\nentrypoint = true\n"
             "mounts = [\"./ref/GRCh38.sqsh:/ref:sqsh\", \"./results:/results\"]\nworkdir = \"/results\"\n");
    auto env = load("a");
    ASSERT_TRUE(env) << first_error();
    ASSERT_EQ(env->mounts.size(), 2u);
    EXPECT_EQ(env->mounts[0].source, cwd + "/ref/GRCh38.sqsh");
    EXPECT_TRUE(env->mounts[0].flags.sqsh);
    EXPECT_EQ(env->mounts[1].source, cwd + "/results");
    EXPECT_EQ(env->image->value, cwd + "/images/bcftools-1.21.sqsh");
}

TEST_F(EdfMounts, ParseErrorsCarryTheLine) {
    std::string path = edf("a", "image = \"x\"\nmounts = [\n\"/a:/b:ro:x\",\n\"data:/d\",\n\"/tmp:out\",\n"
                                "\"/tmp:/.skiff/x\",\n\"/tmp:/t:rslavee\",\n\"/tmp:/t:ro+rw\",\n\"/tmp:/t:sqsh+rw\"]\n");
    EXPECT_FALSE(load("a"));
    EXPECT_EQ(diag.errors, (std::vector<std::string>{
                               path + ":3: mount '/a:/b:ro:x' has 4 fields; paths cannot contain ':'",
                               path + ":4: mount source 'data' must be absolute or start with ./",
                               path + ":5: mount destination 'out' must be an absolute path",
                               path + ":6: mount destination '/.skiff/x' is reserved for skiff",
                               path + ":7: unknown mount flag 'rslavee'; valid: ro rw bind rbind nosuid nodev noexec "
                                      "private rprivate slave rslave sqsh ldcache",
                               path + ":8: mount flags 'ro' and 'rw' conflict",
                               path + ":9: 'sqsh' cannot be combined with 'rw'",
                           }));
}

TEST_F(EdfMounts, SqshSourceMustBeASquashfs) {
    std::string img = write("data.img", "ext4 or so");
    std::string path = edf("a", "image = \"x\"\n\n\nmounts = [\"" + img + ":/d:sqsh\"]\n");
    EXPECT_FALSE(load("a"));
    EXPECT_EQ(first_error(), path + ":4: '" + img + "' is not a squashfs file (no 'hsqs' magic)");
}

TEST_F(EdfMounts, ExactDuplicatesAreDroppedAndCoveringMountsWarn) {
    std::string a = mkdir("a");
    std::string b = mkdir("b");
    std::string base = edf("base", "image = \"x\"\nmounts = [\"" + a + ":/data\", \"" + a + ":/same:ro\"]\n");
    std::string app = edf("app", "base_environment = \"base\"\nmounts = [\n\"" + a + "/:/data/\",\n\"" + b +
                                     ":/data\",\n\"" + a + ":/same:ro\",\n\"" + a + ":/same\",\n]\n");
    auto env = load("app");
    ASSERT_TRUE(env) << first_error();
    ASSERT_EQ(env->mounts.size(), 4u);
    EXPECT_EQ(env->mounts[0].origin.str(), base + ":2");
    EXPECT_EQ(env->mounts[1].origin.str(), base + ":2");
    EXPECT_EQ(env->mounts[2].origin.str(), app + ":4");
    EXPECT_EQ(env->mounts[3].origin.str(), app + ":6");
    EXPECT_EQ(diag.warnings, (std::vector<std::string>{
                                 app + ":4: mount destination '/data' is also used at " + base +
                                     ":2; the later mount covers the earlier",
                                 app + ":6: mount destination '/same' is also used at " + base +
                                     ":2; the later mount covers the earlier",
                             }));
}

TEST_F(EdfMounts, SrunValidationDefersUnsetSlurmVariables) {
    std::string path = edf("a", "image = \"${SCRATCH}/${SLURM_JOB_ID}.sqsh\"\n"
                                "mounts = [\"/tmp/job-${SLURM_JOB_ID}:/job\"]\n"
                                "[annotations]\nx.y = \"${SLURM_STEP_ID}\"\n");
    EXPECT_FALSE(load("a"));
    EXPECT_EQ(first_error(), path + ":1: image: variable 'SLURM_JOB_ID' is not set; use ${SLURM_JOB_ID:-VALUE} for a "
                                    "default or $${SLURM_JOB_ID} for literal text");
    options.srun_validation = true;
    auto env = load("a");
    ASSERT_TRUE(env) << first_error();
    EXPECT_EQ(env->image->value, root + "/scratch/${SLURM_JOB_ID}.sqsh");
    EXPECT_EQ(env->mounts.at(0).source, "/tmp/job-${SLURM_JOB_ID}");
    edf("a", "image = \"${CASE}\"\n");
    EXPECT_FALSE(load("a"));  // only SLURM_* variables are deferred
    edf("a", "image = \"x\"\nmounts = [\"/tmp/${SLURM_PROCID}:/x\"]\n");
    EXPECT_FALSE(load("a"));  // per-task variables stay errors
}

TEST_F(EdfMounts, SrunValidationDefersAParentNamedByASlurmVariable) {
    edf("a", "base_environment = \"job-${SLURM_JOB_ID}\"\n");
    options.srun_validation = true;
    EXPECT_TRUE(load("a")) << first_error();  // no "no image": the parent may hold it
}

}  // namespace
}  // namespace skiff::edf
