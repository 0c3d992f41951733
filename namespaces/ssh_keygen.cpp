#include "namespaces/ssh_keygen.hpp"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "common/read_small_file.hpp"
#include "common/unique_fd.hpp"
#include "namespaces/spawn.hpp"

namespace skiff::ns {
namespace {

constexpr const char* ssh_keygen = "/usr/bin/ssh-keygen";
constexpr int dir_fd_in_child = 3;
constexpr std::size_t max_key_bytes = 64 * 1024;

// The file `name` in the directory fd that the child finds at dir_fd_in_child.
std::string child_path(const std::string& name) {
    return "/proc/self/fd/" + std::to_string(dir_fd_in_child) + "/" + name;
}

// Runs ssh-keygen with `args` and no environment; its stdout is returned, its stderr is quoted
// on failure.
Result<std::string> run_keygen(int dir_fd, std::vector<std::string> args) {
    args.insert(args.begin(), ssh_keygen);
    SpawnSpec spec{ssh_keygen, std::move(args), {}, {{dir_fd, dir_fd_in_child}}};
    auto keygen = spawn_and_capture(std::move(spec), Capture::stdout_and_stderr);
    std::string failed = std::string("ssh: ") + ssh_keygen + " failed (install openssh-client): ";
    if (!keygen) return fail(failed + keygen.error().describe());
    if (!WIFEXITED(keygen->status) || WEXITSTATUS(keygen->status) != 0) return fail(failed + keygen->output);
    return std::move(keygen->output);
}

Result<void> generate(int dir_fd, const std::string& name, const std::string& comment) {
    auto r = run_keygen(dir_fd, {"-q", "-t", "ed25519", "-N", "", "-C", comment, "-f", child_path(name)});
    if (!r) return Unexpected(r.error());
    return {};
}

// A directory of ours, removed with what it holds (the key files) when this goes.
class ScratchDir {
public:
    explicit ScratchDir(const std::string& temp_dir) : path_(temp_dir + "/skiff-ssh-XXXXXX") {
        if (::mkdtemp(path_.data()) == nullptr) path_.clear();
    }
    ~ScratchDir() {
        if (path_.empty()) return;
        for (const char* name : {"key", "key.pub"}) ::unlink((path_ + "/" + name).c_str());
        ::rmdir(path_.c_str());
    }
    ScratchDir(const ScratchDir&) = delete;
    ScratchDir& operator=(const ScratchDir&) = delete;
    const std::string& path() const { return path_; }

private:
    std::string path_;
};

}  // namespace

Result<void> generate_host_key(int dir_fd, const std::string& name) { return generate(dir_fd, name, "skiff"); }

Result<KeyPair> generate_key_pair(const std::string& temp_dir, const std::string& comment) {
    ScratchDir dir(temp_dir);
    if (dir.path().empty())
        return fail("ssh: cannot create a private directory in " + temp_dir + ": " + std::strerror(errno) + "; set TMPDIR to a writable directory");
    UniqueFd fd(::open(dir.path().c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
    if (!fd.valid()) return fail("ssh: cannot open " + dir.path() + ": " + std::strerror(errno));
    if (auto r = generate(fd.get(), "key", comment); !r) return Unexpected(r.error());
    auto private_key = read_small_file(dir.path() + "/key", max_key_bytes);
    auto public_key = read_small_file(dir.path() + "/key.pub", max_key_bytes);
    if (!private_key || !public_key) return fail("ssh: cannot read the key ssh-keygen wrote in " + dir.path());
    return KeyPair{std::move(*private_key), std::move(*public_key)};
}

Result<std::string> key_fingerprints(int dir_fd, const std::string& name) {
    return run_keygen(dir_fd, {"-l", "-f", child_path(name)});
}

}  // namespace skiff::ns
