// The taos-native TMQ consumer: taosc's tmq_* API.
#pragma once

#include <deque>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "taoslink/connection.hpp"
#include "taosc_library.hpp"

namespace taoslink::native {

/// What tmq_committed returns when the group has committed nothing (TSDB_CODE_TMQ_NO_COMMITTED).
inline constexpr std::int64_t kNoCommittedOffset = -2147467247;

/// The tmq_conf_set pairs for `config` over `dsn`: every config key verbatim, then DSN query
/// parameters that are not taos-native's own (libtaos, config, tz, ...), then td.connect.ip/port/
/// user/pass/db from the DSN where neither gave them. The map wins over the DSN.
std::vector<std::pair<std::string, std::string>> tmq_settings(const Dsn& dsn,
                                                              const std::map<std::string, std::string>& config);

/// Not thread-safe: one thread uses a consumer (close() included).
///
/// Committing a message needs its taosc handle (tmq_commit_sync commits the position after it), so
/// the consumer keeps, per topic and vgroup, the handle of the latest message polled until it is
/// committed, a later message of that vgroup replaces it, or the consumer unsubscribes or closes.
/// commit() of an older message commits the offset of the message that followed it
/// (tmq_commit_offset_sync); older still → UsageError (commit_offset() or commit(nullptr)).
class NativeConsumer final : public Consumer {
public:
    /// Takes ownership of `tmq`.
    NativeConsumer(std::shared_ptr<const Taosc> taosc, tmq_t* tmq);
    ~NativeConsumer() override;

    void subscribe(const std::vector<std::string>& topics) override;
    void unsubscribe() override;
    std::optional<Message> poll(std::chrono::milliseconds timeout) override;
    void commit(const Message* message) override;
    void commit_offset(const std::string& topic, std::int32_t vgroup_id, std::int64_t offset) override;
    void seek(const std::string& topic, std::int32_t vgroup_id, std::int64_t offset) override;
    std::vector<TopicAssignment> assignment() override;
    /// The committed offset, or kNoCommittedOffset when the group has none.
    std::int64_t committed(const std::string& topic, std::int32_t vgroup_id) override;
    std::int64_t position(const std::string& topic, std::int32_t vgroup_id) override;
    std::vector<std::string> list_topics() override;
    void close() noexcept override;

private:
    struct Held {
        TAOS_RES* handle = nullptr;
        std::int64_t offset = -1;
        std::deque<std::pair<std::int64_t, std::int64_t>> followed_by;  // (offset, next message's offset)
    };
    using Key = std::pair<std::string, std::int32_t>;  // topic, vgroup
    tmq_t* tmq() const;
    void check(std::int32_t rc, const std::string& what) const;
    void release_held() noexcept;
    Message read_message(TAOS_RES* msg);

    std::shared_ptr<const Taosc> t_;
    tmq_t* tmq_;
    std::map<Key, Held> held_;
};

/// Opens a consumer for a taos:// DSN (tmq_conf_new, tmq_conf_set, tmq_consumer_new).
std::unique_ptr<Consumer> open_native_consumer(const Dsn& dsn, const std::map<std::string, std::string>& config);

/// The same on a given taosc table (tests).
std::unique_ptr<Consumer> open_native_consumer(std::shared_ptr<const Taosc> taosc, const Dsn& dsn,
                                               const std::map<std::string, std::string>& config);

}  // namespace taoslink::native
