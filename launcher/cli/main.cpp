#include <unistd.h>

#include <cstdio>
#include <exception>
#include <string>
#include <vector>

#include "common/exit_codes.hpp"
#include "launcher/cli/commands.hpp"
#include "namespaces/image_server/image_server.hpp"

namespace skiff::cli {
namespace {

constexpr const char* usage =
    "usage: skiff run [OPTIONS] [--] COMMAND [ARG...]   run a command in a container\n"
    "       skiff edf show NAME|PATH [--json]          the environment after inheritance\n"
    "       skiff edf check NAME|PATH...               validate environment definition files\n"
    "       skiff ldcache build --root DIR|--image IMAGE [--add-dir DIR]... [--inject HOSTDIR:DIR]... -o FILE\n"
    "                                                  the ld.so.cache skiff would install\n"
    "       skiff ldcache print FILE|--root DIR        its entries, like ldconfig -p\n"
    "       skiff image pull REF                       pull a registry image into the image store\n"
    "       skiff image import PATH[:TAG] -o FILE.sqsh [--gzip]\n"
    "                                                  OCI layout, Docker archive, rootfs as squashfs\n"
    "       skiff image ls                             the image store's images\n"
    "       skiff image rm REF                         remove one from the image store\n"
    "       skiff image resolve REF | -e NAME|PATH     the tag pinned to its digest (HOST/REPO@sha256:HEX)\n"
    "       skiff image servers                        the user's warm image servers on this node\n"
    "       skiff image stop [IMAGE] [--force]         stop them (after their containers end)\n"
    "       skiff doctor [--json]                      check this node for what skiff needs\n"
    "       skiff --version | --help;  skiff COMMAND [SUBCOMMAND] --help for each\n"
    "\n"
    "exit status: the command's own (128+N if signal N killed it); 125 if skiff failed before\n"
    "the command started, 126 if the command cannot be executed, 127 if it was not found.\n";

int dispatch(const std::vector<std::string>& words) {
    if (words.empty()) {
        std::fputs(usage, stderr);
        return exit_code::setup_failed;
    }
    std::vector<std::string> rest(words.begin() + 1, words.end());
    if (words[0] == "run") return run_command(rest, environ);
    if (words[0] == "edf") return edf_command(rest, environ);
    if (words[0] == "ldcache") return ldcache_command(rest);
    if (words[0] == "image") return image_command(rest);
    if (words[0] == "doctor") return doctor_command(rest, environ);
    if (words[0] == ns::image_server_command) return image_server_main(rest);
    if (words[0] == "__container-holder") return holder_command(rest, environ);
    if (words[0] == "--version" || words[0] == "version") {
        std::puts("skiff " SKIFF_VERSION);
        return 0;
    }
    if (words[0] == "--help" || words[0] == "-h" || words[0] == "help") {
        std::fputs(usage, stdout);
        return 0;
    }
    return report("unknown command '" + words[0] + "'; see skiff --help");
}

}  // namespace
}  // namespace skiff::cli

int main(int argc, char** argv) {
    try {
        return skiff::cli::dispatch(std::vector<std::string>(argv + 1, argv + argc));
    } catch (const std::exception& e) {
        return skiff::cli::report(std::string("internal error: ") + e.what());
    } catch (...) {
        return skiff::cli::report("internal error");
    }
}
