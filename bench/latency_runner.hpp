// Runner: runs one argv (or a burst of copies of it) with fork + execve and times it, from
// fork to reaping.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <string>
#include <vector>

#include "bench/latency_options.hpp"
#include "common/error.hpp"
#include "common/unique_fd.hpp"

namespace skiff::bench {

struct Outcome {
    double ms = 0;                // from the first fork to the last reaping
    std::vector<double> each_ms;  // each copy that exited: from its fork to its reaping
    int status = 0;               // as from waitpid: the first failed copy's, else 0
    bool timed_out = false;       // the copies still running at the timeout were killed
    bool ok() const;
    std::string describe(int timeout_s) const;  // "exit status 3", "killed by signal 9", ...
};

// argv and envp as execve wants them, built before fork so that the child only makes syscalls.
// They point into the Case and Options they were made from.
struct ExecVectors {
    std::vector<char*> argv;
    char** envp = nullptr;
    std::vector<char*> env;  // a case's own environment (Case::env): envp points here; a
                             // moved vector keeps its buffer
};

class Runner {
public:
    // Every run gets stdin and stdout on /dev/null and stderr in a memfd, and the environment
    // o.env (this process's if that is empty). `o` must outlive the Runner.
    static Result<Runner> open(Options& o);

    ExecVectors vectors(Case& c) const;
    ExecVectors setup_vectors(Case& c) const;  // the case's setup argv, in the case's environment
    // `copies` copies at once (1: a single run); they share stdin, stdout and stderr.
    Result<Outcome> run(const ExecVectors& v, int copies = 1) const;
    std::string captured_stderr() const;  // of the last run, at most 4 KiB

private:
    struct Child {
        pid_t pid = -1;
        UniqueFd pidfd;
        std::chrono::steady_clock::time_point start;
    };
    Runner() = default;
    Result<Child> start(const ExecVectors& v) const;
    Result<void> reap_all(std::vector<Child>& children, Outcome& r) const;
    [[noreturn]] void exec_child(const ExecVectors& v) const;

    UniqueFd null_;
    UniqueFd err_;
    std::vector<char*> env_;
    char** envp_ = nullptr;
    int timeout_ms_ = 0;
};

}  // namespace skiff::bench
