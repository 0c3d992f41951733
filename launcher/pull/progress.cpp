#include "launcher/pull/progress.hpp"

#include <unistd.h>

#include <cstdio>

namespace skiff::pull {
namespace {

constexpr std::size_t bar_width = 24;

std::string bar(std::size_t done, std::size_t total) {
    std::size_t filled = total == 0 ? 0 : done * bar_width / total;
    return "[" + std::string(filled, '#') + std::string(bar_width - filled, '.') + "] ";
}

}  // namespace

ProgressPrinter::ProgressPrinter() : terminal_(::isatty(STDERR_FILENO) == 1) {}

ProgressPrinter::~ProgressPrinter() {
    if (line_open_) std::fputc('\n', stderr);
}

void ProgressPrinter::event(const std::string& text, std::size_t done, std::size_t total) {
    if (!terminal_) {
        std::fprintf(stderr, "skiff: %s\n", text.c_str());
        return;
    }
    std::string line = (total > 0 ? bar(done, total) : std::string()) + text;
    std::fprintf(stderr, "\r\033[K%s", line.c_str());  // \033[K: erase to the end of the line
    std::fflush(stderr);
    line_open_ = true;
}

void ProgressPrinter::finish(const std::string& text) {
    if (terminal_) std::fputs("\r\033[K", stderr);
    line_open_ = false;
    std::fprintf(stderr, "skiff: %s\n", text.c_str());
}

}  // namespace skiff::pull
