#include "namespaces/spawn.hpp"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <sstream>

#include <gtest/gtest.h>

#include "common/unique_fd.hpp"

namespace skiff::ns {
namespace {

constexpr const char* shell = "/bin/sh";

SpawnSpec sh(const std::string& script, std::vector<FdAt> fds = {}, std::vector<std::string> env = {}) {
    return SpawnSpec{shell, {"sh", "-c", script}, std::move(env), std::move(fds)};
}

// stdout of `sh -c script`, which must exit 0.
std::string output_of(SpawnSpec spec) {
    auto run = spawn_and_capture(std::move(spec), Capture::stdout_only);
    EXPECT_TRUE(run) << run.error().describe();
    if (!run) return {};
    EXPECT_TRUE(WIFEXITED(run->status) && WEXITSTATUS(run->status) == 0) << run->output;
    return run->output;
}

struct Pipe {
    UniqueFd read, write;
};

Pipe make_pipe(int flags = O_CLOEXEC) {
    int fds[2];
    EXPECT_EQ(::pipe2(fds, flags), 0);
    return {UniqueFd(fds[0]), UniqueFd(fds[1])};
}

std::string read_all(int fd) {
    std::string out;
    char buffer[512];
    for (ssize_t n; (n = ::read(fd, buffer, sizeof buffer)) > 0;) out.append(buffer, static_cast<std::size_t>(n));
    return out;
}

// No child of ours is left, not even a zombie.
bool no_children() { return ::waitpid(-1, nullptr, WNOHANG) < 0 && errno == ECHILD; }

TEST(Spawn, RunsTheProgramAndReportsItsStatus) {
    auto pid = spawn(sh("exit 3"));
    ASSERT_TRUE(pid) << pid.error().describe();
    auto status = wait_status(*pid);
    ASSERT_TRUE(status);
    EXPECT_TRUE(WIFEXITED(*status));
    EXPECT_EQ(WEXITSTATUS(*status), 3);
    EXPECT_TRUE(no_children());
}

TEST(Spawn, AFailedExecIsAnErrorOfTheCallerWithTheChildReaped) {
    auto pid = spawn(SpawnSpec{"/no/such/program", {"program"}, {}, {}});
    ASSERT_FALSE(pid);
    EXPECT_EQ(pid.error().code, ENOENT);
    EXPECT_EQ(pid.error().op, "execve");
    EXPECT_EQ(pid.error().path, "/no/such/program");
    EXPECT_TRUE(no_children());
}

TEST(Spawn, TheEnvironmentIsExactlyTheOneGiven) {
    EXPECT_EQ(output_of(sh("echo \"$SKIFF_A|${HOME-unset}\"", {}, {"SKIFF_A=1"})), "1|unset\n");
}

TEST(Spawn, CapturesStdoutAloneOrWithStderr) {
    auto out = spawn_and_capture(sh("echo out; echo err >&2"), Capture::stdout_only);
    ASSERT_TRUE(out);
    EXPECT_EQ(out->output, "out\n");
    auto both = spawn_and_capture(sh("echo out; echo err >&2"), Capture::stdout_and_stderr);
    ASSERT_TRUE(both);
    EXPECT_EQ(both->output, "out\nerr\n");
}

// Descriptors given at numbers that are each other's sources: no dup2 may close another's.
TEST(Spawn, GivesDescriptorsAtTheNumbersAskedEvenWhenTheyCross) {
    Pipe first = make_pipe(), second = make_pipe();
    int a = first.write.get(), b = second.write.get();
    auto pid = spawn(sh("echo one >&" + std::to_string(b) + "; echo two >&" + std::to_string(a),
                        {{a, b}, {b, a}}));
    ASSERT_TRUE(pid) << pid.error().describe();
    first.write.reset();
    second.write.reset();
    EXPECT_EQ(read_all(first.read.get()), "one\n");
    EXPECT_EQ(read_all(second.read.get()), "two\n");
    ASSERT_TRUE(wait_status(*pid));
}

// A descriptor without close-on-exec (as slurmstepd leaves them) does not reach the program.
TEST(Spawn, ThePassedDescriptorsAreTheOnlyOnesBesidesTheStandardStreams) {
    Pipe leaked = make_pipe(0), given = make_pipe();
    int top = std::max(leaked.write.get(), given.write.get()) + 2;
    std::string script = "for fd in $(seq 3 " + std::to_string(top) + "); do [ -e /proc/self/fd/$fd ] && echo $fd; done; true";
    EXPECT_EQ(output_of(sh(script, {{given.write.get(), 7}}, {"PATH=/usr/bin:/bin"})), "7\n");
}

TEST(Spawn, AMissingDescriptorIsReportedAsDup2) {
    auto pid = spawn(sh("true", {{1000, 3}}));
    ASSERT_FALSE(pid);
    EXPECT_EQ(pid.error().op, "dup2");
    EXPECT_EQ(pid.error().code, EBADF);
    EXPECT_TRUE(no_children());
}

// Fields of /proc/self/stat after the name: state, ppid, pgrp, session.
struct StatLine {
    long ppid = 0, pgrp = 0, session = 0;
};

StatLine parse_stat(const std::string& line) {
    std::istringstream in(line.substr(line.rfind(')') + 2));
    std::string state;
    StatLine s;
    in >> state >> s.ppid >> s.pgrp >> s.session;
    return s;
}

TEST(SpawnDetached, TheProgramIsNobodysChildInASessionOfItsOwn) {
    Pipe report = make_pipe();
    ASSERT_TRUE(spawn_detached(sh("cat /proc/self/stat >&3", {{report.write.get(), 3}})));
    report.write.reset();
    EXPECT_TRUE(no_children()) << "the middle process is reaped, the program is not ours";
    auto stat = parse_stat(read_all(report.read.get()));
    EXPECT_NE(stat.ppid, ::getpid());
    EXPECT_NE(stat.session, ::getsid(0));
    EXPECT_NE(stat.session, 0);
}

TEST(SpawnDetached, AFailedExecIsAnErrorOfTheCaller) {
    auto started = spawn_detached(SpawnSpec{"/no/such/program", {"program"}, {}, {}});
    ASSERT_FALSE(started);
    EXPECT_EQ(started.error().code, ENOENT);
    EXPECT_EQ(started.error().op, "execve");
    EXPECT_TRUE(no_children());
}

TEST(ForkDetached, RunsTheBodyOutsideOurFamily) {
    Pipe report = make_pipe();
    int out = report.write.get();
    auto middle = fork_detached([out] {
        std::string line = std::to_string(::getppid()) + " " + std::to_string(::getsid(0));
        (void)!::write(out, line.data(), line.size());
    });
    ASSERT_TRUE(middle);
    auto status = wait_status(*middle);
    ASSERT_TRUE(status);
    EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 0);
    report.write.reset();
    std::istringstream in(read_all(report.read.get()));
    long parent = 0, session = 0;
    in >> parent >> session;
    EXPECT_NE(parent, ::getpid());
    EXPECT_EQ(session, *middle) << "the middle process started the session";
    EXPECT_TRUE(no_children());
}

}  // namespace
}  // namespace skiff::ns
