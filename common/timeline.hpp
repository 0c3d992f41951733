// Timeline: `skiff run -v` narrates each step with the time it took.
#pragma once

#include <chrono>
#include <cstdio>
#include <string>

namespace skiff {

class Timeline {
public:
    explicit Timeline(bool verbose) : verbose_(verbose), last_(std::chrono::steady_clock::now()) {}

    bool verbose() const { return verbose_; }

    // Prints "skiff: [  0.41 ms] <what>" for the step that just ended.
    void step(const std::string& what) {
        auto now = std::chrono::steady_clock::now();
        if (verbose_) {
            double ms = std::chrono::duration<double, std::milli>(now - last_).count();
            std::fprintf(stderr, "skiff: [%7.2f ms] %s\n", ms, what.c_str());
            now = std::chrono::steady_clock::now();  // the print is not the next step's time
        }
        last_ = now;
    }

    // A remark without a duration.
    void note(const std::string& what) const {
        if (verbose_) std::fprintf(stderr, "skiff:              %s\n", what.c_str());
    }

private:
    bool verbose_;
    std::chrono::steady_clock::time_point last_;
};

}  // namespace skiff
