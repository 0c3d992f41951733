// Prefix legend: cap_ libcap.
#include "namespaces/exec.hpp"

#include "common/split.hpp"

#include <sys/capability.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <memory>

namespace skiff::ns {

namespace {
// The bounding set is dropped up to here, not to this build's CAP_LAST_CAP: the kernel may know
// capabilities that the headers skiff was built with do not (64: the width of its masks).
constexpr unsigned long highest_capability = 63;
}  // namespace

SysResult<void> drop_privileges() {
    for (unsigned long cap = 0; cap <= highest_capability; ++cap) {
        // EINVAL: a capability this kernel does not know; nothing to drop.
        if (::prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0 && errno != EINVAL)
            return sys_fail("prctl PR_CAPBSET_DROP", std::to_string(cap));
    }
    if (::prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) != 0)
        return sys_fail("prctl PR_CAP_AMBIENT_CLEAR_ALL");
    std::unique_ptr<_cap_struct, int (*)(void*)> caps(cap_init(), cap_free);
    if (!caps || cap_set_proc(caps.get()) != 0) return sys_fail("cap_set_proc", "empty set");
    if (::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) return sys_fail("prctl PR_SET_NO_NEW_PRIVS");
    return {};
}

SysResult<std::string> find_command(const std::string& name, const std::string& path) {
    if (name.find('/') != std::string::npos) return name;
    int first_error = ENOENT;
    for (std::string_view dir : split(path, ':')) {
        std::string candidate = (dir.empty() ? std::string(".") : std::string(dir)) + "/" + name;
        struct stat st {};
        if (::stat(candidate.c_str(), &st) != 0 || S_ISDIR(st.st_mode)) continue;
        if (::access(candidate.c_str(), X_OK) == 0) return candidate;
        first_error = EACCES;
    }
    return sys_fail("execve", name, first_error);
}

SysError exec_command(const std::string& file, const std::vector<std::string>& argv, const EnvMap& env) {
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    std::vector<std::string> entries;
    entries.reserve(env.size());
    for (const auto& [name, value] : env) entries.push_back(name + "=" + value);
    std::vector<char*> envp;
    for (auto& e : entries) envp.push_back(e.data());
    envp.push_back(nullptr);
    ::execve(file.c_str(), args.data(), envp.data());
    return SysError{errno, "execve", file};
}

}  // namespace skiff::ns
