// The examples of edf.md §10 that the loader alone can check: 3, 4 and 5.
#include "edf_fixture.hpp"

namespace skiff::edf {
namespace {

using EdfExamples = testing::EdfFixture;

TEST_F(EdfExamples, Example3Inheritance) {
    std::string scratch = mkdir("scratch");
    mkdir("scratch/runs/resnet50");
    squashfs("scratch/datasets/imagenet.sqsh");
    std::string base = edf("torch-base", R"(image = "nvcr.io#nvidia/pytorch:25.01-py3"
mounts = ["${SCRATCH}:${SCRATCH}"]
workdir = "${SCRATCH}"
[env]
OMP_NUM_THREADS = "8"
HF_HOME = "${SCRATCH}/hf-cache"
[annotations.com.hooks.aws_ofi_nccl]
enabled = "true"
variant = "cuda12"
)");
    std::string train = edf("train", R"(base_environment = "torch-base"
mounts = ["${SCRATCH}/datasets/imagenet.sqsh:/data:sqsh"]
workdir = "${SCRATCH}/runs/resnet50"
[env]
OMP_NUM_THREADS = "4"
TOKENIZERS_PARALLELISM = ""    # removed even if the image sets it
[annotations]
com.hooks.aws_ofi_nccl.variant = "cuda-dl"
)");
    auto env = load("train");
    ASSERT_TRUE(env) << first_error();
    EXPECT_TRUE(diag.warnings.empty()) << diag.warnings.front();
    EXPECT_EQ(env->files, (std::vector<std::string>{base, train}));
    EXPECT_EQ(env->image->value, "nvcr.io#nvidia/pytorch:25.01-py3");
    ASSERT_EQ(env->mounts.size(), 2u);
    EXPECT_EQ(env->mounts[0].source, scratch);
    EXPECT_EQ(env->mounts[0].destination, scratch);
    EXPECT_EQ(env->mounts[0].origin.str(), base + ":2");
    EXPECT_EQ(env->mounts[1].source, scratch + "/datasets/imagenet.sqsh");
    EXPECT_EQ(env->mounts[1].destination, "/data");
    EXPECT_TRUE(env->mounts[1].flags.sqsh);
    EXPECT_EQ(env->workdir->value, scratch + "/runs/resnet50");
    EXPECT_EQ(env->env.at("OMP_NUM_THREADS").value, "4");
    EXPECT_EQ(env->env.at("HF_HOME").value, "${SCRATCH}/hf-cache");  // [env] is expanded per task
    EXPECT_EQ(env->env.at("TOKENIZERS_PARALLELISM").value, "");
    EXPECT_EQ(env->annotations.at("com.hooks.aws_ofi_nccl.enabled").value, "true");
    EXPECT_EQ(env->annotations.at("com.hooks.aws_ofi_nccl.variant").value, "cuda-dl");
    EXPECT_EQ(env->annotations.at("com.hooks.aws_ofi_nccl.variant").origin.str(), train + ":8");
    auto values = expand_env_values(*env, {{"SCRATCH", scratch}});
    ASSERT_TRUE(values) << values.error().message;
    EXPECT_EQ(values->at("HF_HOME"), scratch + "/hf-cache");
}

TEST_F(EdfExamples, Example4DiamondOrder) {
    mkdir("store/shared/tools");
    mkdir("scratch/images");
    options.host_env["SCRATCH"] = root + "/scratch";
    std::string common = edf("common", "mounts = [\"" + root + "/store/shared/tools:/tools:ro\"]\nenv.LANG = \"C.UTF-8\"\n");
    std::string gpu = edf("gpu", "base_environment = \"common\"\n"
                                 "annotations.com.hooks.aws_ofi_nccl = { enabled = \"true\", variant = \"cuda-dl\" }\n");
    std::string debug = edf("debug", "base_environment = \"common\"\n"
                                     "annotations.com.hooks.ssh = { enabled = \"true\", authorize_ssh_key = "
                                     "\"${HOME}/.ssh/job.pub\" }\n");
    std::string app = edf("app", "base_environment = [\"gpu\", \"debug\"]\nimage = \"${SCRATCH}/images/app.sqsh\"\n");
    auto env = load("app");
    ASSERT_TRUE(env) << first_error();
    EXPECT_EQ(env->files, (std::vector<std::string>{common, gpu, debug, app}));
    ASSERT_EQ(env->mounts.size(), 1u);  // /tools is mounted once
    EXPECT_EQ(env->mounts[0].destination, "/tools");
    EXPECT_EQ(env->env.at("LANG").value, "C.UTF-8");
    EXPECT_EQ(env->image->value, root + "/scratch/images/app.sqsh");
    EXPECT_EQ(env->annotations.at("com.hooks.aws_ofi_nccl.variant").value, "cuda-dl");
    EXPECT_EQ(env->annotations.at("com.hooks.ssh.authorize_ssh_key").value, home + "/.ssh/job.pub");
    EXPECT_EQ(env->annotations.size(), 4u);
    EXPECT_TRUE(diag.warnings.empty());
}

const char* kExample5 = R"(image = "${IMAGE_DIR:-/store/images}/solver-3.2.sqsh"
mounts = ["${SCRATCH}/cases/${CASE}:/case"]     # error if CASE is unset
[env]
RUN_LABEL = "${SLURM_JOB_ID:-local}"
PATH = "/opt/solver/bin:${PATH}"                # extends the image's PATH
NOTE = "write results to $${SCRATCH}"           # literal ${SCRATCH}
PRICE = "5 $ per node-hour"                     # a lone $ stays
)";

TEST_F(EdfExamples, Example5UnsetCaseIsAnError) {
    std::string path = edf("solver", kExample5);
    EXPECT_FALSE(load("solver"));
    EXPECT_EQ(diag.errors, std::vector<std::string>{path + ":2: mounts[0]: variable 'CASE' is not set; use "
                                                           "${CASE:-VALUE} for a default or $${CASE} for literal text"});
}

TEST_F(EdfExamples, Example5Expansion) {
    edf("solver", kExample5);
    mkdir("scratch/cases/c7");
    options.host_env["CASE"] = "c7";
    options.host_env["PATH"] = "/host/bin";  // never seen by [env]
    auto env = load("solver");
    ASSERT_TRUE(env) << first_error();
    EXPECT_EQ(env->image->value, "/store/images/solver-3.2.sqsh");
    EXPECT_EQ(env->mounts.at(0).source, root + "/scratch/cases/c7");
    EXPECT_EQ(env->mounts.at(0).destination, "/case");
    EnvMap image_layer{{"PATH", "/usr/local/bin:/usr/bin"}, {"SCRATCH", "/s"}};
    auto values = expand_env_values(*env, image_layer);
    ASSERT_TRUE(values) << values.error().message;
    EXPECT_EQ(values->at("RUN_LABEL"), "local");
    EXPECT_EQ(values->at("PATH"), "/opt/solver/bin:/usr/local/bin:/usr/bin");
    EXPECT_EQ(values->at("NOTE"), "write results to ${SCRATCH}");
    EXPECT_EQ(values->at("PRICE"), "5 $ per node-hour");
    image_layer["SLURM_JOB_ID"] = "4242";
    EXPECT_EQ(expand_env_values(*env, image_layer)->at("RUN_LABEL"), "4242");
}

}  // namespace
}  // namespace skiff::edf
