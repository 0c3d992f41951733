// `skiff-pull resolve REF`: prints REF pinned to the digest its tag names now
// (HOST/REPOSITORY@sha256:HEX), after one manifest request; a reference with a digest is
// printed pinned as it is, with no request. Nothing is pulled or cached.
#include <cstdio>

#include "common/env_map.hpp"
#include "launcher/image/registry/insecure.hpp"
#include "launcher/image/registry/netrc.hpp"
#include "launcher/image/registry/resolve_tag.hpp"
#include "launcher/pull/commands.hpp"

namespace skiff::pull {

int resolve_command(const std::vector<std::string>& args, const EnvMap& env) {
    if (args.size() != 1 || args[0].starts_with('-')) return report("image resolve: usage: skiff image resolve REF");
    auto ref = image::parse_reference(args[0]);
    if (!ref) return report(ref.error().message);
    image::ResolveOptions options{image::default_credentials_path(env), image::plain_http_allowed(*ref, env)};
    auto digest = image::resolve_digest(*ref, options);
    if (!digest) return report(digest.error().message);
    std::printf("%s\n", ref->pinned(*digest).c_str());
    return 0;
}

}  // namespace skiff::pull
