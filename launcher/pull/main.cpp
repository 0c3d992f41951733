#include <unistd.h>

#include <cstdio>
#include <exception>
#include <string>
#include <vector>

#include "common/exit_codes.hpp"
#include "launcher/pull/commands.hpp"

namespace skiff::pull {

int report(const std::string& message) {
    std::fprintf(stderr, "skiff: error: %s\n", message.c_str());
    return exit_code::setup_failed;
}

namespace {

constexpr const char* usage =
    "usage: skiff-pull pull REF [-o FILE]            (run by skiff image pull and skiff run)\n"
    "       skiff-pull import PATH[:TAG] -o FILE.sqsh [--gzip]\n"
    "       skiff-pull resolve REF                      (run by skiff image resolve)\n"
    "       skiff-pull save -o FILE --tree FD --image FD ... (run by skiff run --save)\n";

int dispatch(const std::vector<std::string>& words) {
    if (words.empty()) {
        std::fputs(usage, stderr);
        return exit_code::setup_failed;
    }
    std::vector<std::string> rest(words.begin() + 1, words.end());
    if (words[0] == "pull") return pull_command(rest, env_from_envp(environ));
    if (words[0] == "import") return import_command(rest);
    if (words[0] == "resolve") return resolve_command(rest, env_from_envp(environ));
    if (words[0] == "save") return save_command(rest);
    return report("skiff-pull: unknown command '" + words[0] + "'\n" + usage);
}

}  // namespace
}  // namespace skiff::pull

int main(int argc, char** argv) {
    try {
        return skiff::pull::dispatch(std::vector<std::string>(argv + 1, argv + argc));
    } catch (const std::exception& e) {
        return skiff::pull::report(std::string("internal error: ") + e.what());
    }
}
