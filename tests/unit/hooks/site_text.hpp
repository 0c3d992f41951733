// A SiteConfig parsed from text, as if read from /etc/skiff/skiff.toml.
#pragma once

#include <sstream>
#include <string>

#include "launcher/site/site_config.hpp"

namespace skiff::test {

inline site::SiteConfig site_text(const std::string& text) {
    std::istringstream in(text);
    site::SiteConfig config;
    config.path = "/etc/skiff/skiff.toml";
    config.root = toml::parse<toml::discard_comments, std::map, std::vector>(in, config.path);
    return config;
}

}  // namespace skiff::test
