// What the host's sshd would take from its configuration for the programs it runs
// (`sshd -T` without running anything): SshdSessionPath, SshdAuthPath and the command of
// `Subsystem sftp`, read from sshd_config and the files it Includes, as sshd reads them:
// keywords in any case, `Keyword value` or `Keyword=value`, double or single quotes, `#` at
// the start of a word ends the line, the first value wins, relative Include paths are under
// /etc/ssh, and Match blocks (with whatever they Include) are skipped, since they apply only
// to some connections. The files are read as hostile: each at most 1 MiB, Include at most 16
// deep and 256 files in all; a FIFO or a directory is an error, not a hang.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.hpp"
#include "hooks/ssh/host_view.hpp"

namespace skiff::hooks::ssh {

inline constexpr std::size_t max_config_bytes = 1 << 20;
inline constexpr int max_include_depth = 16;
inline constexpr std::size_t max_config_files = 256;

// A value and where it was set ("/etc/ssh/sshd_config.d/x.conf:3").
struct ConfigValue {
    std::string value;
    std::string origin;
};

struct SshdConfigFacts {
    std::string file;  // the main file read, "" if none was found
    std::optional<ConfigValue> session_path;  // SshdSessionPath
    std::optional<ConfigValue> auth_path;     // SshdAuthPath
    std::optional<ConfigValue> sftp_server;   // first word of `Subsystem sftp COMMAND...`
    std::vector<std::string> notes;           // files that could not be read, and why
};

// The words of one line: the keyword first, then its arguments with quotes removed; empty for
// a blank or comment line. An error (without the file) for unbalanced quotes.
Result<std::vector<std::string>> split_config_line(std::string_view line);

// Reads the first of /etc/ssh/sshd_config and /usr/etc/ssh/sshd_config (SUSE's vendor file)
// that exists. A file the user may not read (RHEL makes sshd_config 0600) is a note, not an
// error; errors name FILE:LINE and say what to do.
Result<SshdConfigFacts> read_sshd_config(const HostView& host);

}  // namespace skiff::hooks::ssh
