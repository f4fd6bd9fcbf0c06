// BlockFeed: a result's blocks with one block of read-ahead. See block_feed.hpp.
#include "block_feed.hpp"

#include <stdexcept>
#include <utility>

namespace taoslink_py {

BlockFeed::BlockFeed(std::shared_ptr<taoslink::Connection> conn, std::unique_ptr<taoslink::Result> result)
    : conn_(std::move(conn)), result_(std::move(result)) {
    fields_ = result_->fields();
    precision_ = result_->precision();
    affected_ = result_->affected_rows();
    if (fields_.empty()) ended_ = true;  // nothing to fetch
}

BlockFeed::~BlockFeed() { close(); }

BlockFeed::Guard::Guard(BlockFeed& f) : f_(f) {
    if (f_.busy_.exchange(true)) throw std::runtime_error("this result is already being fetched by another thread");
}

void BlockFeed::wait_prefetch() noexcept {
    if (!pending_.valid()) return;
    try {
        pending_.get();  // the block (or the error) is discarded
    } catch (...) {
    }
}

std::shared_ptr<const taoslink::Block> BlockFeed::next() {
    if (ended_) return nullptr;
    std::shared_ptr<const taoslink::Block> block;
    if (pending_.valid()) {
        block = pending_.get();
    } else {
        block = result_->next_block();
    }
    if (!block) {
        ended_ = true;
        result_->close();
        return nullptr;
    }
    // Read ahead only from the second block on: most results are one short block, and a thread
    // per small query costs more than it saves (about a third of a small query's client time).
    if (++blocks_seen_ > 1) {
        taoslink::Result* r = result_.get();
        pending_ = std::async(std::launch::async, [r] { return r->next_block(); });
    }
    return block;
}

void BlockFeed::close() noexcept {
    wait_prefetch();
    ended_ = true;
    if (result_) result_->close();
}

}  // namespace taoslink_py
