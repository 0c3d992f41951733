// WWW-Authenticate challenges of registries (RFC 7235; Docker's token authentication):
//   Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/ubuntu:pull"
//   Basic realm="Registry Realm"
#pragma once

#include <map>
#include <optional>
#include <string>

namespace skiff::image {

struct Challenge {
    std::string scheme;                         // lowercase: "bearer", "basic"
    std::map<std::string, std::string> params;  // names lowercase, values unquoted
};

// The first challenge in the header value, or nullopt if it is empty or malformed.
std::optional<Challenge> parse_challenge(const std::string& header);

}  // namespace skiff::image
