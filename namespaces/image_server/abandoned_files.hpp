// The files a dead server leaves: a server killed before it retired (kill -9, the OOM killer)
// leaves its socket NAME.sock and its lock NAME.lock. The kernel released the lock, so the
// next launch starts a new server all the same; these only clutter the directory until then.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace skiff::ns {

// The servers' names in the servers' directory `directory`, by their files ending in `suffix`
// (".sock", ".lock"), the suffix taken off.
std::vector<std::string> server_names(int directory, std::string_view suffix);

// Removes the socket and lock of every server NAME in the servers' directory `directory` whose
// lock nobody holds and for which `wanted(NAME)` is true; returns those NAMEs. Each removal
// happens while holding that lock, so a server starting at the same moment keeps its files.
std::vector<std::string> remove_abandoned_server_files(int directory,
                                                       const std::function<bool(const std::string&)>& wanted);

}  // namespace skiff::ns
