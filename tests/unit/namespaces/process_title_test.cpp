#include "namespaces/process_title.hpp"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <iterator>

#include <gtest/gtest.h>

namespace skiff::ns {
namespace {

std::string file_text(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

struct Shown {
    bool renamed = false;
    std::string cmdline, comm;
};

// What ps would read of a child (a fork of this test, argv and all) that renamed itself.
Shown shown_after(const std::vector<std::string>& words, const std::string& name) {
    int fds[2];
    EXPECT_EQ(::pipe(fds), 0);
    pid_t child = ::fork();
    if (child == 0) {
        char answer = set_process_title(words, name) ? 'y' : 'n';
        (void)!::write(fds[1], &answer, 1);
        ::pause();
        ::_exit(0);
    }
    ::close(fds[1]);
    char answer = 0;
    Shown shown;
    shown.renamed = ::read(fds[0], &answer, 1) == 1 && answer == 'y';
    ::close(fds[0]);
    std::string proc = "/proc/" + std::to_string(child);
    shown.cmdline = file_text(proc + "/cmdline");
    shown.comm = file_text(proc + "/comm");
    ::kill(child, SIGKILL);
    ::waitpid(child, nullptr, 0);
    return shown;
}

std::string without_trailing_nuls(std::string text) {
    while (!text.empty() && text.back() == '\0') text.pop_back();
    return text;
}

TEST(ProcessTitle, PsShowsTheNewWordsAndName) {
    auto shown = shown_after({"skiff", "__spare-builder", "/img.sqsh"}, "skiff-spare");
    ASSERT_TRUE(shown.renamed);
    EXPECT_EQ(without_trailing_nuls(shown.cmdline), std::string("skiff\0__spare-builder\0/img.sqsh", 31));
    EXPECT_EQ(shown.comm, "skiff-spare\n");
}

// The old argv is all the room there is; the last byte stays NUL, or the kernel would read
// on into the environment.
TEST(ProcessTitle, ATitleLongerThanTheOldCommandLineIsCut) {
    const auto size = file_text("/proc/self/cmdline").size();
    auto shown = shown_after({"skiff", std::string(size + 100, 'x')}, "skiff");
    ASSERT_TRUE(shown.renamed);
    ASSERT_EQ(shown.cmdline.size(), size);
    EXPECT_EQ(shown.cmdline.back(), '\0');
    EXPECT_EQ(shown.cmdline.substr(0, 8), std::string("skiff\0xx", 8));
    EXPECT_EQ(shown.cmdline.find('\0', 6), size - 1);
}

TEST(ProcessTitle, TheNameIsCutToFifteenBytes) {
    auto shown = shown_after({"x"}, "a-name-longer-than-fifteen");
    ASSERT_TRUE(shown.renamed);
    EXPECT_EQ(shown.comm, "a-name-longer-t\n");
}

}  // namespace
}  // namespace skiff::ns
