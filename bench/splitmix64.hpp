// splitmix64 (Steele, Lea, Flood 2014): a small generator whose output is the same on every
// platform, unlike std::shuffle's and the standard distributions', whose algorithms are the
// implementation's. start_latency draws its case orders and its bootstrap from it, so that a
// seed gives the same report again.
#pragma once

#include <cstdint>

namespace skiff::bench {

class SplitMix64 {
public:
    explicit SplitMix64(std::uint64_t seed) : state_(seed) {}

    std::uint64_t next() {
        std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        return z ^ (z >> 31);
    }

    // 0 .. n-1 for n > 0; the modulo's bias is below 2^-50 for the counts of a benchmark.
    std::uint64_t below(std::uint64_t n) { return next() % n; }

private:
    std::uint64_t state_;
};

}  // namespace skiff::bench
