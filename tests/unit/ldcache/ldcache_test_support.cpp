#include "tests/unit/ldcache/ldcache_test_support.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sched.h>
#include <spawn.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>

#include "namespaces/path_in_root.hpp"

namespace skiff::ldtest {
namespace fs = std::filesystem;

bool must_run() {
    const char* v = std::getenv("SKIFF_TESTS_MUST_RUN");
    return v != nullptr && std::string(v) == "1";
}

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

void write_file(const std::string& path, const std::string& data) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(data.data(), static_cast<std::streamsize>(data.size()));
}

void make_dirs(const std::string& path) { fs::create_directories(path); }

void copy_file(const std::string& from, const std::string& to) {
    fs::copy_file(from, to, fs::copy_options::overwrite_existing);
}

void make_symlink(const std::string& target, const std::string& link) {
    std::error_code ec;
    fs::remove(link, ec);
    fs::create_symlink(target, link);
}

std::optional<std::string> find_tool(const std::string& name) {
    std::string path = std::getenv("PATH") ? std::getenv("PATH") : "";
    path += ":/usr/sbin:/sbin";  // ldconfig lives in sbin, often outside a user's PATH
    std::stringstream dirs(path);
    std::string dir;
    while (std::getline(dirs, dir, ':')) {
        std::string candidate = dir + "/" + name;
        if (!dir.empty() && ::access(candidate.c_str(), X_OK) == 0) return candidate;
    }
    return std::nullopt;
}

namespace {

std::vector<char*> c_argv(const std::vector<std::string>& argv) {
    std::vector<char*> out;
    for (const auto& a : argv) out.push_back(const_cast<char*>(a.c_str()));
    out.push_back(nullptr);
    return out;
}

int decode(int status) {
    if (WIFEXITED(status)) return WEXITSTATUS(status);
    if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
    return -1;
}

void write_proc(const char* path, const std::string& text) {
    int fd = ::open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0) return;
    (void)!::write(fd, text.data(), text.size());
    ::close(fd);
}

[[noreturn]] void child_fail(const char* what) {
    std::string msg = std::string("run_in_userns: ") + what + ": " + std::strerror(errno) + "\n";
    (void)!::write(2, msg.data(), msg.size());
    ::_exit(125);
}

}  // namespace

RunResult run(const std::vector<std::string>& argv) {
    TempDir tmp;
    std::string out = tmp / "out", err = tmp / "err";
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    posix_spawn_file_actions_addopen(&fa, 2, err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    auto args = c_argv(argv);
    pid_t pid = 0;
    RunResult r;
    int rc = ::posix_spawn(&pid, args[0], &fa, nullptr, args.data(), environ);
    posix_spawn_file_actions_destroy(&fa);
    if (rc != 0) {
        r.err = std::string("posix_spawn: ") + std::strerror(rc);
        return r;
    }
    int status = 0;
    ::waitpid(pid, &status, 0);
    r.status = decode(status);
    r.out = read_file(out);
    r.err = read_file(err);
    return r;
}

RunResult run_in_userns(const std::vector<std::pair<std::string, std::string>>& binds,
                        const std::vector<std::string>& argv) {
    TempDir tmp;
    std::string out = tmp / "out", err = tmp / "err";
    int out_fd = ::open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    int err_fd = ::open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    auto args = c_argv(argv);
    uid_t uid = ::getuid();
    gid_t gid = ::getgid();
    pid_t pid = ::fork();
    if (pid == 0) {
        ::dup2(out_fd, 1);
        ::dup2(err_fd, 2);
        if (::unshare(CLONE_NEWUSER | CLONE_NEWNS) != 0) child_fail("unshare");
        write_proc("/proc/self/setgroups", "deny");
        write_proc("/proc/self/uid_map", "0 " + std::to_string(uid) + " 1");
        write_proc("/proc/self/gid_map", "0 " + std::to_string(gid) + " 1");
        if (::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) child_fail("mount private");
        for (const auto& [src, dst] : binds)
            if (::mount(src.c_str(), dst.c_str(), nullptr, MS_BIND, nullptr) != 0) child_fail(dst.c_str());
        ::execv(args[0], args.data());
        child_fail("execv");
    }
    ::close(out_fd);
    ::close(err_fd);
    RunResult r;
    int status = 0;
    if (pid > 0 && ::waitpid(pid, &status, 0) == pid) r.status = decode(status);
    r.out = read_file(out);
    r.err = read_file(err);
    return r;
}

bool userns_available() {
    static int cached = -1;
    if (cached < 0) cached = run_in_userns({}, {"/bin/true"}).status == 0 ? 1 : 0;
    return cached == 1;
}

Listing ldconfig_listing(const std::string& ldconfig, const std::string& cache_file) {
    Listing l;
    RunResult r = run({ldconfig, "-p", "-C", cache_file});
    l.raw = r.out + r.err;
    std::stringstream in(r.out);
    std::string line;
    const std::string gen = "Cache generated by: ";
    while (std::getline(in, line)) {
        if (line.starts_with(gen)) l.generator = line.substr(gen.size());
        else if (line.starts_with("\t")) {
            const std::string unknown = "(unknown or unsupported flag";
            if (auto at = line.find(unknown); at != std::string::npos) line.replace(at, unknown.size(), "(ELF");
            l.lines.push_back(line);
        }
    }
    return l;
}

std::string ldconfig_line(const ldcache::CacheEntry& e) {
    static const std::map<int, std::string> abi = {
        {0x0000, ""}, {0x0300, ",x86-64"}, {0x0a00, ",AArch64"}, {0x0500, ",64bit"},
        {0x0400, ",64bit"}, {0x1000, ",double-float"}, {0x0800, ",x32"}};
    // glibc <= 2.36 names the legacy types; later versions print "unknown or unsupported flag",
    // which ldconfig_listing() maps back to "ELF".
    static const char* const types[] = {"libc4", "ELF", "libc5", "libc6"};
    int t = e.flags & 0xff;
    std::string type = t < 4 ? types[t] : "unknown or unsupported flag";
    auto it = abi.find(e.flags & 0xff00);
    std::string req = it != abi.end() ? it->second : "," + std::to_string(e.flags & 0xff00);
    std::string hw;
    if (e.hwcaps) {
        hw = ", hwcap: \"" + *e.hwcaps + "\"";
    } else if (e.hwcap != 0) {
        char buf[32];
        std::snprintf(buf, sizeof buf, ", hwcap: 0x%016llx", static_cast<unsigned long long>(e.hwcap));
        hw = buf;
    }
    return "\t" + e.key + " (" + type + req + hw + ") => " + e.value;
}

std::vector<std::string> ldconfig_lines(const std::vector<ldcache::CacheEntry>& entries) {
    std::vector<std::string> out;
    for (const auto& e : entries) out.push_back(ldconfig_line(e));
    return out;
}

std::string first_difference(const std::vector<std::string>& got, const std::vector<std::string>& want) {
    std::size_t n = std::min(got.size(), want.size());
    for (std::size_t i = 0; i < n; ++i)
        if (got[i] != want[i])
            return "line " + std::to_string(i) + ": got [" + got[i] + "], want [" + want[i] + "]";
    if (got.size() != want.size())
        return "got " + std::to_string(got.size()) + " lines, want " + std::to_string(want.size()) +
               (got.size() > n ? "; extra: " + got[n] : "; missing: " + want[n]);
    return "";
}

// ---- RootDirSource ----------------------------------------------------------------------

RootDirSource::RootDirSource(const std::string& root) {
    root_fd_ = ::open(root.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
}

RootDirSource::~RootDirSource() {
    if (root_fd_ >= 0) ::close(root_fd_);
}

namespace {
bool missing(int code) { return code == ENOENT || code == ENOTDIR; }
}  // namespace

Result<std::optional<std::string>> RootDirSource::read(const std::string& path, std::size_t limit) {
    ++reads;
    auto fd = ns::open_in_root(root_fd_, path, O_RDONLY);
    if (!fd) {
        if (missing(fd.error().code)) return std::optional<std::string>{};
        return fail(fd.error().describe());
    }
    struct stat st {};
    if (::fstat(fd->get(), &st) != 0 || !S_ISREG(st.st_mode)) return fail("'" + path + "' is not a regular file");
    std::string data;
    char buf[65536];
    while (data.size() < limit) {
        ssize_t n = ::read(fd->get(), buf, std::min(sizeof buf, limit - data.size()));
        if (n < 0) return fail("read '" + path + "': " + std::strerror(errno));
        if (n == 0) break;
        data.append(buf, static_cast<std::size_t>(n));
    }
    return std::optional<std::string>(std::move(data));
}

Result<std::optional<std::string>> RootDirSource::readlink(const std::string& path) {
    ++readlinks;
    auto slash = path.rfind('/');
    std::string dir = slash == std::string::npos || slash == 0 ? "/" : path.substr(0, slash);
    std::string base = slash == std::string::npos ? path : path.substr(slash + 1);
    if (base.empty()) return std::optional<std::string>{};
    auto fd = ns::open_in_root(root_fd_, dir, O_PATH | O_DIRECTORY);
    if (!fd) {
        if (missing(fd.error().code)) return std::optional<std::string>{};
        return fail(fd.error().describe());
    }
    char buf[4096];
    ssize_t n = ::readlinkat(fd->get(), base.c_str(), buf, sizeof buf);
    if (n < 0) {
        if (errno == EINVAL || missing(errno)) return std::optional<std::string>{};
        return fail("readlink '" + path + "': " + std::strerror(errno));
    }
    return std::optional<std::string>(std::string(buf, static_cast<std::size_t>(n)));
}

// ---- MemorySource -----------------------------------------------------------------------

Result<std::optional<std::string>> MemorySource::read(const std::string& path, std::size_t limit) {
    ++reads;
    auto resolved = ldcache::resolve_in_image(*this, path);
    if (!resolved) return Unexpected(resolved.error());
    if (auto e = errors.find(*resolved); e != errors.end())
        return fail("read '" + path + "': " + std::strerror(e->second));
    auto it = files.find(*resolved);
    if (it == files.end()) return std::optional<std::string>{};
    return std::optional<std::string>(it->second.substr(0, limit));
}

Result<std::optional<std::string>> MemorySource::readlink(const std::string& path) {
    ++readlinks;
    // Earlier components are resolved first, as openat2(RESOLVE_IN_ROOT) would.
    auto slash = path.rfind('/');
    std::string key = path;
    if (slash != std::string::npos && slash > 0) {
        auto dir = ldcache::resolve_in_image(*this, path.substr(0, slash));
        if (!dir) return Unexpected(dir.error());
        key = (*dir == "/" ? "" : *dir) + path.substr(slash);
    }
    auto it = links.find(key);
    if (it == links.end()) return std::optional<std::string>{};
    return std::optional<std::string>(it->second);
}

}  // namespace skiff::ldtest
