// Entry point of the taos-ws plugin: SQL, schemaless and statements over taosAdapter's /ws (README.md).
#include "connection.hpp"
#include "consumer.hpp"
#include "taoslink/plugin.hpp"

namespace taoslink::ws {

/// Serves ws://, wss://, taosws://, taos+ws:// and taos+wss:// DSNs. Connections are
/// independent; the transport itself holds no state.
class WsTransport final : public Transport {
public:
    std::unique_ptr<Connection> connect(const Dsn& dsn) override { return connect_ws(dsn); }
    /// A TMQ consumer over /rest/tmq (consumer.hpp).
    std::unique_ptr<Consumer> consumer(const Dsn& dsn, const std::map<std::string, std::string>& config) override {
        return open_ws_consumer(dsn, config);
    }
};

}  // namespace taoslink::ws

TAOSLINK_PLUGIN("taos-ws", taoslink::ws::WsTransport, "ws", "wss", "taosws", "taos+ws", "taos+wss")
