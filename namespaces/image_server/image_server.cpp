#include "namespaces/image_server/image_server.hpp"

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <cstdlib>

#include "namespaces/fd_passing.hpp"
#include "namespaces/spawn.hpp"
#include "namespaces/unix_socket.hpp"

namespace skiff::ns {
namespace {

// Mounting and parsing the image's tables take milliseconds; a server that has not answered
// after this long is stuck (e.g. on a hung file system) and the launch goes cold instead.
constexpr int ready_timeout_ms = 10'000;

SysResult<std::string> await_ready(int ready_fd, const std::string& image) {
    pollfd pfd{ready_fd, POLLIN, 0};
    if (::poll(&pfd, 1, ready_timeout_ms) != 1) return sys_fail("image server did not start in time", image, ETIMEDOUT);
    char buffer[512];
    ssize_t n = ::read(ready_fd, buffer, sizeof buffer);
    if (n <= 0) return sys_fail("image server exited before it was ready", image, ECHILD);
    return std::string(buffer, static_cast<std::size_t>(n));
}

SysResult<std::string> ask(int connection, const std::string& request) {
    if (auto r = send_message(connection, request); !r) return Unexpected(r.error());
    auto reply = receive_message(connection);
    if (!reply) return Unexpected(reply.error());
    if (reply->payload.empty()) return sys_fail("image server closed the connection", "", ECONNRESET);
    return std::move(reply->payload);
}

}  // namespace

SysResult<bool> spawn_image_server(const ImageServerConfig& config) {
    int pipe_fds[2];
    if (::pipe2(pipe_fds, O_CLOEXEC) != 0) return sys_fail("pipe2", "image server");
    UniqueFd ours(pipe_fds[0]), theirs(pipe_fds[1]);
    // Detached: the server is nobody's child, so no command ever waits for it. It is
    // re-executed so that its command line names the server and its image, not the launch.
    SpawnSpec spec{"/proc/self/exe", image_server_argv(config), {},
                   {{theirs.get(), image_server_ready_fd}, {config.directory_fd, image_server_directory_fd}}};
    if (config.profiles_fd >= 0) spec.fds.push_back({config.profiles_fd, image_server_profiles_fd});
    auto started = spawn_detached(spec);
    theirs.reset();
    if (!started) return Unexpected(started.error());
    auto answer = await_ready(ours.get(), config.image);
    if (!answer) return Unexpected(answer.error());
    if (*answer == "R") return true;
    if (*answer == "B") return false;
    return sys_fail("image server: " + answer->substr(1), config.image, EINVAL);
}

std::vector<std::string> image_server_argv(const ImageServerConfig& c) {
    return {"skiff", image_server_command, c.image, c.directory, c.name,
            std::to_string(c.uid), std::to_string(c.gid), std::to_string(c.idle_seconds), std::to_string(c.retire_with),
            std::to_string(c.spare_seconds), std::to_string(c.threads), std::to_string(c.cache_mib),
            c.profiles_fd >= 0 ? "profiles" : "-"};
}

std::optional<ImageServerConfig> image_server_config(const std::vector<std::string>& args) {
    if (args.size() != 11 || (args[10] != "profiles" && args[10] != "-")) return std::nullopt;
    ImageServerConfig c{.image = args[0], .directory = args[1], .name = args[2]};
    try {
        c.uid = static_cast<uid_t>(std::stoul(args[3]));
        c.gid = static_cast<gid_t>(std::stoul(args[4]));
        c.idle_seconds = std::stoi(args[5]);
        c.retire_with = static_cast<pid_t>(std::stol(args[6]));
        c.spare_seconds = std::stoi(args[7]);
        c.threads = static_cast<unsigned>(std::stoul(args[8]));
        c.cache_mib = static_cast<unsigned>(std::stoul(args[9]));
        c.profiles_fd = args[10] == "profiles" ? image_server_profiles_fd : -1;
    } catch (const std::exception&) {
        return std::nullopt;
    }
    return c;
}

SysResult<UniqueFd> connect_image_server(int directory, const std::string& socket_name, uid_t uid,
                                         const std::string& shown) {
    auto connection = connect_unix_at(directory, socket_name, shown);
    if (!connection) return connection;
    // Through the held directory, which is private, only root could have put someone else's
    // socket here; the check costs one getsockopt and holds whatever the directory's history.
    auto peer = peer_credentials(connection->get());
    if (!peer) return Unexpected(peer.error());
    if (peer->uid != uid)
        return sys_fail("refused an image server run by uid " + std::to_string(peer->uid) + ", not by you (uid " +
                            std::to_string(uid) + "), at",
                        shown, EPERM);
    return connection;
}

SysResult<UniqueFd> request_image_tree(int connection) {
    if (auto r = send_message(connection, "C"); !r) return Unexpected(r.error());
    auto reply = receive_message(connection);
    if (!reply) return Unexpected(reply.error());
    if (reply->payload == "M" && reply->fd.valid()) return std::move(reply->fd);
    std::string why = reply->payload.empty() ? "closed the connection" : reply->payload.substr(1);
    return sys_fail("image server: " + why, "", EPROTO);
}

// Request "W<wanted> <key>"; reply "S<start>" with the user and mount namespaces, or
// "M<start>" with the clone; start is 1 when the caller should start the key's builder.
SysResult<WarmReply> request_warm(int connection, const std::string& key, int wanted) {
    if (auto r = send_message(connection, "W" + std::to_string(wanted) + " " + key); !r) return Unexpected(r.error());
    auto reply = receive_message(connection);
    if (!reply) return Unexpected(reply.error());
    const std::string& p = reply->payload;
    WarmReply warm;
    warm.start_builder = p.size() > 1 && p[1] == '1';
    if (p.starts_with("S") && reply->fd.valid() && reply->more.size() == 1) {
        warm.spare = SpareNamespaces{std::move(reply->fd), std::move(reply->more[0])};
        return warm;
    }
    if (p.starts_with("M") && reply->fd.valid()) {
        warm.tree = std::move(reply->fd);
        return warm;
    }
    std::string why = p.empty() ? "closed the connection" : p.substr(1);
    return sys_fail("image server: " + why, "", EPROTO);
}

// Request "B"; reply "M<server token>" with the clone.
SysResult<SpareTree> request_spare_tree(int connection) {
    if (auto r = send_message(connection, "B"); !r) return Unexpected(r.error());
    auto reply = receive_message(connection);
    if (!reply) return Unexpected(reply.error());
    if (reply->payload.size() > 1 && reply->payload[0] == 'M' && reply->fd.valid())
        return SpareTree{std::move(reply->fd), reply->payload.substr(1)};
    std::string why = reply->payload.empty() ? "closed the connection" : reply->payload.substr(1);
    return sys_fail("image server: " + why, "", EPROTO);
}

// Request "R<key>"; reply "T<token> <count>".
SysResult<BuilderWelcome> register_builder(int connection, const std::string& key) {
    if (auto r = send_message(connection, "R" + key); !r) return Unexpected(r.error());
    auto reply = receive_message(connection);
    if (!reply) return Unexpected(reply.error());
    const std::string& p = reply->payload;
    auto space = p.find(' ');
    if (!p.starts_with("T") || space == std::string::npos)
        return sys_fail("image server refused the builder", "", EPROTO);
    return BuilderWelcome{p.substr(1, space - 1), std::atoi(p.c_str() + space + 1)};
}

SysResult<BuildRequest> next_build_request(int connection) {
    auto request = receive_message(connection);
    if (!request) return Unexpected(request.error());
    const std::string& p = request->payload;
    if (!p.starts_with("N") && !p.starts_with("U")) return sys_fail("image server let the builder go", "", ENOTCONN);
    return BuildRequest{std::atoi(p.c_str() + 1), p[0] == 'U'};
}

SysResult<void> offer_spare(int connection, const SpareNamespaces& spare) {
    const int fds[] = {spare.user.get(), spare.mnt.get()};
    return send_message(connection, "A", fds);
}

SysResult<void> spare_failed(int connection) { return send_message(connection, "F"); }

SysResult<std::string> request_status(int connection) { return ask(connection, "S"); }

SysResult<void> request_stop(int connection, bool force) {
    auto reply = ask(connection, force ? "K" : "Q");
    if (!reply) return Unexpected(reply.error());
    return {};
}

}  // namespace skiff::ns
