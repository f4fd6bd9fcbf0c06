// Starts tests/sim/run_sim.py --port 0 as a child process for the end-to-end tests (taos-ws, and
// taos-native over the fake taosc) and stops it at exit; the DSN of the running simulator and a
// connect through a plugin file. A simulator that does not start fails the suite loudly.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "taoslink/connection.hpp"

namespace ws_test {

class SimProcess {
public:
    /// Starts the simulator (python and script paths come from CMake) and waits for its
    /// "taossim listening on 127.0.0.1:PORT" line. Throws std::runtime_error on failure.
    SimProcess();
    ~SimProcess();
    std::uint16_t port() const { return port_; }

private:
    int pid_ = -1;
    int fd_ = -1;
    std::uint16_t port_ = 0;
};

/// The simulator shared by every test of the process (started on first use).
SimProcess& sim();

/// "`scheme`://`user`:`password`@127.0.0.1:PORT" of the shared simulator.
std::string sim_url(const std::string& scheme, const std::string& user = "root",
                    const std::string& password = "taosdata");

/// connect(dsn) through the plugin file `plugin`, loaded first as an application would load it by
/// path (loading a file that is already loaded changes nothing).
std::unique_ptr<taoslink::Connection> connect_with_plugin(const std::string& plugin, const std::string& dsn);

}  // namespace ws_test
