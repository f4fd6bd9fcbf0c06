// Entry point of the taos-rest plugin: SQL over taosAdapter's REST API (README.md).
#include "connection.hpp"
#include "taoslink/plugin.hpp"

namespace taoslink::rest {

/// Serves http://, https:// and taosrest:// DSNs. Connections are independent; the transport
/// itself holds no state.
class RestTransport final : public Transport {
public:
    std::unique_ptr<Connection> connect(const Dsn& dsn) override { return connect_rest(dsn); }
};

}  // namespace taoslink::rest

TAOSLINK_PLUGIN("taos-rest", taoslink::rest::RestTransport, "http", "https", "taosrest")
