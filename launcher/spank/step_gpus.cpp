#include "launcher/spank/step_gpus.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <set>

namespace skiff::spank {
namespace {

constexpr std::size_t list_limit = 4096;  // a task's list, as read back

std::string task_file(const std::string& dir, unsigned task) { return dir + "/gpus." + std::to_string(task); }

// The list in `file`, or false while it is not there yet.
bool read_list(const std::string& file, std::string& out) {
    int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) return false;
    char buffer[list_limit];
    ssize_t n = ::read(fd, buffer, sizeof buffer);
    ::close(fd);
    out.assign(buffer, n > 0 ? static_cast<std::size_t>(n) : 0);
    return true;
}

// Numbers in numeric order: shorter first, then by their digits.
struct NumericOrder {
    bool operator()(const std::string& a, const std::string& b) const {
        return a.size() != b.size() ? a.size() < b.size() : a < b;
    }
};

}  // namespace

std::string union_of_gpu_lists(const std::vector<std::string>& lists) {
    std::set<std::string, NumericOrder> gpus;
    for (const auto& list : lists)
        for (std::size_t start = 0; start <= list.size();) {
            std::size_t comma = std::min(list.find(',', start), list.size());
            if (comma > start) gpus.insert(list.substr(start, comma - start));
            start = comma + 1;
        }
    std::string out;
    for (const auto& gpu : gpus) out += (out.empty() ? "" : ",") + gpu;
    return out;
}

bool leave_task_gpus(const std::string& dir, unsigned task, const std::string& gpus) {
    std::string file = task_file(dir, task), temporary = file + ".new";
    int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0) return false;
    bool ok = ::write(fd, gpus.data(), gpus.size()) == static_cast<ssize_t>(gpus.size());
    ok = ::close(fd) == 0 && ok;
    return ok && ::rename(temporary.c_str(), file.c_str()) == 0;
}

std::string collect_step_gpus(const std::string& dir, unsigned tasks, std::chrono::milliseconds patience) {
    const auto deadline = std::chrono::steady_clock::now() + patience;
    std::vector<std::string> lists(tasks);
    std::vector<bool> seen(tasks, false);
    for (unsigned left = tasks;;) {
        for (unsigned task = 0; task < tasks; ++task) {
            if (seen[task] || !read_list(task_file(dir, task), lists[task])) continue;
            seen[task] = true;
            --left;
        }
        if (left == 0 || std::chrono::steady_clock::now() >= deadline) break;
        ::usleep(10000);
    }
    for (unsigned task = 0; task < tasks; ++task) drop_task_gpus(dir, task);
    return union_of_gpu_lists(lists);
}

void drop_task_gpus(const std::string& dir, unsigned task) { ::unlink(task_file(dir, task).c_str()); }

}  // namespace skiff::spank
