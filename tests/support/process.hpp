// Run a program for a test: fork + execve (no shell), stdout and stderr captured separately,
// optional stdin text, full environment override, cwd, and a timeout that kills the whole
// process group. run_process() waits; start_process() returns a handle for signal tests.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "common/unique_fd.hpp"

namespace skiff::test {

using EnvMap = std::map<std::string, std::string>;

// Where and as whom the child runs, for tests that act as root: in a mount namespace of its
// own whose root is `root` (a mount point; pivot_root, not chroot, since the kernel refuses
// a chrooted process a user namespace), as `uid`/`gid` with no supplementary groups.
struct Confinement {
    std::string root;
    uid_t uid = 0;
    gid_t gid = 0;
};

struct RunOptions {
    std::optional<std::string> stdin_text;      // nullopt: stdin is /dev/null
    std::optional<EnvMap> env;                  // the complete environment; nullopt: ours
    std::optional<std::string> cwd;             // nullopt: ours (inside `confine`: "/")
    std::optional<Confinement> confine;         // nullopt: no chroot, our own ids
    std::chrono::milliseconds timeout{60'000};  // then SIGKILL to the process group
};

struct ProcessResult {
    int status = -1;                // exit code, or 128+N if signal N killed it
    int term_signal = 0;            // N if signal N killed it, else 0
    std::string out;
    std::string err;
    bool timed_out = false;         // it ran past the timeout; its process group was killed
    bool exec_failed = false;       // execve failed (err says why); status is then 127
    bool output_held_open = false;  // it exited but something it started kept its pipes open
                                    // (also a test failure naming the processes that hold them)
};

// Prints status, flags, stdout and stderr: `EXPECT_EQ(r.status, 0) << r;`
std::ostream& operator<<(std::ostream& os, const ProcessResult& r);

// Our own environment as a map, to copy and change for RunOptions::env.
EnvMap current_environment();

// A started process, leader of its own process group. The destructor kills the group with
// SIGKILL and reaps the process if the test did not wait() for it.
class BackgroundProcess {
public:
    BackgroundProcess(BackgroundProcess&& other) noexcept;
    BackgroundProcess& operator=(BackgroundProcess&& other) noexcept;
    BackgroundProcess(const BackgroundProcess&) = delete;
    BackgroundProcess& operator=(const BackgroundProcess&) = delete;
    ~BackgroundProcess();

    pid_t pid() const { return pid_; }
    int stdout_fd() const { return out_.get(); }  // -1 once it reached end of file
    int stderr_fd() const { return err_.get(); }
    bool running() const { return !reaped_; }

    bool send_signal(int sig) const;   // kill(pid, sig); false if that failed
    bool signal_group(int sig) const;  // kill(-pid, sig)

    // Collects output until `needle` appears in stdout or stderr (true), or until the process
    // closed both pipes or `timeout` passed (false).
    bool wait_for_output(std::string_view needle, std::chrono::milliseconds timeout);
    const std::string& out_so_far() const { return result_.out; }
    const std::string& err_so_far() const { return result_.err; }

    // Collects the rest of the output and reaps the process, killing its group if it is still
    // running at the deadline: RunOptions::timeout after the start, or `timeout` from now.
    ProcessResult wait();
    ProcessResult wait(std::chrono::milliseconds timeout);

private:
    friend BackgroundProcess start_process(const std::vector<std::string>&, const RunOptions&);
    using Clock = std::chrono::steady_clock;
    BackgroundProcess() = default;
    void pump(Clock::time_point deadline, std::string_view needle);
    bool pump_once(int timeout_ms);
    void reap(bool block);
    void kill_group();
    void kill_and_reap();

    pid_t pid_ = -1;
    std::string argv0_;
    bool reaped_ = true;
    UniqueFd in_, out_, err_, exec_err_;
    std::string stdin_text_;
    std::size_t stdin_written_ = 0;
    Clock::time_point deadline_{};
    ProcessResult result_;
};

BackgroundProcess start_process(const std::vector<std::string>& argv, const RunOptions& opts = {});
ProcessResult run_process(const std::vector<std::string>& argv, const RunOptions& opts = {});

}  // namespace skiff::test
