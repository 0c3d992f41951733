// srun's side of SSH between the containers of a step (common/job_ssh_keys.hpp): a user key
// pair and a host key pair, new for every step, put into srun's environment, which Slurm gives
// every task of the step. They are written nowhere but a private directory that ssh-keygen
// needs for a moment (never $HOME).
#include <unistd.h>

#include <cstdlib>

#include "common/job_ssh_keys.hpp"
#include "launcher/spank/plugin.hpp"
#include "namespaces/ssh_keygen.hpp"

namespace skiff::spank {

bool hand_out_job_ssh_keys(bool ssh_on, std::string& error) {
    for (const char* name : job_ssh_variables) ::unsetenv(name);
    if (!ssh_on) return true;
    std::string temp_dir = temporary_directory(env_from_envp(environ));
    auto user = ns::generate_key_pair(temp_dir, "skiff-step-user");
    auto host = user ? ns::generate_key_pair(temp_dir, "skiff-step-host") : user;
    if (!user || !host) {
        error = (user ? host : user).error().message;
        return false;
    }
    const std::pair<const char*, const std::string*> values[] = {{job_ssh_user_key, &user->private_key},
                                                                 {job_ssh_user_public, &user->public_key},
                                                                 {job_ssh_host_key, &host->private_key},
                                                                 {job_ssh_host_public, &host->public_key}};
    for (const auto& [name, value] : values) ::setenv(name, value->c_str(), 1);
    EnvMap env = env_from_envp(environ);
    if (auto keys = job_ssh_keys(env); !keys) {  // what every node will check
        for (const char* name : job_ssh_variables) ::unsetenv(name);
        error = keys.error().message;
        return false;
    }
    return true;
}

}  // namespace skiff::spank
