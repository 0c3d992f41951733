#include "launcher/edf/search.hpp"

#include "common/split.hpp"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>

#include "launcher/edf/paths.hpp"

namespace skiff::edf {
namespace {

constexpr std::string_view kSuffix = ".toml";

bool is_path_form(std::string_view arg) {
    return arg.find('/') != std::string_view::npos || arg.ends_with(kSuffix);
}

bool is_regular_file(const std::string& path) {
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

std::string join_dirs(const std::vector<std::string>& dirs) {
    std::string out;
    for (const std::string& dir : dirs) out += (out.empty() ? "" : ":") + dir;
    return out;
}

std::string not_found_in(const std::vector<std::string>& dirs) {
    if (dirs.empty()) return "not found: the search path is empty (HOME and EDF_PATH give no directory)";
    return "not found in " + join_dirs(dirs);
}

// The first <dir>/<file> that is a regular file, or "".
std::string find_on_path(std::string_view file, const std::vector<std::string>& dirs) {
    for (const std::string& dir : dirs) {
        std::string candidate = dir + "/" + std::string(file);
        if (is_regular_file(candidate)) return candidate;
    }
    return {};
}

Expected<Located, LocateError> locate_path(std::string_view arg, std::string_view cwd,
                                           const std::vector<std::string>& dirs) {
    std::string path = make_absolute(cwd, arg);
    struct stat st {};
    LocateError error;
    if (::stat(path.c_str(), &st) != 0) {
        int err = errno;
        error.reason = std::strerror(err);
        if (err == ENOENT && arg.find('/') == std::string_view::npos) error.suggestion = find_on_path(arg, dirs);
        return Unexpected(error);
    }
    if (S_ISDIR(st.st_mode)) error.reason = std::strerror(EISDIR);
    else if (!S_ISREG(st.st_mode)) error.reason = "not a regular file";
    if (!error.reason.empty()) return Unexpected(error);
    return Located{path, FileId{st.st_dev, st.st_ino}};
}

Expected<Located, LocateError> locate_name(std::string_view arg, const std::vector<std::string>& dirs) {
    std::string path = find_on_path(std::string(arg) + std::string(kSuffix), dirs);
    struct stat st {};
    if (path.empty() || ::stat(path.c_str(), &st) != 0) return Unexpected(LocateError{true, {}, {}});
    return Located{path, FileId{st.st_dev, st.st_ino}};
}

std::string stem(std::string_view arg) { return std::string(arg.substr(0, arg.size() - kSuffix.size())); }

}  // namespace

std::vector<std::string> search_path(const EnvMap& host_env, Diagnostics& diag) {
    std::vector<std::string> dirs;
    bool configured = false;
    if (auto it = host_env.find("EDF_PATH"); it != host_env.end()) {
        for (std::string_view entry : split(it->second, ':')) {
            if (entry.empty()) continue;
            configured = true;
            if (entry.starts_with('/')) dirs.push_back(clean_path(entry));
            else diag.warn("EDF_PATH entry '" + std::string(entry) + "' is not an absolute path and is skipped");
        }
    }
    if (configured) return dirs;
    if (auto home = host_env.find("HOME"); home != host_env.end() && !home->second.empty())
        dirs.push_back(clean_path(home->second + "/.edf"));
    return dirs;
}

Expected<Located, LocateError> locate(std::string_view arg, std::string_view cwd,
                                      const std::vector<std::string>& dirs) {
    if (arg.empty()) return Unexpected(LocateError{false, "empty name", {}});
    if (is_path_form(arg)) return locate_path(arg, cwd, dirs);
    return locate_name(arg, dirs);
}

std::string describe_top_level(std::string_view arg, const LocateError& error, const std::vector<std::string>& dirs) {
    std::string quoted = "'" + std::string(arg) + "'";
    if (arg.empty()) return "--environment needs a name or a path; for example --environment=./job.toml";
    if (error.is_name)
        return "environment " + quoted + " " + not_found_in(dirs) + "; set EDF_PATH or pass a path such as ./" +
               std::string(arg) + ".toml";
    if (!error.suggestion.empty())
        return "cannot open EDF " + quoted + "; did you mean --environment=" + stem(arg) + " (found " +
               error.suggestion + ")?";
    return "cannot open EDF " + quoted + ": " + error.reason;
}

std::string describe_parent(std::string_view where, std::string_view arg, const LocateError& error,
                            const std::vector<std::string>& dirs) {
    std::string head = std::string(where) + ": ";
    std::string quoted = "'" + std::string(arg) + "'";
    if (error.is_name) return head + "base_environment " + quoted + " " + not_found_in(dirs);
    if (!error.suggestion.empty())
        return head + "cannot open base_environment " + quoted + "; did you mean base_environment = \"" + stem(arg) +
               "\" (found " + error.suggestion + ")?";
    return head + "cannot open base_environment " + quoted + ": " + error.reason;
}

}  // namespace skiff::edf
