// SSH between the containers of a step: the client files the SSH hook makes from the step's
// keys and node list (hooks/ssh/job_ssh.hpp).
#include "hooks/ssh/job_ssh.hpp"

#include <gtest/gtest.h>

#include "common/job_ssh_keys.hpp"

namespace skiff::hooks {
namespace {

const std::string private_key =
    "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmU=\n-----END OPENSSH PRIVATE KEY-----\n";
const std::string user_public = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHVzZXI= skiff-step-user\n";
const std::string host_public = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGhvc3Q= skiff-step-host\n";

EnvMap step_env(const std::string& nodelist) {
    return {{job_ssh_user_key, private_key}, {job_ssh_user_public, user_public}, {job_ssh_host_key, private_key},
            {job_ssh_host_public, host_public}, {"SLURM_STEP_NODELIST", nodelist}, {"SLURM_JOB_NODELIST", "n[1-9]"}};
}

TEST(JobSsh, NothingWithoutTheStepsKeys) {
    auto job = job_ssh({{"SLURM_STEP_NODELIST", "n[1-2]"}}, 15263);
    ASSERT_TRUE(job) << job.error().message;
    EXPECT_FALSE(*job);
}

TEST(JobSsh, KnownHostsNamesEveryNodeOfTheStepBareAndWithItsPort) {
    auto job = job_ssh(step_env("n[1-2],gpu07"), 2222);
    ASSERT_TRUE(job && *job) << (job ? "none" : job.error().message);
    EXPECT_EQ((*job)->known_hosts, "n1,[n1]:2222,n2,[n2]:2222,gpu07,[gpu07]:2222 " + host_public);
    EXPECT_EQ((*job)->nodes, 3u);
    EXPECT_EQ((*job)->keys.user_public + "\n", user_public);
    EXPECT_EQ((*job)->keys.host_key, private_key);
}

TEST(JobSsh, TheClientConfigurationTrustsOnlyTheStepsHostKey) {
    auto job = job_ssh(step_env("n[1-2]"), 2222);
    ASSERT_TRUE(job && *job) << (job ? "none" : job.error().message);
    const auto& config = (*job)->client_config;
    for (const char* line : {"\nHost n1 n2\n", "\n    Port 2222\n", "\n    IdentityFile /.skiff/ssh/id_ed25519\n",
                             "\n    UserKnownHostsFile /.skiff/ssh/known_hosts\n", "\n    StrictHostKeyChecking yes\n",
                             "\n    BatchMode yes\n"})
        EXPECT_NE(config.find(line), std::string::npos) << line << " missing from:\n" << config;
}

TEST(JobSsh, TheJobsNodeListServesWithoutAStepOne) {
    auto env = step_env("");
    env.erase("SLURM_STEP_NODELIST");
    auto job = job_ssh(env, 15263);
    ASSERT_TRUE(job && *job) << (job ? "none" : job.error().message);
    EXPECT_EQ((*job)->nodes, 9u);
}

TEST(JobSsh, ANodeNameThatIsNotAHostNameIsAnError) {
    for (const char* list : {"n1,*", "n1,-n2", "n[1-2]x y", "n1,!n2"}) {
        auto job = job_ssh(step_env(list), 15263);
        ASSERT_FALSE(job) << list;
        EXPECT_NE(job.error().message.find("SLURM_STEP_NODELIST"), std::string::npos) << job.error().message;
    }
}

}  // namespace
}  // namespace skiff::hooks
