// Entry point of the taos-native plugin: TDengine through taosc (libtaos.so), loaded at run time
// (README.md).
#include "connection.hpp"
#include "consumer.hpp"
#include "taoslink/plugin.hpp"

namespace taoslink::native {

/// Serves taos:// DSNs. taosc is loaded on the first connect or consumer, not when the plugin
/// is, so a missing libtaos.so is reported where it is needed, with every path tried.
class NativeTransport final : public Transport {
public:
    std::unique_ptr<Connection> connect(const Dsn& dsn) override { return connect_native(dsn); }
    std::unique_ptr<Consumer> consumer(const Dsn& dsn, const std::map<std::string, std::string>& config) override {
        return open_native_consumer(dsn, config);
    }
};

}  // namespace taoslink::native

TAOSLINK_PLUGIN("taos-native", taoslink::native::NativeTransport, "taos")
