#include "namespaces/spare_pool.hpp"

#include <algorithm>

namespace skiff::ns {

SparePool::Taken SparePool::take(const std::string& key, int wanted, Clock::time_point now) {
    expire(now);
    Key& entry = keys_[key];
    entry.wanted = std::clamp(wanted, 0, max_per_key);
    Taken taken;
    if (!entry.spares.empty()) {
        taken.spare = std::move(entry.spares.front().namespaces);
        entry.spares.pop_front();
    }
    int missing = entry.wanted - static_cast<int>(entry.spares.size()) - entry.pending;
    if (missing > 0) {
        taken.build = missing;
        entry.pending += missing;
        entry.pending_since = now;
    }
    return taken;
}

bool SparePool::add(const std::string& key, SpareNamespaces spare, Clock::time_point now) {
    auto it = keys_.find(key);
    if (it == keys_.end()) return false;
    Key& entry = it->second;
    entry.pending = std::max(0, entry.pending - 1);
    if (static_cast<int>(entry.spares.size()) >= entry.wanted) return false;
    entry.spares.push_back({std::move(spare), now});
    return true;
}

void SparePool::expire(Clock::time_point now) {
    for (auto it = keys_.begin(); it != keys_.end();) {
        Key& entry = it->second;
        while (!entry.spares.empty() && now - entry.spares.front().built >= lifetime_) entry.spares.pop_front();
        if (entry.pending > 0 && now - entry.pending_since >= build_timeout) entry.pending = 0;
        bool unused = entry.spares.empty() && entry.pending == 0;
        it = unused ? keys_.erase(it) : std::next(it);
    }
}

std::optional<SparePool::Clock::time_point> SparePool::next_expiry() const {
    std::optional<Clock::time_point> next;
    for (const auto& [key, entry] : keys_) {
        if (!entry.spares.empty()) {
            auto at = entry.spares.front().built + lifetime_;
            if (!next || at < *next) next = at;
        }
        if (entry.pending > 0) {
            auto at = entry.pending_since + build_timeout;
            if (!next || at < *next) next = at;
        }
    }
    return next;
}

std::size_t SparePool::size() const {
    std::size_t n = 0;
    for (const auto& [key, entry] : keys_) n += entry.spares.size();
    return n;
}

}  // namespace skiff::ns
