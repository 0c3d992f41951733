// The image server's spares (spare_namespaces.hpp), by plan key, and the builder of each key.
// Each spare is handed out once and dropped after `lifetime` unused: its binds captured host
// state when it was built.
//
// A key's spares are built by one resident builder (launcher/run/spare_builder.hpp), started
// by the first launch of the plan and connected to the server for as long as the key is in
// use: when a launch takes a spare, the server asks that builder for another, so no later
// launch forks anything. Spares being built are counted, so that concurrent launches of one
// plan do not over-build. A key unused for `lifetime` is forgotten and its builder let go.
#pragma once

#include <chrono>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "namespaces/image_server/spare_namespaces.hpp"

namespace skiff::ns {

class SparePool {
public:
    using Clock = std::chrono::steady_clock;

    explicit SparePool(std::chrono::seconds lifetime) : lifetime_(lifetime) {}

    struct Taken {
        std::optional<SpareNamespaces> spare;  // none: the launch builds its own namespaces
        bool start_builder = false;            // the key has no builder: the launch starts one
        int builder = -1;                      // else ask this builder connection ...
        int build = 0;                         // ... for this many more spares
        // None is left for the next launch: the builder builds at once instead of first
        // gathering the requests of a burst (spare_builder.cpp), or back-to-back launches of
        // the plan drain the key while it waits.
        bool urgent = false;
    };
    // `wanted`: how many spares the launch wants kept ready for its key (SKIFF_WARM_SPARES).
    Taken take(const std::string& key, int wanted, Clock::time_point now);

    // A builder connected for `key`: the pool takes the connection and returns how many
    // spares it should build now. None for a key nobody asks for (the connection stays).
    std::optional<int> add_builder(const std::string& key, UniqueFd& connection, Clock::time_point now);
    // false: nobody wants it (or the key has enough); the spare is dropped.
    bool add(const std::string& key, SpareNamespaces spare, Clock::time_point now);
    void build_failed(const std::string& key);
    void builder_gone(const std::string& key);  // closes its connection

    struct Builder {
        int connection;
        std::string key;
    };
    std::vector<Builder> builders() const;

    void expire(Clock::time_point now);
    std::optional<Clock::time_point> next_expiry() const;
    std::size_t size() const;
    void clear() { keys_.clear(); }

    // A builder that has not delivered (or a launch that has not started one) after this long
    // is taken to have failed.
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
        int pending = 0;  // asked of the builder, not yet delivered
        UniqueFd builder;
        std::optional<Clock::time_point> starting;  // a launch was told to start a builder
        Clock::time_point last_request;
        Clock::time_point pending_since;
    };
    int missing(const Key& entry) const;

    std::chrono::seconds lifetime_;
    std::map<std::string, Key> keys_;
};

}  // namespace skiff::ns
