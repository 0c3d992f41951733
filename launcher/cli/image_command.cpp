// `skiff image servers` and `skiff image stop [IMAGE] [--force]`: the user's warm image
// servers (namespaces/image_server/image_server.hpp) on this node; and the servers' own entry point.
#include <fcntl.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <map>
#include <optional>
#include <string_view>
#include <utility>

#include "common/exit_codes.hpp"
#include "launcher/cli/commands.hpp"
#include "launcher/image/local.hpp"
#include "launcher/image/store.hpp"
#include "launcher/gather/runtime_dir.hpp"
#include "namespaces/image_server/abandoned_files.hpp"
#include "namespaces/image_server/image_server.hpp"
#include "namespaces/image_server/image_server_process.hpp"
#include "namespaces/pidfd.hpp"

namespace skiff::cli {
namespace {

constexpr const char* image_usage =
    "usage: skiff image pull REF | import PATH[:TAG] -o FILE.sqsh [--gzip] | ls | rm REF\n"
    "       skiff image resolve REF | skiff image resolve -e NAME|PATH\n"
    "       skiff image servers | skiff image stop [IMAGE] [--force]\n";

// What `skiff image SUBCOMMAND --help` prints.
constexpr std::array<std::pair<std::string_view, std::string_view>, 7> subcommand_usages = {{
    {"pull", "usage: skiff image pull REF   pull a registry image into the image store\n"},
    {"import", "usage: skiff image import PATH[:TAG] -o FILE.sqsh [--gzip]\n"
               "  an OCI layout, a Docker save archive, a root file system directory or tarball\n"
               "  as one squashfs file (zstd; --gzip for gzip). TAG picks one of several images:\n"
               "  DIR:TAG for an OCI layout, PATH:REPO:TAG or PATH:@N for a Docker save archive\n"},
    {"ls", "usage: skiff image ls   the image store's images: reference, arch, size, date\n"},
    {"rm", "usage: skiff image rm REF   remove an image from the image store\n"},
    {"resolve", "usage: skiff image resolve REF | -e NAME|PATH   print the registry reference pinned to the\n"
                "  digest its tag names now (HOST/REPO@sha256:HEX), of REF or of the EDF's image\n"},
    {"servers", "usage: skiff image servers   your warm image servers on this node\n"},
    {"stop", "usage: skiff image stop [IMAGE] [--force]   stop your image servers (of IMAGE), after their\n"
             "  containers end; --force: at once, and remove the socket and lock files dead servers left\n"},
}};

// The usage of `subcommand`, or the whole usage for an unknown one.
std::string usage_of(const std::string& subcommand) {
    for (const auto& [name, usage] : subcommand_usages)
        if (name == subcommand) return std::string(usage);
    return image_usage;
}

struct Server {
    std::string name;                           // the image identity: NAME.sock in the servers' directory
    std::map<std::string, std::string> status;  // pid, clients, idle, launches, image
};

// "pid=1 clients=0 idle=3 launches=2 image=/a b.sqsh": the image comes last, spaces and all.
std::map<std::string, std::string> parse_status(const std::string& text) {
    std::map<std::string, std::string> fields;
    std::size_t at = 0;
    while (at < text.size()) {
        auto equals = text.find('=', at);
        if (equals == std::string::npos) break;
        std::string key = text.substr(at, equals - at);
        auto end = key == "image" ? std::string::npos : text.find(' ', equals);
        fields[key] = text.substr(equals + 1, end == std::string::npos ? std::string::npos : end - equals - 1);
        at = end == std::string::npos ? text.size() : end + 1;
    }
    return fields;
}

// A connection to the user's server at `name`; someone else's is refused (and said once).
std::optional<UniqueFd> connect_server(const gather::HeldDir& directory, const std::string& name) {
    auto connection = ns::connect_image_server(directory.fd.get(), name, ::getuid(), directory.path + "/" + name);
    if (!connection && connection.error().code == EPERM) print_warnings({connection.error().describe()});
    if (!connection) return std::nullopt;  // a server that is retiring, or died: nothing to list
    return std::move(*connection);
}

std::vector<Server> running_servers(const gather::HeldDir& directory) {
    std::vector<Server> servers;
    for (const auto& server : ns::server_names(directory.fd.get(), ".sock")) {
        auto connection = connect_server(directory, server + ".sock");
        if (!connection) continue;
        if (auto status = ns::request_status(connection->get())) servers.push_back({server, parse_status(*status)});
    }
    return servers;
}

Result<gather::HeldDir> servers_directory() {
    auto dirs = gather::state_dirs(env_from_envp(environ), ::getuid());
    if (!dirs.problem.empty()) return fail(dirs.problem);
    return std::move(dirs.image_servers);
}

int list() {
    auto directory = servers_directory();
    if (!directory) return report(directory.error().message);
    std::printf("%-8s %-8s %-8s %-9s %-7s %-10s %-10s %s\n", "PID", "CLIENTS", "IDLE", "LAUNCHES", "SPARES",
                "FROM-SPARE", "PREFETCHED", "IMAGE");
    for (const auto& server : running_servers(*directory)) {
        const auto& s = server.status;
        auto field = [&s](const char* name) { return s.contains(name) ? s.at(name) : std::string("-"); };
        std::printf("%-8s %-8s %-8s %-9s %-7s %-10s %-10s %s\n", s.at("pid").c_str(), s.at("clients").c_str(),
                    (s.at("idle") + "s").c_str(), s.at("launches").c_str(), field("spares").c_str(),
                    field("spare_launches").c_str(), field("prefetched").c_str(), s.at("image").c_str());
    }
    return 0;
}

// The image's file: a local path as given, a registry reference as the store names it (never
// pulled: a reference not in the store has no server).
Result<image::ImageSource> image_to_stop(const std::string& value) {
    if (image::is_local_path(value)) return image::classify(value, "command line", current_directory());
    auto ref = image::classify_registry(value, "command line", current_directory());
    if (!ref) return Unexpected(ref.error());
    auto store = image::locate_store(env_from_envp(environ), image::MissingStore::leave);
    if (!store) return Unexpected(store.error());
    if (store->is_void) return fail("image stop: image '" + value + "': there is no image store, so no server serves it");
    return image::classify(image::store_file(*store, *ref, image::machine_architecture()), "command line", "/");
}

// A server is named after its image's identity (plan/planner.cpp server_name), so another
// path to the same file (a symlink, a bind mount) finds the same server. `name` is the socket's
// or the lock's file name without its suffix.
bool serves(const std::string& name, const image::ImageSource& image) {
    std::string identity = std::to_string(image.device) + "-" + std::to_string(image.inode) + "-" +
                           std::to_string(image.size) + "-" + std::to_string(image.mtime_ns);
    return name == identity || name.starts_with(identity + "-");
}

// --force also clears what killed servers left (abandoned_files.hpp).
void remove_abandoned(const gather::HeldDir& directory, const std::optional<image::ImageSource>& wanted) {
    auto removed = ns::remove_abandoned_server_files(
        directory.fd.get(), [&wanted](const std::string& name) { return !wanted || serves(name, *wanted); });
    if (!removed.empty())
        std::fprintf(stderr, "skiff: removed the socket and lock of %zu dead image server(s)\n", removed.size());
}

int stop(const std::vector<std::string>& args) {
    bool force = false;
    std::optional<std::string> image;
    for (const auto& a : args) {
        if (a == "--force") force = true;
        else if (!a.starts_with("-") && !image) image = a;
        else return report("image stop: unexpected argument '" + a + "'; " + image_usage);
    }
    std::optional<image::ImageSource> wanted;
    if (image) {
        auto source = image_to_stop(*image);
        if (!source) return report(source.error().message);
        wanted = std::move(*source);
    }
    auto directory = servers_directory();
    if (!directory) return report(directory.error().message);
    int stopped = 0;
    for (const auto& server : running_servers(*directory)) {
        if (wanted && !serves(server.name, *wanted)) continue;
        auto connection = connect_server(*directory, server.name + ".sock");
        if (!connection || !ns::request_stop(connection->get(), force)) continue;
        if (!force && server.status.at("clients") != "0")
            std::fprintf(stderr, "skiff: waiting for the %s container(s) using %s\n", server.status.at("clients").c_str(),
                         server.status.at("image").c_str());
        // A retiring server exits once no container uses its image any more.
        ns::wait_for_exit(static_cast<pid_t>(std::stol(server.status.at("pid"))));
        ++stopped;
    }
    if (force) remove_abandoned(*directory, wanted);
    std::fprintf(stderr, "skiff: stopped %d image server(s)\n", stopped);
    return 0;
}

}  // namespace

int image_server_main(const std::vector<std::string>& args) {
    auto config = ns::image_server_config(args);
    if (!config) return report(std::string(ns::image_server_command) + " is started by skiff run, not by hand");
    ns::run_image_server(*config, ns::image_server_ready_fd);
}

int image_command(const std::vector<std::string>& words) {
    if (words.empty()) return report(std::string("image: ") + image_usage);
    if (asks_for_help(words)) return help_reply(usage_of(words[0]));
    std::vector<std::string> rest(words.begin() + 1, words.end());
    if (words[0] == "servers" && rest.empty()) return list();
    if (words[0] == "stop") return stop(rest);
    if (words[0] == "pull") return image_pull(rest);
    if (words[0] == "import") return image_import(rest);
    if (words[0] == "ls") return image_ls(rest);
    if (words[0] == "rm") return image_rm(rest);
    if (words[0] == "resolve") return image_resolve(rest);
    return report("image: unknown subcommand '" + words[0] + "'; " + image_usage);
}

}  // namespace skiff::cli
