#include "launcher/image/pull_helper.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>

#include "common/sys_error.hpp"
#include "namespaces/spawn.hpp"

namespace skiff::image {
namespace {

constexpr const char* helper_name = "skiff-pull";

std::vector<char*> argv_for(const std::string& program, const std::vector<std::string>& args) {
    std::vector<char*> argv{const_cast<char*>(program.c_str())};
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    return argv;
}

std::string last_line(std::string text) {
    while (!text.empty() && text.back() == '\n') text.pop_back();
    auto newline = text.rfind('\n');
    return newline == std::string::npos ? text : text.substr(newline + 1);
}

}  // namespace

Result<std::string> find_pull_helper() {
    std::error_code ec;
    auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
    if (ec) return fail("cannot find skiff-pull: /proc/self/exe: " + ec.message());
    auto dir = self.parent_path();
    for (const auto& candidate : {dir / helper_name, dir.parent_path() / "libexec/skiff" / helper_name})
        if (::access(candidate.c_str(), X_OK) == 0) return candidate.string();
    return fail("skiff-pull is not installed next to " + self.string() + " nor in " +
                (dir.parent_path() / "libexec/skiff").string() + "; pulls and imports need it");
}

Error exec_pull_helper(const std::vector<std::string>& args) {
    auto helper = find_pull_helper();
    if (!helper) return helper.error();
    auto argv = argv_for(*helper, args);
    ::execve(helper->c_str(), argv.data(), environ);
    return SysError{errno, "execve", *helper}.to_error("image");
}

Result<std::string> run_pull_helper(const std::vector<std::string>& args) {
    auto helper = find_pull_helper();
    if (!helper) return Unexpected(helper.error());
    std::vector<std::string> argv{*helper};
    argv.insert(argv.end(), args.begin(), args.end());
    auto pull = ns::spawn_and_capture({*helper, std::move(argv), ns::current_environment(), {}}, ns::Capture::stdout_only);
    if (!pull) return Unexpected(pull.error().to_error("image pull"));
    if (!WIFEXITED(pull->status) || WEXITSTATUS(pull->status) != 0) return fail("");  // skiff-pull printed the one error line
    return last_line(pull->output);
}

}  // namespace skiff::image
