// The blob cache: verified blobs (layers, configs, manifests) by digest, as
// BLOB_CACHE/sha256/<hex>, shared by every image and by concurrent pulls.
//
// A blob gets its final name only after its bytes matched the digest, through one atomic
// link or rename, so a present name is trusted (its size is still checked against the
// manifest): re-hashing gigabytes on every pull would cost more than the download it saves.
// A download in progress is an O_TMPFILE file, which has no name at all until it is
// verified, so nothing is left behind even if the process is killed. Filesystems without
// O_TMPFILE (NFS) get a named temporary file "sha256/.tmp-<hex>-XXXXXX" instead, removed on
// every error path (but not after SIGKILL).
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "common/error.hpp"
#include "launcher/image/registry/sha256.hpp"
#include "common/unique_fd.hpp"

namespace skiff::image {

class BlobWriter;

class BlobCache {
public:
    // Creates ROOT/sha256 if needed.
    static Result<BlobCache> open(const std::filesystem::path& root);

    std::filesystem::path path_of(const std::string& digest) const;
    // Present under its final name with `size` bytes (size < 0: any size).
    bool has(const std::string& digest, std::int64_t size = -1) const;
    // A small cached blob (manifest, config), re-verified since it is read anyway.
    Result<std::string> read(const std::string& digest, std::size_t limit) const;
    // Stores small verified-in-memory bytes (a manifest) under their digest.
    Result<void> store(const std::string& digest, std::string_view bytes) const;
    // Starts writing the blob `digest` of `size` bytes (< 0: unknown).
    Result<BlobWriter> writer(const std::string& digest, std::int64_t size) const;

private:
    BlobCache(std::filesystem::path root, UniqueFd dir) : root_(std::move(root)), dir_(std::move(dir)) {}
    std::filesystem::path root_;
    UniqueFd dir_;  // ROOT/sha256
};

class BlobWriter {
public:
    BlobWriter(BlobWriter&& other) noexcept
        : dir_path_(std::move(other.dir_path_)), dir_(other.dir_), digest_(std::move(other.digest_)),
          size_(other.size_), fd_(std::move(other.fd_)), temp_name_(std::exchange(other.temp_name_, {})),
          hash_(std::move(other.hash_)), written_(other.written_), error_(std::move(other.error_)) {}
    BlobWriter& operator=(BlobWriter&&) = delete;
    ~BlobWriter();

    // Appends downloaded bytes. False when writing failed or the blob grew past its size;
    // error() then says why.
    bool write(std::string_view bytes);
    // Discards what was written, for a download that starts over.
    Result<void> restart();
    // Checks size and digest, then publishes the blob under its final name. A concurrent
    // pull that published it first is fine: the bytes are the same.
    Result<void> commit();

    const std::optional<Error>& error() const { return error_; }
    std::int64_t written() const { return written_; }

private:
    friend class BlobCache;
    BlobWriter(std::filesystem::path dir_path, int dir, std::string digest, std::int64_t size)
        : dir_path_(std::move(dir_path)), dir_(dir), digest_(std::move(digest)), size_(size) {}
    Result<void> open_temp();
    Result<void> publish();
    std::string where() const;

    std::filesystem::path dir_path_;  // ROOT/sha256, for messages
    int dir_;                         // borrowed from the BlobCache, which outlives writers
    std::string digest_;
    std::int64_t size_;
    UniqueFd fd_;
    std::string temp_name_;  // only without O_TMPFILE
    Sha256 hash_;
    std::int64_t written_ = 0;
    std::optional<Error> error_;
};

}  // namespace skiff::image
