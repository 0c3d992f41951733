#include "common/job_ssh_keys.hpp"

namespace skiff {
namespace {

constexpr std::string_view private_begin = "-----BEGIN OPENSSH PRIVATE KEY-----\n";
constexpr std::string_view private_end = "-----END OPENSSH PRIVATE KEY-----\n";
constexpr std::string_view ed25519 = "ssh-ed25519 ";
// An ed25519 private key is about 400 bytes, its public line about 100 with a short comment.
constexpr std::size_t max_private_bytes = 4096;
constexpr std::size_t max_public_bytes = 1024;

bool base64_char(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '/' || c == '=';
}

Error bad_key(std::string_view name, const std::string& why) {
    return Error{"com.hooks.ssh: " + std::string(name) + " " + why +
                 "; it is srun's (skiff's Slurm plugin): do not set it yourself, or unset it"};
}

std::string without_final_newline(std::string text) {
    if (text.ends_with('\n')) text.pop_back();
    return text;
}

}  // namespace

Result<void> check_private_key(std::string_view text, std::string_view name) {
    if (text.size() > max_private_bytes) return Unexpected(bad_key(name, "is longer than " + std::to_string(max_private_bytes) + " bytes"));
    if (!text.starts_with(private_begin) || !text.ends_with(private_end))
        return Unexpected(bad_key(name, "is not an OpenSSH private key"));
    auto body = text.substr(private_begin.size(), text.size() - private_begin.size() - private_end.size());
    if (body.empty()) return Unexpected(bad_key(name, "is an empty OpenSSH private key"));
    for (char c : body)
        if (!base64_char(c) && c != '\n') return Unexpected(bad_key(name, "is not an OpenSSH private key"));
    return {};
}

Result<void> check_public_key(std::string_view text, std::string_view name) {
    if (text.size() > max_public_bytes) return Unexpected(bad_key(name, "is longer than " + std::to_string(max_public_bytes) + " bytes"));
    if (!text.starts_with(ed25519)) return Unexpected(bad_key(name, "is not an ssh-ed25519 public key"));
    auto rest = text.substr(ed25519.size());
    auto blob = rest.substr(0, rest.find(' '));
    if (blob.empty()) return Unexpected(bad_key(name, "is an ssh-ed25519 key without its key"));
    for (char c : blob)
        if (!base64_char(c)) return Unexpected(bad_key(name, "is not an ssh-ed25519 public key"));
    for (char c : rest)  // one line of printable ASCII: it goes into authorized_keys and known_hosts
        if (c < ' ' || c > '~') return Unexpected(bad_key(name, "is not one line of printable text"));
    return {};
}

Result<std::optional<JobSshKeys>> job_ssh_keys(const EnvMap& env) {
    bool any = false;
    for (const char* name : job_ssh_variables) any = any || env.contains(name);
    if (!any) return std::optional<JobSshKeys>{};
    for (const char* name : job_ssh_variables)
        if (!env.contains(name)) return Unexpected(bad_key(name, "is missing while other " + std::string(job_ssh_prefix) + "* variables are set"));
    JobSshKeys keys{env.at(job_ssh_user_key), without_final_newline(env.at(job_ssh_user_public)), env.at(job_ssh_host_key),
                    without_final_newline(env.at(job_ssh_host_public))};
    for (auto [text, name] : {std::pair{&keys.user_key, job_ssh_user_key}, std::pair{&keys.host_key, job_ssh_host_key}})
        if (auto r = check_private_key(*text, name); !r) return Unexpected(r.error());
    for (auto [text, name] : {std::pair{&keys.user_public, job_ssh_user_public}, std::pair{&keys.host_public, job_ssh_host_public}})
        if (auto r = check_public_key(*text, name); !r) return Unexpected(r.error());
    return std::optional<JobSshKeys>(std::move(keys));
}

}  // namespace skiff
