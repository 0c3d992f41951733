#include "launcher/image/registry/sha256.hpp"

#include <algorithm>
#include <array>
#include <new>

namespace skiff::image {
namespace {
constexpr std::string_view prefix = "sha256:";
constexpr std::size_t hex_digits = 64;
}  // namespace

Sha256::Sha256() : ctx_(EVP_MD_CTX_new()) {
    if (!ctx_ || EVP_DigestInit_ex(ctx_.get(), EVP_sha256(), nullptr) != 1) throw std::bad_alloc();
}

void Sha256::update(std::string_view bytes) {
    EVP_DigestUpdate(ctx_.get(), bytes.data(), bytes.size());
}

std::string Sha256::digest() {
    std::array<unsigned char, EVP_MAX_MD_SIZE> md{};
    unsigned len = 0;
    EVP_DigestFinal_ex(ctx_.get(), md.data(), &len);
    EVP_DigestInit_ex(ctx_.get(), EVP_sha256(), nullptr);
    static constexpr char hex[] = "0123456789abcdef";
    std::string out(prefix);
    for (unsigned i = 0; i < len; ++i) {
        out += hex[md[i] >> 4];
        out += hex[md[i] & 0xf];
    }
    return out;
}

std::string sha256_digest(std::string_view bytes) {
    Sha256 h;
    h.update(bytes);
    return h.digest();
}

bool is_sha256_digest(std::string_view digest) {
    if (!digest.starts_with(prefix) || digest.size() != prefix.size() + hex_digits) return false;
    return std::all_of(digest.begin() + prefix.size(), digest.end(),
                       [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

}  // namespace skiff::image
