#include "bench/round_order.hpp"

#include <numeric>
#include <utility>

#include "bench/splitmix64.hpp"

namespace skiff::bench {

std::vector<std::size_t> round_order(std::size_t cases, std::uint64_t seed, std::uint64_t round) {
    std::vector<std::size_t> order(cases);
    std::iota(order.begin(), order.end(), std::size_t{0});
    SplitMix64 random(seed * 0x100000001b3U + round);
    for (std::size_t i = cases; i > 1; --i)  // Fisher-Yates
        std::swap(order[i - 1], order[random.below(i)]);
    return order;
}

}  // namespace skiff::bench
