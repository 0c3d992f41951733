#include <algorithm>
#include <cstdio>
#include <filesystem>

#include "common/exit_codes.hpp"
#include "launcher/cli/commands.hpp"

namespace skiff::cli {

std::string current_directory() {
    std::error_code ec;
    auto cwd = std::filesystem::current_path(ec);
    return ec ? std::string("/") : cwd.string();
}

int report(const std::string& message) {
    // "" means the error was already printed (by skiff-pull, whose error line is the one line).
    if (!message.empty()) std::fprintf(stderr, "skiff: error: %s\n", message.c_str());
    return exit_code::setup_failed;
}

void print_warnings(const std::vector<std::string>& warnings) {
    for (const auto& w : warnings) std::fprintf(stderr, "skiff: warning: %s\n", w.c_str());
}

bool asks_for_help(const std::vector<std::string>& args) {
    return std::any_of(args.begin(), args.end(), [](const std::string& a) { return a == "--help" || a == "-h"; });
}

int help_reply(const std::string& usage) {
    std::fputs(usage.c_str(), stdout);
    return 0;
}

}  // namespace skiff::cli
