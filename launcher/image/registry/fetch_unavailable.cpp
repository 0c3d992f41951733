// TEMPORARY (branch h8b only): stands in for the registry client that branch h8a implements,
// so that skiff-pull links and its tests run before the merge. The lead deletes this file when
// merging h8a, whose fetch_image() replaces it.
#include "launcher/image/registry/fetched_image.hpp"

namespace skiff::image {

Result<FetchedImage> fetch_image(const RegistryRef& ref, const FetchOptions&) {
    return fail("image '" + ref.canonical() + "': registry pulls need the registry client (branch h8a)");
}

}  // namespace skiff::image
