#include "bench/round_order.hpp"

#include <numeric>
#include <utility>

namespace skiff::bench {
namespace {

// splitmix64 (Steele, Lea, Flood 2014): a small generator whose output is the same on every
// platform, unlike std::shuffle's use of an implementation-defined distribution.
std::uint64_t next(std::uint64_t& state) {
    std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

}  // namespace

std::vector<std::size_t> round_order(std::size_t cases, std::uint64_t seed, std::uint64_t round) {
    std::vector<std::size_t> order(cases);
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::uint64_t state = seed * 0x100000001b3U + round;
    for (std::size_t i = cases; i > 1; --i) {  // Fisher-Yates; the modulo's bias is below 2^-50
        std::size_t j = static_cast<std::size_t>(next(state) % i);
        std::swap(order[i - 1], order[j]);
    }
    return order;
}

}  // namespace skiff::bench
