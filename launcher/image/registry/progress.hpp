// Progress lines for FetchOptions::progress, serialized: download threads call it
// concurrently, the caller's callback sees one line at a time.
#pragma once

#include <cstdint>
#include <functional>
#include <mutex>
#include <string>

namespace skiff::image {

class Progress {
public:
    explicit Progress(std::function<void(const std::string&)> sink) : sink_(std::move(sink)) {}
    void operator()(const std::string& line) {
        if (!sink_) return;
        std::lock_guard lock(mutex_);
        sink_(line);
    }

private:
    std::mutex mutex_;
    std::function<void(const std::string&)> sink_;
};

// "512 B", "1.5 KiB", "23.4 MiB", "1.2 GiB"
std::string human_size(std::int64_t bytes);

// "sha256:0123456789ab" (12 hex digits), as in progress lines.
std::string short_digest(const std::string& digest);

}  // namespace skiff::image
