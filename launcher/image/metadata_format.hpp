// Text formats of image metadata files. Pure functions: no file access.
//
// skiff's metadata file (/.skiff/image-metadata), format 1. There is no JSON library, so it is
// a line format:
//     skiff-image-metadata 1        first line that is not blank or a '#' comment
//     env NAME=VALUE                one line per variable, in order
//     workdir /path
//     entrypoint ARG                one line per argument, in order
//     cmd ARG                       one line per argument, in order
// The keyword is separated from its value by one space; the value runs to the end of the line.
// In values, "\\" is a backslash and "\n" a newline; any other escape is an error. Unknown
// keywords are ignored, so a newer writer can add fields; a newer format number is an error.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/error.hpp"
#include "launcher/image/metadata.hpp"

namespace skiff::image {

inline constexpr int skiff_metadata_format = 1;

// /etc/environment as enroot reads it (common::envfmt): leading blanks removed; blank, '#'
// and malformed lines (not NAME=..., NAME = [A-Za-z_][A-Za-z0-9_]*) skipped; one pair of
// surrounding quotes removed ("..." or '...', trailing blanks after the quote allowed).
// Also tolerated: CRLF line ends and a leading "export ".
std::vector<std::pair<std::string, std::string>> parse_environment(std::string_view text);

// The directory of the first `cd "<dir>"` line of an enroot /etc/rc, e.g.
// `cd "/workspace" && unset OLDPWD || exit 1`; nullopt if there is none.
std::optional<std::string> parse_rc_workdir(std::string_view text);

// skiff's own format (above). `context` prefixes errors, e.g. "image '/s/a.sqsh'"; errors
// then name the file and line: "<context>: /.skiff/image-metadata:3: <what>".
Result<ImageMetadata> parse_skiff_metadata(std::string_view text, const std::string& context);

// The inverse, written by `skiff image pull/import`: the header, then env, workdir,
// entrypoint and cmd lines (source and enroot_rc are not part of the format). A non-empty
// `reference` adds a "reference REF" line (the registry image it was pulled from, for
// `skiff image ls`), which readers of format 1 ignore.
inline constexpr const char* metadata_reference_keyword = "reference";
std::string format_skiff_metadata(const ImageMetadata& metadata, const std::string& reference = "");

}  // namespace skiff::image
