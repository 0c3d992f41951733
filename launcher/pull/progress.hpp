// Progress of a pull or import on stderr: on a terminal one status line rewritten in place,
// with a bar when the step count is known; otherwise plain lines, one per event, for logs.
#pragma once

#include <string>

namespace skiff::pull {

class ProgressPrinter {
public:
    ProgressPrinter();
    ~ProgressPrinter();
    ProgressPrinter(const ProgressPrinter&) = delete;
    ProgressPrinter& operator=(const ProgressPrinter&) = delete;

    // `done` of `total` steps; total 0: no bar.
    void event(const std::string& text, std::size_t done = 0, std::size_t total = 0);
    void finish(const std::string& text);  // the last line, always kept

private:
    bool terminal_;
    bool line_open_ = false;
};

}  // namespace skiff::pull
