#include "sim_process.hpp"

#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <stdexcept>

#include "taoslink/dispatcher.hpp"

extern char** environ;

namespace ws_test {

SimProcess::SimProcess() {
    int out[2];
    if (pipe(out) != 0) throw std::runtime_error("pipe failed");
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, out[1], 1);
    posix_spawn_file_actions_addclose(&actions, out[0]);
    const std::string python = PYTHON3_EXECUTABLE, script = SIM_SCRIPT;
    char* argv[] = {const_cast<char*>(python.c_str()), const_cast<char*>(script.c_str()), const_cast<char*>("--port"),
                    const_cast<char*>("0"), nullptr};
    const int rc = posix_spawn(&pid_, python.c_str(), &actions, nullptr, argv, environ);
    posix_spawn_file_actions_destroy(&actions);
    close(out[1]);
    if (rc != 0) {
        close(out[0]);
        throw std::runtime_error("cannot start the simulator with " + python);
    }
    std::string line;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (line.find('\n') == std::string::npos) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        pollfd p{out[0], POLLIN, 0};
        if (left.count() <= 0 || poll(&p, 1, static_cast<int>(left.count())) <= 0) break;
        char buf[256];
        const auto n = read(out[0], buf, sizeof buf);
        if (n <= 0) break;
        line.append(buf, static_cast<std::size_t>(n));
    }
    fd_ = out[0];  // kept open: the simulator may write more
    const std::string marker = "listening on 127.0.0.1:";
    const auto at = line.find(marker);
    if (at == std::string::npos) {
        kill(pid_, SIGTERM);
        waitpid(pid_, nullptr, 0);
        throw std::runtime_error("the simulator (" + script + ") did not start; it said: " + line);
    }
    port_ = static_cast<std::uint16_t>(std::stoi(line.substr(at + marker.size())));
}

SimProcess::~SimProcess() {
    if (fd_ >= 0) close(fd_);
    if (pid_ > 0) {
        kill(pid_, SIGTERM);
        waitpid(pid_, nullptr, 0);
    }
}

SimProcess& sim() {
    static SimProcess p;
    return p;
}

std::string sim_url(const std::string& scheme, const std::string& user, const std::string& password) {
    return scheme + "://" + user + ":" + password + "@127.0.0.1:" + std::to_string(sim().port());
}

std::unique_ptr<taoslink::Connection> connect_with_plugin(const std::string& plugin, const std::string& dsn) {
    taoslink::load_plugin_file(plugin);
    return taoslink::connect(dsn);
}

}  // namespace ws_test
