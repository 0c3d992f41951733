// The image server's spares (spare_namespaces.hpp), by plan key. Each spare is handed out
// once and dropped after `lifetime` unused: its binds captured host state when it was built.
// The pool also says how many spares a launch should build, counting those being built, so
// that concurrent launches of one plan do not each build a full set.
#pragma once

#include <chrono>
#include <deque>
#include <map>
#include <optional>
#include <string>

#include "namespaces/spare_namespaces.hpp"

namespace skiff::ns {

class SparePool {
public:
    using Clock = std::chrono::steady_clock;

    explicit SparePool(std::chrono::seconds lifetime) : lifetime_(lifetime) {}

    struct Taken {
        std::optional<SpareNamespaces> spare;  // none: the launch builds its own namespaces
        int build = 0;                         // spares the launch should build for its key
    };
    // `wanted`: how many spares the launch wants kept ready for its key (SKIFF_WARM_SPARES).
    Taken take(const std::string& key, int wanted, Clock::time_point now);

    // false: nobody asked for it (or the key has enough); the spare is dropped.
    bool add(const std::string& key, SpareNamespaces spare, Clock::time_point now);

    void expire(Clock::time_point now);
    std::optional<Clock::time_point> next_expiry() const;
    std::size_t size() const;
    void clear() { keys_.clear(); }

    // A builder that has not delivered after this long is taken to have failed.
    static constexpr std::chrono::seconds build_timeout{10};
    // At most this many spares per key, whatever a launch asks for.
    static constexpr int max_per_key = 64;

private:
    struct Spare {
        SpareNamespaces namespaces;
        Clock::time_point built;
    };
    struct Key {
        std::deque<Spare> spares;
        int wanted = 0;
        int pending = 0;  // being built
        Clock::time_point pending_since;
    };

    std::chrono::seconds lifetime_;
    std::map<std::string, Key> keys_;
};

}  // namespace skiff::ns
