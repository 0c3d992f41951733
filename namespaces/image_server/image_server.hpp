// The warm image server (fast-start.md, "the warm path"): one process per user and image
// identity holds the image's FUSE mount in a user and mount namespace of its own, with a warm
// page cache, and hands each launch a detached clone of it (open_tree(OPEN_TREE_CLONE), sent
// over a unix socket in the user's private runtime directory). The launch attaches the clone
// in its own namespaces, so containers share only the read-only image pages.
//
// Spares (spare_pool.hpp): pre-built namespaces for a plan, offered by launches of that plan
// and handed to a later launch of the same plan, each exactly once; dropped after
// `spare_seconds` unused and when the server retires.
//
// Lifetime: after `idle_seconds` without a launch and without a live launched process, the
// server retires: it removes its socket, releases its lock (the next launch starts a new
// server) and drops its own mount. It keeps serving the clones still attached in containers
// and exits when the kernel reports the last one gone (ENODEV), so no running container ever
// loses its root.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

#include "namespaces/image_server/spare_namespaces.hpp"
#include "common/sys_error.hpp"
#include "common/unique_fd.hpp"

namespace skiff::ns {

struct ImageServerConfig {
    std::string image;      // host path of the squashfs file
    std::string directory;  // the user's private directory for server sockets, as shown
    int directory_fd = -1;  // the same, held open: the only way to it (launcher/gather/runtime_dir.hpp)
    std::string name;       // the image identity: socket NAME.sock and lock NAME.lock
    uid_t uid = 0;          // the user, who owns the server and every file it serves
    gid_t gid = 0;
    int idle_seconds = 600;
    int spare_seconds = 60;  // an unused spare is dropped after this long (spare_pool.hpp)
    pid_t retire_with = 0;  // when this process exits the server retires at once (0: never)
    unsigned threads = 0;   // serving the image (0: one per CPU the server may use)
    unsigned cache_mib = 32;  // decompressed blocks kept for them
    int profiles_fd = -1;   // the user's directory of read profiles, held open (-1: none)

    std::string socket_name() const { return name + ".sock"; }
    std::string socket_path() const { return directory + "/" + socket_name(); }  // for messages
};

// Starts a detached server and waits until it listens. `false`: another server for the same
// image holds the lock (it is starting or running); connect to it.
SysResult<bool> spawn_image_server(const ImageServerConfig& config);

// The server runs as `skiff __image-server ARGS...` (image_server_argv) with its readiness
// pipe on fd 3 and its directory on fd 4; the skiff binary hands ARGS to image_server_config()
// and run_image_server() (image_server_process.hpp).
inline constexpr const char* image_server_command = "__image-server";
inline constexpr int image_server_ready_fd = 3;
inline constexpr int image_server_directory_fd = 4;
inline constexpr int image_server_profiles_fd = 5;  // when config.profiles_fd was given
std::vector<std::string> image_server_argv(const ImageServerConfig& config);
std::optional<ImageServerConfig> image_server_config(const std::vector<std::string>& args);

// Connects to the socket `socket_name` in the directory held as `directory`, through that
// descriptor, and makes sure that the server is `uid`'s before anything is sent or read: the
// peer's SO_PEERCRED, which names whoever called listen(), must be `uid`. Anyone else's
// server (EPERM) could hand out a tree of theirs as the container's root. `shown` names the
// socket in errors.
SysResult<UniqueFd> connect_image_server(int directory, const std::string& socket_name, uid_t uid,
                                         const std::string& shown);

// Client requests over a connection from connect_image_server().
SysResult<UniqueFd> request_image_tree(int connection);  // the detached clone

// The clone for a spare being built, which is not a launch (not counted, not a client), and
// the server's instance token: the spare may only be offered to that same server, since its
// image mount dies with it (a killed server's successor listens on the same socket).
struct SpareTree {
    UniqueFd tree;
    std::string server;
};
SysResult<SpareTree> request_spare_tree(int connection);

// A spare for the plan `key` if the server holds one, else the detached clone; `wanted`
// spares should be kept ready for the key. `start_builder`: the key has no builder yet, and
// the caller should start one (spare_pool.hpp).
struct WarmReply {
    std::optional<SpareNamespaces> spare;
    UniqueFd tree;  // when there is no spare
    bool start_builder = false;
};
SysResult<WarmReply> request_warm(int connection, const std::string& key, int wanted);

// A builder's connection (spare_pool.hpp): register for `key`, then wait for requests and
// answer each spare with offer_spare or spare_failed.
struct BuilderWelcome {
    std::string server;  // the server's token (request_spare_tree)
    int build = 0;       // spares to build now
};
SysResult<BuilderWelcome> register_builder(int connection, const std::string& key);
struct BuildRequest {
    int build = 0;
    bool urgent = false;  // the key has no spare left: build now (SparePool::Taken::urgent)
};
SysResult<BuildRequest> next_build_request(int connection);  // ENOTCONN once the server lets go
SysResult<void> offer_spare(int connection, const SpareNamespaces& spare);
SysResult<void> spare_failed(int connection);
SysResult<std::string> request_status(int connection);   // "pid=... image=... clients=..."
SysResult<void> request_stop(int connection, bool force);

}  // namespace skiff::ns
