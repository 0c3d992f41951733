#include "launcher/run/warm_image.hpp"

#include <unistd.h>

#include <chrono>
#include <thread>

#include "namespaces/image_server.hpp"
#include "namespaces/unix_socket.hpp"

namespace skiff::run {
namespace {

ns::ImageServerConfig server_config(const plan::LaunchPlan& plan) {
    const auto& serving = plan.serving;
    return {plan.image.path, serving.server_directory, serving.server_name,
            plan.ids.outside_uid, plan.ids.outside_gid, serving.idle_seconds, serving.retire_with};
}

bool no_server(const ns::SysError& error) { return error.code == ENOENT || error.code == ECONNREFUSED; }

// A server that another launch is starting listens within milliseconds.
ns::SysResult<ns::UniqueFd> connect_soon(const std::string& socket) {
    auto connection = ns::connect_unix(socket);
    for (int attempt = 0; attempt < 200 && !connection && no_server(connection.error()); ++attempt) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
        connection = ns::connect_unix(socket);
    }
    return connection;
}

ns::SysResult<ns::UniqueFd> connect_or_start(const ns::ImageServerConfig& config, std::string& how) {
    auto connection = ns::connect_unix(config.socket_path());
    if (connection || !no_server(connection.error())) {
        how = "warm: the image server at " + config.socket_path();
        return connection;
    }
    auto started = ns::spawn_image_server(config);
    if (!started) return Unexpected(started.error());
    how = *started ? "warm: started the image server at " + config.socket_path()
                   : "warm: the image server another launch started at " + config.socket_path();
    return connect_soon(config.socket_path());
}

}  // namespace

WarmImage warm_image(const plan::LaunchPlan& plan) {
    if (!plan.serving.warm) return {{}, "cold: " + plan.serving.cold_reason};
    auto config = server_config(plan);
    std::string how;
    auto connection = connect_or_start(config, how);
    if (!connection) return {{}, "cold: no image server (" + connection.error().describe() + ")"};
    auto tree = ns::request_image_tree(connection->get());
    if (!tree) return {{}, "cold: the image server failed (" + tree.error().describe() + ")"};
    return {std::move(*tree), how};
}

}  // namespace skiff::run
