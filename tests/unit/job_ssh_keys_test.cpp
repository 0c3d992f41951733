#include "common/job_ssh_keys.hpp"

#include <gtest/gtest.h>

namespace skiff {
namespace {

// The shape of ssh-keygen's ed25519 output (not a usable key: only the format is checked here).
const std::string private_key =
    "-----BEGIN OPENSSH PRIVATE KEY-----\n"
    "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\n"
    "QyNTUxOQAAACBwYWJjZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXo0NTY3OA==\n"
    "-----END OPENSSH PRIVATE KEY-----\n";
const std::string public_key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHBhYmNkZWZnaGlqa2xtbm9wcXJzdHV2d3h5ejQ1Njc4 skiff-step-user\n";

EnvMap all_four() {
    return {{job_ssh_user_key, private_key}, {job_ssh_user_public, public_key}, {job_ssh_host_key, private_key},
            {job_ssh_host_public, public_key}, {"HOME", "/home/u"}};
}

std::string error_with(const char* name, const std::string& value) {
    auto env = all_four();
    env[name] = value;
    auto keys = job_ssh_keys(env);
    EXPECT_FALSE(keys) << name << " = " << value;
    return keys ? "" : keys.error().message;
}

TEST(JobSshKeys, NoneOfTheVariablesMeansNoStepKeys) {
    auto keys = job_ssh_keys({{"HOME", "/home/u"}, {"SKIFF_SPANK_ENVIRONMENT", "/x.toml"}});
    ASSERT_TRUE(keys) << keys.error().message;
    EXPECT_FALSE(*keys);
}

TEST(JobSshKeys, AllFourAreTakenAndThePublicLinesLoseTheirNewline) {
    auto keys = job_ssh_keys(all_four());
    ASSERT_TRUE(keys && *keys) << (keys ? "none" : keys.error().message);
    EXPECT_EQ((*keys)->user_key, private_key);
    EXPECT_EQ((*keys)->user_public + "\n", public_key);
    EXPECT_EQ((*keys)->host_public + "\n", public_key);
}

TEST(JobSshKeys, SomeButNotAllIsAnErrorNamingTheMissingOne) {
    auto env = all_four();
    env.erase(job_ssh_host_key);
    auto keys = job_ssh_keys(env);
    ASSERT_FALSE(keys);
    EXPECT_NE(keys.error().message.find("SKIFF_SPANK_SSH_HOST_KEY is missing"), std::string::npos) << keys.error().message;
}

TEST(JobSshKeys, KeysOfTheWrongFormOrSizeAreRefused) {
    EXPECT_NE(error_with(job_ssh_user_key, "").find("not an OpenSSH private key"), std::string::npos);
    EXPECT_NE(error_with(job_ssh_user_key, "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n")
                  .find("not an OpenSSH private key"), std::string::npos);
    EXPECT_NE(error_with(job_ssh_host_key, "-----BEGIN OPENSSH PRIVATE KEY-----\n$(id)\n-----END OPENSSH PRIVATE KEY-----\n")
                  .find("SKIFF_SPANK_SSH_HOST_KEY is not an OpenSSH private key"), std::string::npos);
    EXPECT_NE(error_with(job_ssh_host_key, "-----BEGIN OPENSSH PRIVATE KEY-----\n" + std::string(5000, 'A') +
                                               "\n-----END OPENSSH PRIVATE KEY-----\n")
                  .find("longer than 4096 bytes"), std::string::npos);
    EXPECT_NE(error_with(job_ssh_user_public, "ssh-rsa AAAAB3NzaC1yc2E").find("not an ssh-ed25519 public key"), std::string::npos);
    EXPECT_NE(error_with(job_ssh_user_public, "ssh-ed25519 ").find("without its key"), std::string::npos);
    EXPECT_NE(error_with(job_ssh_host_public, "ssh-ed25519 AAAA x\nssh-ed25519 BBBB").find("not one line"), std::string::npos);
    EXPECT_NE(error_with(job_ssh_host_public, "ssh-ed25519 AA$A").find("not an ssh-ed25519 public key"), std::string::npos);
    EXPECT_NE(error_with(job_ssh_host_public, "ssh-ed25519 AAAA " + std::string(2000, 'c')).find("longer than 1024"),
              std::string::npos);
}

TEST(JobSshKeys, TheVariablesAreRecognisedByTheirPrefix) {
    for (const char* name : job_ssh_variables) EXPECT_TRUE(is_job_ssh_variable(name)) << name;
    EXPECT_FALSE(is_job_ssh_variable("SKIFF_SPANK_ENVIRONMENT"));
    EXPECT_FALSE(is_job_ssh_variable("SSH_AUTH_SOCK"));
}

}  // namespace
}  // namespace skiff
