// The keys of SSH between the containers of a Slurm step (hooks.md §3, issue 20): srun makes a
// user key pair and a host key pair per step (launcher/spank/job_ssh_keys.cpp) and hands them
// to every node in four variables of the step's environment. On each node the SSH hook uses
// the host key as sshd's and authorizes the user key; the planner keeps the variables out of
// the container's and the tasks' environment. Shared by both sides; pure.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>

#include "common/env_map.hpp"
#include "common/error.hpp"

namespace skiff {

inline constexpr std::string_view job_ssh_prefix = "SKIFF_SPANK_SSH_";
inline constexpr const char* job_ssh_user_key = "SKIFF_SPANK_SSH_USER_KEY";        // OpenSSH private key
inline constexpr const char* job_ssh_user_public = "SKIFF_SPANK_SSH_USER_PUBLIC";  // its .pub line
inline constexpr const char* job_ssh_host_key = "SKIFF_SPANK_SSH_HOST_KEY";
inline constexpr const char* job_ssh_host_public = "SKIFF_SPANK_SSH_HOST_PUBLIC";
inline constexpr std::array<const char*, 4> job_ssh_variables = {job_ssh_user_key, job_ssh_user_public, job_ssh_host_key,
                                                                 job_ssh_host_public};

// What `skiff edf check --srun` prints, on a line of its own, for an EDF that switches the SSH
// hook on: srun then makes the step's keys.
inline constexpr const char* job_ssh_check_line = "skiff: com.hooks.ssh is on";

// Never inherited by a container or a task.
inline bool is_job_ssh_variable(std::string_view name) { return name.starts_with(job_ssh_prefix); }

struct JobSshKeys {
    std::string user_key;     // private, "-----BEGIN OPENSSH PRIVATE KEY-----\n...\n-----END ...-----\n"
    std::string user_public;  // "ssh-ed25519 AAAA... comment", no newline
    std::string host_key;
    std::string host_public;
};

// The step's keys from `env`: nullopt when none of the four variables is set; an error (naming
// the variable) when only some are, or one is not an ed25519 key of the expected form and size.
Result<std::optional<JobSshKeys>> job_ssh_keys(const EnvMap& env);

// Checks one key; `name` is its variable, for errors.
Result<void> check_private_key(std::string_view text, std::string_view name);
Result<void> check_public_key(std::string_view text, std::string_view name);

}  // namespace skiff
