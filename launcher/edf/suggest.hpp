// "Did you mean" for misspelt keys.
#pragma once

#include <span>
#include <string>
#include <string_view>

namespace skiff::edf {

// The candidate closest to `word` by edit distance, if close enough to be a typo; else "".
std::string closest(std::string_view word, std::span<const std::string_view> candidates);

// " (did you mean 'x'?)" or "".
std::string did_you_mean(std::string_view word, std::span<const std::string_view> candidates);

}  // namespace skiff::edf
