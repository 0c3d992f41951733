// registry_fetch: fetch_image from the command line, for the registry tests that need
// separate processes (concurrent pulls, a full disk in a user namespace) and for bench/pull
// until `skiff image pull` exists.
//
//   registry_fetch [--cache DIR] [--credentials FILE] [--parallel N] [--quiet] REF
//
// Plain HTTP follows SKIFF_INSECURE_REGISTRIES, credentials default to enroot's file. Prints
// the manifest digest, the architecture and one "LAYER_DIGEST MEDIA_TYPE PATH" line per layer;
// progress goes to stderr; errors are one "registry_fetch: error: ..." line, exit status 1.
#include <unistd.h>

#include <cstdlib>
#include <iostream>
#include <string>

#include "launcher/image/registry/fetched_image.hpp"
#include "launcher/image/registry/insecure.hpp"
#include "launcher/image/registry/netrc.hpp"

namespace {

int usage() {
    std::cerr << "usage: registry_fetch [--cache DIR] [--credentials FILE] [--parallel N] [--quiet] REF\n";
    return 2;
}

}  // namespace

int main(int argc, char** argv) {
    using namespace skiff;
    EnvMap env = env_from_envp(environ);
    image::FetchOptions options;
    options.blob_cache = std::string(env.contains("HOME") ? env["HOME"] : "/tmp") + "/.cache/skiff/blobs";
    options.credentials = image::default_credentials_path(env);
    bool quiet = false;
    std::string text;
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        bool has_value = i + 1 < argc;
        if (a == "--cache" && has_value) options.blob_cache = argv[++i];
        else if (a == "--credentials" && has_value) options.credentials = argv[++i];
        else if (a == "--parallel" && has_value) options.parallel_downloads = static_cast<unsigned>(std::atoi(argv[++i]));
        else if (a == "--quiet") quiet = true;
        else if (a.starts_with("-") || !text.empty()) return usage();
        else text = a;
    }
    if (text.empty()) return usage();
    auto ref = image::parse_reference(text);
    if (!ref) {
        std::cerr << "registry_fetch: error: " << ref.error().message << "\n";
        return 1;
    }
    options.allow_plain_http = image::plain_http_allowed(*ref, env);
    if (!quiet) options.progress = [](const std::string& line) { std::cerr << line << "\n"; };
    auto fetched = image::fetch_image(*ref, options);
    if (!fetched) {
        std::cerr << "registry_fetch: error: " << fetched.error().message << "\n";
        return 1;
    }
    std::cout << fetched->manifest_digest << "\n" << fetched->architecture << "\n";
    for (const auto& l : fetched->layers) std::cout << l.digest << " " << l.media_type << " " << l.blob.string() << "\n";
    return 0;
}
