// Runner: runs one argv with fork + execve and times it, from fork to reaping.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "bench/latency_options.hpp"
#include "common/error.hpp"
#include "common/unique_fd.hpp"

namespace skiff::bench {

struct Outcome {
    double ms = 0;
    int status = 0;  // as from waitpid
    bool timed_out = false;
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
    Result<Outcome> run(const ExecVectors& v) const;
    std::string captured_stderr() const;  // of the last run, at most 4 KiB

private:
    Runner() = default;
    [[noreturn]] void exec_child(const ExecVectors& v) const;
    bool wait_exit(pid_t pid) const;

    UniqueFd null_;
    UniqueFd err_;
    std::vector<char*> env_;
    char** envp_ = nullptr;
    int timeout_ms_ = 0;
};

}  // namespace skiff::bench
