#include "namespaces/image_server/image_server_process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <thread>
#include <vector>

#include "namespaces/fd_passing.hpp"
#include "namespaces/held_dir.hpp"
#include "namespaces/mount_ops.hpp"
#include "namespaces/pidfd.hpp"
#include "namespaces/image_server/spare_pool.hpp"
#include "namespaces/squashfs/profile_use.hpp"
#include "namespaces/squashfs/squashfs_fuse.hpp"
#include "namespaces/squashfs/squashfs_server.hpp"
#include "namespaces/unix_socket.hpp"
#include "namespaces/user_namespace.hpp"

namespace skiff::ns {
namespace {

using Clock = std::chrono::steady_clock;

// The server's own mount of the image, inside its private namespace.
constexpr const char* mount_base = "/tmp";
constexpr const char* mount_point = "/tmp/image";

[[noreturn]] void give_up(int ready_fd, const std::string& why) {
    std::string message = "E" + why;
    (void)!::write(ready_fd, message.data(), message.size());
    ::_exit(1);
}

// Keeps only the readiness pipe, the directory and the read profiles' (image_server_argv).
void detach_from_launcher() {
    ::setsid();
    (void)!::chdir("/");
    int null_fd = ::open("/dev/null", O_RDWR | O_CLOEXEC);
    for (int fd = 0; fd < 3; ++fd) ::dup2(null_fd, fd);
    close_descriptors_from(image_server_profiles_fd + 1, {});
}

// The directory the launcher checked and handed over: still the user's and private.
bool is_private_directory(int directory, uid_t uid) {
    auto st = status_of(directory, "image server directory");
    return st && S_ISDIR(st->st_mode) && st->st_uid == uid && (st->st_mode & 077) == 0;
}

// The lock is held for as long as the server accepts launches: a second server for the same
// image cannot start, and a dead server's lock is released by the kernel. A retiring server
// removes the lock file, so a lock taken on a file that was removed meanwhile is retried.
UniqueFd take_lock(int directory, const std::string& name) {
    for (int attempt = 0; attempt < 10; ++attempt) {
        UniqueFd lock(::openat(directory, name.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600));
        if (!lock.valid() || ::flock(lock.get(), LOCK_EX | LOCK_NB) != 0) return {};
        struct stat held {}, current {};
        if (::fstat(lock.get(), &held) == 0 && ::fstatat(directory, name.c_str(), &current, AT_SYMLINK_NOFOLLOW) == 0 &&
            held.st_ino == current.st_ino && held.st_dev == current.st_dev)
            return lock;
    }
    return {};
}

SysResult<fuse_session*> mount_image(const ImageServerConfig& config, SquashfsFuse* fs) {
    if (auto r = enter_user_and_mount_namespace({config.uid, config.gid, config.uid, config.gid}); !r)
        return Unexpected(r.error());
    if (auto r = make_root_rslave(); !r) return Unexpected(r.error());
    if (auto r = mount_tmpfs(mount_base, "mode=0700"); !r) return Unexpected(r.error());
    if (::mkdir(mount_point, 0700) != 0) return sys_fail("mkdir", mount_point);
    auto fuse = open_fuse_device();
    if (!fuse) return Unexpected(fuse.error());
    std::string options = "fd=" + std::to_string(fuse->get()) + ",rootmode=40000,user_id=" +
                          std::to_string(config.uid) + ",group_id=" + std::to_string(config.gid);
    if (::mount(config.image.c_str(), mount_point, "fuse.squashfuse", MS_RDONLY | MS_NOSUID | MS_NODEV, options.c_str()) != 0)
        return sys_fail("mount fuse", mount_point);
    fuse_session* session = start_fuse_session(fs, fuse->release());
    if (!session) return sys_fail("fuse_session_new", config.image, EINVAL);
    return session;
}

// This server among the ones that have listened on the socket: its pid and 64 random bits.
std::string instance_token() {
    unsigned long long nonce = 0;
    if (::getrandom(&nonce, sizeof nonce, 0) != sizeof nonce)
        nonce = static_cast<unsigned long long>(Clock::now().time_since_epoch().count());
    return std::to_string(::getpid()) + "." + std::to_string(nonce);
}

// A container launched in a spare is not the last holder of the spare's namespaces: the server
// keeps them until shortly after the container has exited. Whoever drops the last reference to
// a mount namespace tears it down (every mount, an RCU grace period: 0.3 ms here); done by the
// container's last process, that work delayed the exit its caller waits for, and done by the
// server at that very moment, it competed with the caller for the CPU.
constexpr std::chrono::milliseconds used_spare_release_delay{20};

struct Client {
    UniqueFd pidfd;                        // the launched container (skiff execs the command)
    std::optional<SpareNamespaces> spare;  // the spare it was launched in, if any
};

struct UsedSpare {
    SpareNamespaces spare;
    Clock::time_point release_at;
};

class Server {
public:
    Server(const ImageServerConfig& config, SquashfsFuse* fs, fuse_session* session,
           std::unique_ptr<ProfileUse> profile, UniqueFd directory, UniqueFd listener, UniqueFd lock)
        : config_(config), fs_(fs), session_(session), profile_(std::move(profile)), directory_(std::move(directory)), listener_(std::move(listener)),
          lock_(std::move(lock)), spares_(std::chrono::seconds(config.spare_seconds)) {
        if (config.retire_with > 0) step_ = open_pidfd(config.retire_with);
    }

    // The image is served by threads of its own (squashfs_fuse.hpp) until the kernel says the
    // last mount is gone (ENODEV); this thread hands out trees and spares, and ends the process
    // after that, not in the middle of an answer: `image stop` unmounts, then waits for "OK".
    [[noreturn]] void run() {
        std::thread([this] {
            (void)serve_fuse_session(fs_, session_);
            std::uint64_t one = 1;
            if (::write(serving_ended_.get(), &one, sizeof one) != sizeof one) ::_exit(0);  // no eventfd: at once
        }).detach();
        for (;;) {
            std::vector<pollfd> fds{{listener_.get(), POLLIN, 0}, {step_.get(), POLLIN, 0},
                                    {serving_ended_.get(), POLLIN, 0}};
            for (auto& client : clients_) fds.push_back({client.pidfd.get(), POLLIN, 0});
            auto builders = spares_.builders();
            for (const auto& builder : builders) fds.push_back({builder.connection, POLLIN, 0});
            int ready = ::poll(fds.data(), fds.size(), timeout_ms());
            if (ready < 0 && errno != EINTR) ::_exit(1);
            release_used_spares(Clock::now());
            if (ready <= 0) {
                spares_.expire(Clock::now());
                if (idle_expired()) retire();
                continue;
            }
            for (std::size_t i = 0; i < builders.size(); ++i)
                if (fds[first_client + clients_.size() + i].revents) hear_builder(builders[i]);
            drop_exited_clients(fds);  // it indexes clients_ as they were polled
            if (fds[0].revents) accept_launch();
            if (fds[1].revents) {  // the Slurm step ended: no later launch belongs here
                step_.reset();
                retire();
            }
            if (fds[2].revents) {
                if (profile_) profile_->save();
                ::_exit(0);
            }
        }
    }

private:
    int timeout_ms() const {
        std::optional<Clock::time_point> wake = spares_.next_expiry();
        if (!used_spares_.empty() && (!wake || used_spares_.front().release_at < *wake))
            wake = used_spares_.front().release_at;
        if (listener_.valid() && clients_.empty()) {
            auto idle_end = last_activity_ + std::chrono::seconds(config_.idle_seconds);
            if (!wake || idle_end < *wake) wake = idle_end;
        }
        if (!wake) return -1;
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(*wake - Clock::now()).count();
        return static_cast<int>(std::max<long>(0, left) + 1);
    }

    bool idle_expired() const {
        return listener_.valid() && clients_.empty() &&
               Clock::now() - last_activity_ >= std::chrono::seconds(config_.idle_seconds);
    }

    void accept_launch() {
        UniqueFd connection(::accept4(listener_.get(), nullptr, nullptr, SOCK_CLOEXEC));
        if (!connection.valid()) return;
        auto peer = peer_credentials(connection.get());
        // The socket's directory is private already; this also refuses a peer in a user
        // namespace that maps someone else (its uid then reads as the overflow id here).
        if (!peer || peer->uid != config_.uid) return;
        (void)set_receive_timeout(connection.get(), 1000);  // a stopped client must not stall the image
        auto request = receive_message(connection.get());
        if (!request || request->payload.empty()) return;
        switch (request->payload[0]) {
            case 'C': hand_out_clone(connection.get(), peer->pid, "M"); break;
            case 'B': hand_out_clone(connection.get(), 0, "M" + token_); break;
            case 'W': hand_out_warm(connection.get(), peer->pid, request->payload); break;
            case 'R': add_builder(std::move(connection), request->payload.substr(1)); break;
            case 'S': (void)send_message(connection.get(), status()); break;
            case 'Q':
                retire();
                (void)send_message(connection.get(), "OK");
                break;
            case 'K':
                (void)send_message(connection.get(), "OK");
                ::_exit(0);
            default: break;
        }
    }

    void hand_out_clone(int connection, pid_t launcher, const std::string& reply) {
        auto tree = clone_tree(mount_point, false);
        if (!tree) {
            (void)send_message(connection, "E" + tree.error().describe());
            return;
        }
        if (!send_message(connection, reply, tree->get())) return;
        if (launcher > 0) count_launch(launcher);
    }

    // "W<wanted> <key>": a spare of the plan `key`, else a clone.
    void hand_out_warm(int connection, pid_t launcher, const std::string& request) {
        auto space = request.find(' ');
        if (space == std::string::npos) return;
        int wanted = std::atoi(request.c_str() + 1);
        auto taken = spares_.take(request.substr(space + 1), wanted, Clock::now());
        std::string start = taken.start_builder ? "1" : "0";
        if (!taken.spare) {
            hand_out_clone(connection, launcher, "M" + start);
        } else {
            const int fds[] = {taken.spare->user.get(), taken.spare->mnt.get()};
            // Sent or not, the spare is never handed out twice; a sent one is kept with its
            // container (Client) and let go after it.
            if (send_message(connection, "S" + start, fds)) {
                ++spare_launches_;
                count_launch(launcher, std::move(taken.spare));
            }
        }
        // The launch first, then its replacement.
        if (taken.build > 0)
            (void)send_message(taken.builder, (taken.urgent ? "U" : "N") + std::to_string(taken.build));
    }

    // "R<key>": the connection stays open as the key's builder's. Reply "T<token> <count>":
    // the token names this server (a spare must be built on this server's clone) and count
    // is how many to build now; later requests are "N<count>", or "U<count>" when the key has
    // no spare left (SparePool::Taken::urgent).
    void add_builder(UniqueFd connection, const std::string& key) {
        int fd = connection.get();
        auto count = spares_.add_builder(key, connection, Clock::now());
        if (count) (void)send_message(fd, "T" + token_ + " " + std::to_string(*count));
    }

    // From a builder: "A" with a spare's user and mount namespaces, "F" for a spare it could
    // not build; end of file when it has gone.
    void hear_builder(const SparePool::Builder& builder) {
        auto message = receive_message(builder.connection);
        if (!message || message->payload.empty()) return spares_.builder_gone(builder.key);
        if (message->payload == "A" && message->fd.valid() && message->more.size() == 1)
            (void)spares_.add(builder.key, SpareNamespaces{std::move(message->fd), std::move(message->more[0])},
                              Clock::now());
        else
            spares_.build_failed(builder.key);
    }

    void count_launch(pid_t launcher, std::optional<SpareNamespaces> spare = std::nullopt) {
        ++launches_;
        last_activity_ = Clock::now();
        // skiff execs the command in the launcher process, so its pid is the container's; a
        // launch in a spare holds the image's mount as a clone does.
        UniqueFd pidfd = open_pidfd(launcher);
        if (pidfd.valid()) clients_.push_back({std::move(pidfd), std::move(spare)});
    }

    std::string status() const {
        auto idle = std::chrono::duration_cast<std::chrono::seconds>(Clock::now() - last_activity_).count();
        return "pid=" + std::to_string(::getpid()) + " clients=" + std::to_string(clients_.size()) +
               " idle=" + std::to_string(idle) + " launches=" + std::to_string(launches_) +
               " spares=" + std::to_string(spares_.size()) + " spare_launches=" + std::to_string(spare_launches_) +
               " prefetched=" + std::to_string(profile_ && profile_->prefetch ? profile_->prefetch->found() : 0) +
               " image=" + config_.image;
    }

    void drop_exited_clients(const std::vector<pollfd>& fds) {
        std::vector<Client> alive;
        for (std::size_t i = 0; i < clients_.size(); ++i) {
            if (fds[first_client + i].revents == 0) alive.push_back(std::move(clients_[i]));
            else if (clients_[i].spare)
                used_spares_.push_back({std::move(*clients_[i].spare), Clock::now() + used_spare_release_delay});
        }
        if (alive.size() != clients_.size()) last_activity_ = Clock::now();
        clients_ = std::move(alive);
    }

    void release_used_spares(Clock::time_point now) {
        while (!used_spares_.empty() && used_spares_.front().release_at <= now) used_spares_.pop_front();
    }

    // Stop taking launches; keep serving attached clones until the kernel says none is left.
    void retire() {
        if (!listener_.valid()) return;
        // By name in the directory: the server's own /tmp is covered by its private tmpfs.
        ::unlinkat(directory_.get(), config_.socket_name().c_str(), 0);
        listener_.reset();
        ::unlinkat(directory_.get(), (config_.name + ".lock").c_str(), 0);
        lock_.reset();
        clients_.clear();
        spares_.clear();  // their binds are as old as they are; a new server builds afresh
        ::umount2(mount_point, MNT_DETACH);
    }

    static constexpr std::size_t first_client = 3;  // in run()'s poll list: listener, step, serving_ended_

    const ImageServerConfig& config_;
    SquashfsFuse* fs_;
    fuse_session* session_;
    std::unique_ptr<ProfileUse> profile_;  // the image's read profile, prefetched and recorded
    UniqueFd directory_;
    UniqueFd listener_;
    UniqueFd lock_;
    UniqueFd step_;                      // pidfd of the Slurm step's slurmstepd, if any
    UniqueFd serving_ended_{::eventfd(0, EFD_CLOEXEC)};  // the serving threads are done
    std::vector<Client> clients_;        // launched containers
    std::deque<UsedSpare> used_spares_;  // of exited containers, in release order
    SparePool spares_;
    const std::string token_ = instance_token();
    Clock::time_point last_activity_ = Clock::now();
    unsigned long launches_ = 0;
    unsigned long spare_launches_ = 0;  // of launches_, those that took a spare
};

}  // namespace

void run_image_server(const ImageServerConfig& config, int ready_fd) {
    detach_from_launcher();
    UniqueFd directory(image_server_directory_fd);
    if (!is_private_directory(directory.get(), config.uid))
        give_up(ready_fd, "no private directory of uid " + std::to_string(config.uid) + " on descriptor " +
                              std::to_string(image_server_directory_fd) + " (" + config.directory + ")");
    UniqueFd lock = take_lock(directory.get(), config.name + ".lock");
    if (!lock.valid()) {
        (void)!::write(ready_fd, "B", 1);
        ::_exit(0);
    }
    std::string problem;
    const ServeLimits limits{config.threads, std::size_t{config.cache_mib} << 20};
    SquashfsFuse* fs = open_squashfs_fuse(config.image, config.uid, config.gid, limits, problem);
    if (!fs) give_up(ready_fd, "image '" + config.image + "': " + problem);
    auto listener = listen_unix_at(directory.get(), config.socket_name(), config.socket_path());
    if (!listener) give_up(ready_fd, listener.error().describe());
    auto session = mount_image(config, fs);
    if (!session) {
        ::unlinkat(directory.get(), config.socket_name().c_str(), 0);
        give_up(ready_fd, session.error().describe());
    }
    // After mount_image: the prefetch is a thread, and a threaded process cannot unshare.
    auto profile = start_profile(fs, config.profiles_fd >= 0 ? path_through(image_server_profiles_fd) : "");
    (void)!::write(ready_fd, "R", 1);
    ::close(ready_fd);
    Server(config, fs, *session, std::move(profile), std::move(directory), std::move(*listener), std::move(lock)).run();
}

}  // namespace skiff::ns
