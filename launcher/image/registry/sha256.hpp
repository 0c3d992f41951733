// Streaming SHA-256 over OpenSSL's EVP interface (libcrypto), for blob and manifest digests.
#pragma once

#include <openssl/evp.h>

#include <memory>
#include <string>
#include <string_view>

namespace skiff::image {

class Sha256 {
public:
    Sha256();
    void update(std::string_view bytes);
    // "sha256:<64 lowercase hex>"; the hasher starts over afterwards.
    std::string digest();

private:
    struct Free {
        void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
    };
    std::unique_ptr<EVP_MD_CTX, Free> ctx_;
};

// "sha256:<hex>" of `bytes`.
std::string sha256_digest(std::string_view bytes);

// True for "sha256:" followed by 64 lowercase hex digits (the only algorithm accepted).
bool is_sha256_digest(std::string_view digest);

}  // namespace skiff::image
