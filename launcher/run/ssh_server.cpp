#include "launcher/run/ssh_server.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <sstream>

#include "hooks/ssh/ssh_files.hpp"
#include "launcher/run/server_ready.hpp"
#include "namespaces/mount_ops.hpp"
#include "namespaces/path_in_root.hpp"
#include "namespaces/ssh_keygen.hpp"
#include "namespaces/supervised_server.hpp"

namespace skiff::run {
namespace {

constexpr const char* host_key = "ssh_host_ed25519_key";
constexpr auto ready_timeout = std::chrono::seconds(10);

std::string in_ssh_dir(const std::string& name) { return std::string(hooks::ssh_dir) + "/" + name; }

Error ssh_error(const SysError& error) { return error.to_error("com.hooks.ssh"); }

Result<UniqueFd> tcp_socket(int port, sockaddr_in& address, bool loopback) {
    UniqueFd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    if (!fd.valid()) return Unexpected(ssh_error({errno, "socket", "port " + std::to_string(port)}));
    address = {};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<std::uint16_t>(port));
    address.sin_addr.s_addr = htonl(loopback ? INADDR_LOOPBACK : INADDR_ANY);
    return fd;
}

bool accepts_connections(int port) {
    sockaddr_in address{};
    auto fd = tcp_socket(port, address, true);
    return fd && ::connect(fd->get(), reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
}

Result<void> write_file(int dir_fd, const std::string& name, const std::string& content, mode_t mode) {
    UniqueFd fd(::openat(dir_fd, name.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode));
    bool ok = fd.valid() && ::fchmod(fd.get(), mode) == 0 &&
              ::write(fd.get(), content.data(), content.size()) == static_cast<ssize_t>(content.size());
    if (!ok) return Unexpected(ssh_error({errno, "write", in_ssh_dir(name)}));
    return {};
}

Result<void> write_files(const plan::SshServer& ssh, const EnvMap& env, int dir_fd) {
    const std::string sshd_self = in_ssh_dir("sshd");
    const std::pair<const char*, std::string> private_files[] = {
        {"authorized_keys", ssh.authorized_keys}, {"environment", hooks::ssh_environment_file(env)}, {"sshd_config", ssh.config}};
    std::vector<std::pair<std::string, std::string>> scripts = {
        {"session", hooks::ssh_session_script()}, {"sshd", hooks::ssh_loader_script(ssh.loader, "sshd", sshd_self)}};
    for (const auto& helper : ssh.helpers) scripts.emplace_back(helper, hooks::ssh_loader_script(ssh.loader, helper, ""));
    for (const auto& [name, content] : private_files)
        if (auto r = write_file(dir_fd, name, content, 0600); !r) return r;
    for (const auto& [name, content] : scripts)
        if (auto r = write_file(dir_fd, name, content, 0755); !r) return r;
    return {};
}

// The step's keys and client files (plan::JobSsh), or a new host key of the container's own.
Result<void> write_keys(const plan::SshServer& ssh, int dir_fd) {
    if (!ssh.job) return ns::generate_host_key(dir_fd, host_key);
    const auto& job = *ssh.job;
    const auto& keys = job.keys;
    const std::pair<const char*, std::string> files[] = {
        {host_key, keys.host_key}, {"id_ed25519", keys.user_key}, {"known_hosts", job.known_hosts},
        {"ssh_config", job.client_config}};
    for (const auto& [name, content] : files)
        if (auto r = write_file(dir_fd, name, content, 0600); !r) return r;
    if (auto r = write_file(dir_fd, std::string(host_key) + ".pub", keys.host_public + "\n", 0644); !r) return r;
    return write_file(dir_fd, "id_ed25519.pub", keys.user_public + "\n", 0644);
}

Result<void> bind_host_files(const plan::SshServer& ssh, int root_fd, std::vector<UniqueFd>& sources) {
    ns::MountAttributes read_only;
    read_only.read_only = read_only.nodev = true;
    for (std::size_t i = 0; i < ssh.host_files.size(); ++i) {
        std::string destination = std::string(hooks::ssh_host_dir) + "/" + ssh.host_files[i].second;
        auto target = ns::ensure_in_root(root_fd, destination, ns::NodeKind::file);
        if (!target) return Unexpected(ssh_error(target.error()));
        if (auto r = ns::set_attributes(sources[i].get(), read_only, false, destination); !r) return Unexpected(ssh_error(r.error()));
        if (auto r = ns::attach(sources[i].get(), target->get(), destination); !r) return Unexpected(ssh_error(r.error()));
    }
    return {};
}

std::string sshd_log_tail() {
    auto tail = log_tail(in_ssh_dir("sshd.log"));
    return tail.empty() ? "(sshd.log is empty)" : tail;
}

Result<void> wait_until_listening(const plan::SshServer& ssh, int alive_fd) {
    auto readiness = wait_until_ready([&ssh] { return accepts_connections(ssh.port); }, alive_fd, ready_timeout);
    if (readiness == Readiness::ready) return {};
    if (readiness == Readiness::exited)
        return fail("com.hooks.ssh: sshd exited before listening on port " + std::to_string(ssh.port) + ": " + sshd_log_tail());
    return fail("com.hooks.ssh: sshd did not listen on port " + std::to_string(ssh.port) + " within 10 s: " + sshd_log_tail());
}

// "256 SHA256:x me@host (ED25519)" lines -> "ED25519 SHA256:x me@host, ..."
std::string accepted_keys(const std::string& fingerprints) {
    std::istringstream lines(fingerprints);
    std::string line, out;
    while (std::getline(lines, line)) {
        auto first = line.find(' '), open = line.rfind(" (");
        if (first == std::string::npos || open == std::string::npos || open < first || line.back() != ')') continue;
        std::string type = line.substr(open + 2, line.size() - open - 3);
        out += (out.empty() ? "" : ", ") + type + " " + line.substr(first + 1, open - first - 1);
    }
    return out.empty() ? fingerprints : out;
}

}  // namespace

Result<void> check_ssh_port(const plan::SshServer& ssh) {
    sockaddr_in address{};
    auto fd = tcp_socket(ssh.port, address, false);
    if (!fd) return Unexpected(fd.error());
    int on = 1;
    ::setsockopt(fd->get(), SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);  // as sshd does
    if (::bind(fd->get(), reinterpret_cast<sockaddr*>(&address), sizeof address) == 0) return {};
    if (errno == EADDRINUSE)
        return fail("com.hooks.ssh.port: port " + std::to_string(ssh.port) +
                    " is busy on this node; choose another com.hooks.ssh.port");
    return Unexpected(ssh_error({errno, "bind", "0.0.0.0:" + std::to_string(ssh.port)}));
}

Result<std::vector<UniqueFd>> open_ssh_sources(const plan::SshServer& ssh) {
    std::vector<UniqueFd> trees;
    for (const auto& [path, name] : ssh.host_files) {
        auto tree = ns::clone_tree(path, false);
        if (!tree) return Unexpected(ssh_error(tree.error()));
        trees.push_back(std::move(*tree));
    }
    return trees;
}

Result<std::string> install_ssh(const plan::SshServer& ssh, const EnvMap& env, int root_fd,
                                std::vector<UniqueFd>& sources) {
    auto mountpoint = ns::ensure_in_root(root_fd, hooks::ssh_dir, ns::NodeKind::directory);
    if (!mountpoint) return Unexpected(ssh_error(mountpoint.error()));
    std::string where = "/proc/self/fd/" + std::to_string(mountpoint->get());
    if (auto r = ns::mount_tmpfs(where, "mode=0755,size=4m"); !r) return Unexpected(ssh_error(r.error()));
    auto dir = ns::open_in_root(root_fd, hooks::ssh_dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (!dir) return Unexpected(ssh_error(dir.error()));
    if (auto r = write_files(ssh, env, dir->get()); !r) return Unexpected(r.error());
    if (auto r = write_keys(ssh, dir->get()); !r) return Unexpected(r.error());
    if (auto r = bind_host_files(ssh, root_fd, sources); !r) return Unexpected(r.error());
    auto fingerprints = ns::key_fingerprints(dir->get(), "authorized_keys");
    if (!fingerprints) return Unexpected(fingerprints.error());
    return std::move(*fingerprints);
}

Result<void> start_ssh(const plan::SshServer& ssh, const std::string& fingerprints, const Timeline& timeline) {
    const std::string host = hooks::ssh_host_dir;
    ns::ServerSpec spec;
    spec.argv = {host + "/" + ssh.loader, "--inhibit-cache", "--library-path", host + "/lib", "--argv0",
                 in_ssh_dir("sshd"), host + "/sshd", "-D", "-e", "-f", in_ssh_dir("sshd_config")};
    spec.log_path = in_ssh_dir("sshd.log");
    spec.fresh_devpts = true;
    auto alive = ns::start_supervised_server(spec);
    if (!alive) return Unexpected(ssh_error(alive.error()));
    if (auto r = wait_until_listening(ssh, alive->get()); !r) return r;
    timeline.note("ssh: listening on 0.0.0.0:" + std::to_string(ssh.port) + "; accepting " + accepted_keys(fingerprints) +
                  " from " + ssh.key_file);
    return {};
}

}  // namespace skiff::run
