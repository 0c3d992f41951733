// The host's ssh-keygen, run directly (execve, no shell): the per-container host key and the
// fingerprints `skiff run -v` shows.
#pragma once

#include <string>

#include "common/error.hpp"

namespace skiff::run {

// Writes a new ed25519 key pair (0600, no passphrase) to `dir_fd`'s `name` and `name`.pub.
Result<void> generate_host_key(int dir_fd, const std::string& name);

// `ssh-keygen -l` of the file `name` in `dir_fd`: one line per key, e.g.
// "256 SHA256:... user@host (ED25519)".
Result<std::string> key_fingerprints(int dir_fd, const std::string& name);

}  // namespace skiff::run
