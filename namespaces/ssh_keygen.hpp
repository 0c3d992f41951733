// The host's ssh-keygen, run directly (execve, no shell, no environment): the per-container
// host key, the per-step keys of SSH between a job's containers (common/job_ssh_keys.hpp), and
// the fingerprints `skiff run -v` shows.
#pragma once

#include <string>

#include "common/error.hpp"

namespace skiff::ns {

// Writes a new ed25519 key pair (0600, no passphrase) to `dir_fd`'s `name` and `name`.pub.
Result<void> generate_host_key(int dir_fd, const std::string& name);

struct KeyPair {
    std::string private_key;  // OpenSSH format, ending in a newline
    std::string public_key;   // "ssh-ed25519 AAAA... COMMENT\n"
};

// A new ed25519 key pair with `comment`, as text: written by ssh-keygen into a private
// directory made in `temp_dir` (mode 0700), read back and removed at once.
Result<KeyPair> generate_key_pair(const std::string& temp_dir, const std::string& comment);

// `ssh-keygen -l` of the file `name` in `dir_fd`: one line per key, e.g.
// "256 SHA256:... user@host (ED25519)".
Result<std::string> key_fingerprints(int dir_fd, const std::string& name);

}  // namespace skiff::ns
