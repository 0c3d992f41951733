#include "namespaces/image_server/spare_pool.hpp"

#include <algorithm>

namespace skiff::ns {

int SparePool::missing(const Key& entry) const {
    return std::max(0, entry.wanted - static_cast<int>(entry.spares.size()) - entry.pending);
}

SparePool::Taken SparePool::take(const std::string& key, int wanted, Clock::time_point now) {
    expire(now);
    Key& entry = keys_[key];
    entry.wanted = std::clamp(wanted, 0, max_per_key);
    entry.last_request = now;
    Taken taken;
    if (!entry.spares.empty()) {
        taken.spare = std::move(entry.spares.front().namespaces);
        entry.spares.pop_front();
    }
    if (!entry.builder.valid()) {
        if (entry.wanted > 0 && !entry.starting) {
            taken.start_builder = true;
            entry.starting = now;
        }
        return taken;
    }
    if (int n = missing(entry); n > 0) {
        taken.builder = entry.builder.get();
        taken.build = n;
        taken.urgent = entry.spares.empty();
        if (entry.pending == 0) entry.pending_since = now;
        entry.pending += n;
    }
    return taken;
}

std::optional<int> SparePool::add_builder(const std::string& key, UniqueFd& connection, Clock::time_point now) {
    auto it = keys_.find(key);
    if (it == keys_.end()) return std::nullopt;
    Key& entry = it->second;
    entry.builder = std::move(connection);  // a previous builder of the key sees EOF and ends
    entry.starting.reset();
    entry.pending = missing(entry);
    entry.pending_since = now;
    return entry.pending;
}

bool SparePool::add(const std::string& key, SpareNamespaces spare, Clock::time_point now) {
    auto it = keys_.find(key);
    if (it == keys_.end()) return false;
    Key& entry = it->second;
    entry.pending = std::max(0, entry.pending - 1);
    entry.pending_since = now;
    if (static_cast<int>(entry.spares.size()) >= entry.wanted) return false;
    entry.spares.push_back({std::move(spare), now});
    return true;
}

void SparePool::build_failed(const std::string& key) {
    if (auto it = keys_.find(key); it != keys_.end()) it->second.pending = std::max(0, it->second.pending - 1);
}

void SparePool::builder_gone(const std::string& key) {
    auto it = keys_.find(key);
    if (it == keys_.end()) return;
    it->second.builder.reset();
    it->second.pending = 0;
}

std::vector<SparePool::Builder> SparePool::builders() const {
    std::vector<Builder> out;
    for (const auto& [key, entry] : keys_)
        if (entry.builder.valid()) out.push_back({entry.builder.get(), key});
    return out;
}

void SparePool::expire(Clock::time_point now) {
    for (auto it = keys_.begin(); it != keys_.end();) {
        Key& entry = it->second;
        while (!entry.spares.empty() && now - entry.spares.front().built >= lifetime_) entry.spares.pop_front();
        if (entry.pending > 0 && now - entry.pending_since >= build_timeout) entry.pending = 0;
        if (entry.starting && now - *entry.starting >= build_timeout) entry.starting.reset();
        bool unused = entry.spares.empty() && now - entry.last_request >= lifetime_;
        it = unused ? keys_.erase(it) : std::next(it);  // closes the builder's connection
    }
}

std::optional<SparePool::Clock::time_point> SparePool::next_expiry() const {
    std::optional<Clock::time_point> next;
    auto sooner = [&next](Clock::time_point at) {
        if (!next || at < *next) next = at;
    };
    for (const auto& [key, entry] : keys_) {
        if (!entry.spares.empty()) sooner(entry.spares.front().built + lifetime_);
        else sooner(entry.last_request + lifetime_);
        if (entry.pending > 0) sooner(entry.pending_since + build_timeout);
        if (entry.starting) sooner(*entry.starting + build_timeout);
    }
    return next;
}

std::size_t SparePool::size() const {
    std::size_t n = 0;
    for (const auto& [key, entry] : keys_) n += entry.spares.size();
    return n;
}

}  // namespace skiff::ns
