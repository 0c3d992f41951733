// The order in which one round of start_latency runs its cases.
//
// A launch can leave work behind that slows the next run (a FUSE server unmounting 60 MiB of
// page cache, a spare being rebuilt), and a run can find the CPU caches filled by its
// predecessor. If each case always followed the same neighbour, that neighbour's cost would
// land on that case alone: a fixed rotation did this (round r started at case r mod n, so
// case i followed case i-1 in every round but one in n). Each round is therefore a new
// permutation, drawn from a generator seeded by --seed and the round's number: the same
// seed gives the same orders again.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace skiff::bench {

// A permutation of 0 .. cases-1 for round `round` (start_latency numbers the measured rounds
// after the warm-up's, so that they draw orders of their own).
std::vector<std::size_t> round_order(std::size_t cases, std::uint64_t seed, std::uint64_t round);

}  // namespace skiff::bench
