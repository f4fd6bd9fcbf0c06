// Starts tests/sim/run_sim.py --port 0 as a child process for the end-to-end tests and stops it
// at exit. A simulator that does not start fails the suite loudly.
#pragma once

#include <cstdint>
#include <string>

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

}  // namespace ws_test
