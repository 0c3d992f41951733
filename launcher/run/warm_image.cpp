#include "launcher/run/warm_image.hpp"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <thread>

#include "namespaces/image_server/image_server.hpp"

namespace skiff::run {
namespace {

constexpr int spare_lifetime_seconds = 60;

ns::ImageServerConfig server_config(const plan::LaunchPlan& plan) {
    const auto& serving = plan.serving;
    // Spares hold host state captured when they were built (binds), so they do not outlive a
    // minute, nor a shorter idle timeout.
    return ns::ImageServerConfig{.image = plan.image.path,
                                 .directory = serving.server_directory,
                                 .directory_fd = serving.server_directory_fd,
                                 .name = serving.server_name,
                                 .uid = plan.ids.outside_uid,
                                 .gid = plan.ids.outside_gid,
                                 .idle_seconds = serving.idle_seconds,
                                 .spare_seconds = std::min(spare_lifetime_seconds, serving.idle_seconds),
                                 .retire_with = serving.retire_with,
                                 .threads = static_cast<unsigned>(serving.threads),
                                 .cache_mib = static_cast<unsigned>(serving.cache_mib),
                                 .profiles_fd = serving.read_profiles_fd};
}

bool no_server(const SysError& error) { return error.code == ENOENT || error.code == ECONNREFUSED; }

SysResult<UniqueFd> connect(const ns::ImageServerConfig& config) {
    return ns::connect_image_server(config.directory_fd, config.socket_name(), config.uid, config.socket_path());
}

// A server that another launch is starting listens within milliseconds.
SysResult<UniqueFd> connect_soon(const ns::ImageServerConfig& config) {
    auto connection = connect(config);
    for (int attempt = 0; attempt < 200 && !connection && no_server(connection.error()); ++attempt) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
        connection = connect(config);
    }
    return connection;
}

SysResult<UniqueFd> connect_or_start(const ns::ImageServerConfig& config, std::string& how) {
    auto connection = connect(config);
    if (connection || !no_server(connection.error())) {
        how = "the image server at " + config.socket_path();
        return connection;
    }
    auto started = ns::spawn_image_server(config);
    if (!started) return Unexpected(started.error());
    how = *started ? "started the image server at " + config.socket_path()
                   : "the image server another launch started at " + config.socket_path();
    return connect_soon(config);
}

}  // namespace

SysResult<UniqueFd> connect_server(const plan::LaunchPlan& plan) { return connect(server_config(plan)); }

WarmImage warm_image(const plan::LaunchPlan& plan, const SpareChoice& spares) {
    WarmImage warm;
    if (!plan.serving.warm) {
        warm.note = "cold: " + plan.serving.cold_reason;
        return warm;
    }
    auto config = server_config(plan);
    std::string how;
    // A spare builder never starts a server: the one it builds for may have just retired.
    auto connection = spares.building ? connect(config) : connect_or_start(config, how);
    if (!connection) {
        warm.note = "cold: no image server (" + connection.error().describe() + ")";
        // Someone else's server where the user's should be: never used, and said.
        if (connection.error().code == EPERM) warm.warning = connection.error().describe() + "; starting cold";
        return warm;
    }
    if (spares.building) {
        auto tree = ns::request_spare_tree(connection->get());
        if (!tree) {
            warm.note = "no clone for a spare (" + tree.error().describe() + ")";
            return warm;
        }
        warm.tree = std::move(tree->tree);
        warm.note = "building a spare";
        warm.server = std::move(tree->server);
        return warm;
    }
    if (spares.key.empty()) {
        auto tree = ns::request_image_tree(connection->get());
        if (!tree) {
            warm.note = "cold: the image server failed (" + tree.error().describe() + ")";
            return warm;
        }
        warm.tree = std::move(*tree);
        warm.note = "warm (clone): " + how + " (no spares: " + spares.why_not + ")";
        return warm;
    }
    auto reply = ns::request_warm(connection->get(), spares.key, spares.wanted);
    if (!reply) {
        warm.note = "cold: the image server failed (" + reply.error().describe() + ")";
        return warm;
    }
    std::string building = reply->start_builder ? "; starting its builder of spares for later launches" : "";
    warm.note = reply->spare
                    ? "warm (spare): " + how + ": namespaces built ahead for this plan (key " + spares.key + ")" + building
                    : "warm (clone): " + how + ": no spare for this plan yet" + building;
    warm.spare = std::move(reply->spare);
    warm.tree = std::move(reply->tree);
    warm.start_builder = reply->start_builder;
    return warm;
}

}  // namespace skiff::run
