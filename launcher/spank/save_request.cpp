// --container-save at the end of a step (plugin.hpp, request_step_save): slurmstepd, as root,
// asks the step's holder on the node of rank 0 to save its container. The socket lies in the
// user's directory, so it is trusted only as a socket the user owns, reached through the
// descriptor that was checked; the answer is bounded.
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "launcher/spank/plugin.hpp"
#include "namespaces/unix_socket.hpp"

namespace skiff::spank {

SaveOutcome request_step_save(uid_t uid, const std::string& step_key, bool succeeded, std::string& message) {
    std::string path = step_directory(uid, step_key) + "/" + run::holder_save_socket;
    UniqueFd file(::open(path.c_str(), O_PATH | O_NOFOLLOW | O_CLOEXEC));
    if (!file.valid()) {
        if (errno == ENOENT) return SaveOutcome::none_asked;  // the holder has no save to do
        message = "--container-save: cannot open " + path + ": " + std::strerror(errno);
        return SaveOutcome::failed;
    }
    struct stat st {};
    if (::fstat(file.get(), &st) != 0 || !S_ISSOCK(st.st_mode) || st.st_uid != uid) {
        message = "--container-save: " + path + " is not the container holder's socket; nothing was saved";
        return SaveOutcome::failed;
    }
    auto connection = ns::connect_unix("/proc/self/fd/" + std::to_string(file.get()));
    if (!connection) {
        message = "--container-save: the container holder does not answer: " + connection.error().describe();
        return SaveOutcome::failed;
    }
    const char request[2] = {'S', succeeded ? '0' : '1'};
    std::string reply(run::holder_save_reply_limit, '\0');
    ssize_t n = -1;
    if (::send(connection->get(), request, sizeof request, MSG_NOSIGNAL) == 2)
        while ((n = ::recv(connection->get(), reply.data(), reply.size(), 0)) < 0 && errno == EINTR) {}
    if (n <= 0) {
        message = "--container-save: the container holder ended without saving";
        return SaveOutcome::failed;
    }
    message = reply.substr(1, static_cast<std::size_t>(n) - 1);
    if (reply[0] == '0') return SaveOutcome::saved;
    return reply[0] == '2' ? SaveOutcome::declined : SaveOutcome::failed;
}

}  // namespace skiff::spank
