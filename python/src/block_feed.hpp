// The block stream of one result, with one block of read-ahead, shared by the row fetches
// (PyResult) and the Arrow stream export (which may outlive the Python result object).
#pragma once

#include <atomic>
#include <cstdint>
#include <future>
#include <memory>

#include <taoslink/connection.hpp>

namespace taoslink_py {

/// Owns a taoslink::Result and the connection it came from. Never touches Python, so it can be
/// driven without the GIL (by pyarrow's reader threads, for instance). One caller at a time:
/// enter() refuses a second concurrent user instead of racing.
class BlockFeed {
public:
    BlockFeed(std::shared_ptr<taoslink::Connection> conn, std::unique_ptr<taoslink::Result> result);
    ~BlockFeed();
    BlockFeed(const BlockFeed&) = delete;
    BlockFeed& operator=(const BlockFeed&) = delete;

    const taoslink::Fields& fields() const { return fields_; }
    taoslink::Precision precision() const { return precision_; }
    std::int64_t affected_rows() const { return affected_; }

    /// The next block from the transport (nullptr at the end, after which the result is closed).
    /// From the second block on, while the caller converts one, the next is decoded on a worker thread.
    std::shared_ptr<const taoslink::Block> next();
    /// Stops the read-ahead and releases the server-side result. Idempotent; never throws.
    void close() noexcept;

    /// Rows handed to the user so far, by any consumer of this feed.
    std::atomic<std::uint64_t> delivered{0};

    /// Marks the feed busy for the lifetime of the guard; throws std::runtime_error when another
    /// thread is already using it.
    class Guard {
    public:
        explicit Guard(BlockFeed& f);
        ~Guard() { f_.busy_.store(false); }
        Guard(const Guard&) = delete;
        Guard& operator=(const Guard&) = delete;

    private:
        BlockFeed& f_;
    };

private:
    void wait_prefetch() noexcept;

    std::shared_ptr<taoslink::Connection> conn_;  // declared first: destroyed after result_
    std::unique_ptr<taoslink::Result> result_;
    taoslink::Fields fields_;
    taoslink::Precision precision_ = taoslink::Precision::Milli;
    std::int64_t affected_ = -1;
    std::future<std::shared_ptr<const taoslink::Block>> pending_;
    bool ended_ = false;
    std::uint64_t blocks_seen_ = 0;
    std::atomic<bool> busy_{false};
};

}  // namespace taoslink_py
