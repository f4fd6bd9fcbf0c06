// Entry point of the taos-ws plugin: SQL, schemaless and statements over taosAdapter's /ws (README.md).
#include "connection.hpp"
#include "taoslink/plugin.hpp"

namespace taoslink::ws {

/// Serves ws://, wss://, taosws://, taos+ws:// and taos+wss:// DSNs. Connections are
/// independent; the transport itself holds no state.
class WsTransport final : public Transport {
public:
    std::unique_ptr<Connection> connect(const Dsn& dsn) override { return connect_ws(dsn); }
};

}  // namespace taoslink::ws

TAOSLINK_PLUGIN("taos-ws", taoslink::ws::WsTransport, "ws", "wss", "taosws", "taos+ws", "taos+wss")
