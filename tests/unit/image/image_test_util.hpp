// Helpers for the image tests: a temporary directory tree, and mksquashfs run without a shell.
#pragma once

#include <fcntl.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "tests/support/temp_dir.hpp"

namespace skiff::image::test {

using TempDir = ::skiff::test::TempDir;

// Writes `data` to `path`, creating parent directories.
inline void write_file(const std::string& path, const std::string& data) {
    std::filesystem::create_directories(std::filesystem::path(path).parent_path());
    std::ofstream(path, std::ios::binary) << data;
}

inline void make_symlink(const std::string& target, const std::string& link) {
    std::filesystem::create_directories(std::filesystem::path(link).parent_path());
    std::filesystem::create_symlink(target, link);
}

inline std::optional<std::string> find_program(const std::string& name) {
    const char* path = std::getenv("PATH");
    std::string dirs = std::string(path ? path : "") + ":/usr/sbin:/sbin:/usr/bin:/bin";
    for (std::size_t start = 0; start <= dirs.size();) {
        std::size_t colon = std::min(dirs.find(':', start), dirs.size());
        std::string candidate = dirs.substr(start, colon - start) + "/" + name;
        if (colon > start && ::access(candidate.c_str(), X_OK) == 0) return candidate;
        start = colon + 1;
    }
    return std::nullopt;
}

// Runs argv (no shell), output discarded; returns the exit status, or -1.
inline int run_quietly(const std::vector<std::string>& argv) {
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
    pid_t pid = 0;
    int rc = posix_spawn(&pid, args[0], &actions, nullptr, args.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) return -1;
    int status = 0;
    if (::waitpid(pid, &status, 0) != pid) return -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// Builds a squashfs image of `tree` at `image`; an empty string means success, else the reason.
inline std::string make_squashfs(const std::string& tree, const std::string& image) {
    auto mksquashfs = find_program("mksquashfs");
    if (!mksquashfs) return "mksquashfs not found (install squashfs-tools)";
    int rc = run_quietly({*mksquashfs, tree, image, "-noappend", "-no-progress", "-quiet", "-all-root"});
    return rc == 0 ? std::string() : "mksquashfs failed with status " + std::to_string(rc);
}

// style.md rule 15: SKIFF_TESTS_MUST_RUN=1 turns skips into failures.
inline bool must_run() {
    const char* value = std::getenv("SKIFF_TESTS_MUST_RUN");
    return value != nullptr && std::string(value) == "1";
}

}  // namespace skiff::image::test

// Skips the current test with `reason`, or fails it when SKIFF_TESTS_MUST_RUN=1.
#define SKIFF_IMAGE_SKIP(reason)                                                     \
    do {                                                                             \
        if (::skiff::image::test::must_run()) FAIL() << "SKIFF_TESTS_MUST_RUN=1: " << (reason); \
        GTEST_SKIP() << (reason);                                                    \
    } while (0)
