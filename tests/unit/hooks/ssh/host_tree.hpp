// A fake host for the SSH discovery tests: files under a temporary directory that a HostView
// treats as /.
#pragma once

#include <sys/stat.h>

#include <string>

#include "hooks/ssh/host_view.hpp"
#include "tests/support/temp_dir.hpp"

namespace skiff::hooks::ssh::testing {

class HostTree {
public:
    HostTree() : dir_("sshhost") {}
    HostView view() const { return HostView(dir_.path()); }
    // A file at host path `path` ("/etc/ssh/sshd_config").
    void file(const std::string& path, const std::string& content) const { dir_.write_file(path.substr(1), content); }
    // An executable at `path`.
    void program(const std::string& path, const std::string& content = "\x7f" "ELF\1\1") const {
        ::chmod(dir_.write_file(path.substr(1), content).c_str(), 0755);
    }
    // Bytes that look like OpenSSH `version`'s sshd to the scanner, with compiled-in paths.
    static std::string sshd_bytes(const std::string& version, const std::string& compiled = "") {
        std::string bytes = std::string("\x7f" "ELF\2\1\1\0junk\0OpenSSH_2.*,OpenSSH_3.0*\0OpenSSH_7.4*\0", 40);
        bytes += "OpenSSH_" + version + std::string(1, '\0') + "OpenSSH_" + version + "p1 Debian-7" + std::string(1, '\0');
        if (!compiled.empty()) bytes += compiled + std::string(1, '\0');
        return bytes;
    }

private:
    test::TempDir dir_;
};

}  // namespace skiff::hooks::ssh::testing
