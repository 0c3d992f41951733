// The subcommands. Each returns the process exit status and prints its own errors.
#pragma once

#include <string>
#include <vector>

namespace skiff::cli {

int run_command(const std::vector<std::string>& words, char* const* envp);
int holder_command(const std::vector<std::string>& words, char* const* envp);  // `skiff __container-holder`
int edf_command(const std::vector<std::string>& words, char* const* envp);
int ldcache_command(const std::vector<std::string>& words);
int doctor_command(const std::vector<std::string>& args, char* const* envp);  // doctor_command.cpp
int image_command(const std::vector<std::string>& words);
// `skiff image pull|import|ls|rm` (image_store_command.cpp)
int image_pull(const std::vector<std::string>& args);
int image_import(const std::vector<std::string>& args);
int image_ls(const std::vector<std::string>& args);
int image_rm(const std::vector<std::string>& args);
int image_resolve(const std::vector<std::string>& args);  // image_resolve_command.cpp
// Prints the digest-pinned reference of registry image `value` (execs skiff-pull resolve).
int resolve_registry_image(const std::string& value);
int image_server_main(const std::vector<std::string>& args);  // `skiff __image-server`
int ldcache_print_command(const std::vector<std::string>& args);  // `ldcache print`, via ldcache_command

// The working directory that ./relative paths start from ("/" if it cannot be read).
std::string current_directory();

// Prints "skiff: error: <message>" (one line) and returns exit_code::setup_failed; an empty
// message prints nothing (a helper printed the error line already).
int report(const std::string& message);
void print_warnings(const std::vector<std::string>& warnings);

// True when `args` holds --help or -h: the subcommand answers with help_reply.
bool asks_for_help(const std::vector<std::string>& args);
// Prints `usage` to stdout and returns 0.
int help_reply(const std::string& usage);

}  // namespace skiff::cli
