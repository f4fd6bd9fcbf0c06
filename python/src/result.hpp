// Python-facing wrappers of taoslink::Result and taoslink::Block.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <utility>
#include <vector>

#include <pybind11/pybind11.h>

#include <taoslink/connection.hpp>

#include "block_feed.hpp"
#include "convert.hpp"

namespace taoslink_py {

/// One block of a result, with the precision needed to convert its timestamps.
/// Rows before `begin` were already delivered by a row fetch and are not part of this view.
struct PyBlock {
    std::shared_ptr<const taoslink::Block> block;
    taoslink::Precision precision = taoslink::Precision::Milli;
    std::size_t begin = 0;
};

/// A streaming result. Not thread-safe (PEP 249: cursors are not shared); a second thread that
/// calls into a Result while another call is in progress gets a RuntimeError instead of a race.
class PyResult {
public:
    PyResult(std::shared_ptr<taoslink::Connection> conn, std::unique_ptr<taoslink::Result> result);
    ~PyResult();

    py::list fields() const;
    const taoslink::Fields& field_list() const { return feed_->fields(); }
    taoslink::Precision precision() const { return feed_->precision(); }
    std::int64_t affected_rows() const { return feed_->affected_rows(); }
    bool exhausted() const { return done_; }
    std::uint64_t rows_fetched() const { return feed_->delivered.load(); }

    /// The next non-empty block (from the unread part of the current one first), or None.
    py::object fetch_block();
    /// Up to `max_rows` rows (0: the rest of the current block, or the next block). [] at the end.
    py::list fetch_rows(std::size_t max_rows, const Converter& conv);
    /// Every remaining row.
    py::list fetch_all(const Converter& conv);
    /// Every remaining row as a dict {column name: value}; the rows share one interned str per
    /// column name, and a repeated name keeps its last column's value (dict(zip(names, row))).
    py::list fetch_all_dicts(const Converter& conv);
    /// Every remaining row, by column: a list of per-column lists.
    py::list fetch_columns(const Converter& conv);
    /// Every remaining block with the index of its first unread row, read with the GIL released;
    /// the rows count as delivered. Used by the columnar exports.
    std::vector<std::pair<std::shared_ptr<const taoslink::Block>, std::size_t>> drain();
    /// Gives back the last `n` rows of the current block, which a row fetch delivered but the
    /// caller did not use (a cursor's row buffer), so the next fetch starts with them again.
    void unfetch(std::size_t n);
    /// Hands the unread rows and the rest of the stream to a new owner (the Arrow stream): the
    /// current block's unread part and the feed. This Result is exhausted afterwards.
    std::pair<std::shared_ptr<const taoslink::Block>, std::size_t> detach(std::shared_ptr<BlockFeed>& feed);
    void close();

private:
    // Makes cur_ a block with unread rows; false at the end. Releases the GIL while waiting and
    // checks for Ctrl-C between blocks.
    bool ensure_block();
    // Marks the feed busy (none after detach(): the feed then belongs to the stream).
    std::unique_ptr<BlockFeed::Guard> guard();
    // Releases the feed: without the GIL when this thread holds it (closing may wait on the network).
    void close_feed() noexcept;

    std::shared_ptr<BlockFeed> feed_;
    std::shared_ptr<const taoslink::Block> cur_;
    std::size_t pos_ = 0;
    bool done_ = false;
    bool detached_ = false;
};

}  // namespace taoslink_py
