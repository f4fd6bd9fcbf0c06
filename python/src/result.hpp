// Python-facing wrappers of taoslink::Result and taoslink::Block.
#pragma once

#include <cstddef>
#include <cstdint>
#include <future>
#include <memory>

#include <pybind11/pybind11.h>

#include <taoslink/connection.hpp>

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
    taoslink::Precision precision() const { return precision_; }
    std::int64_t affected_rows() const { return affected_; }
    bool exhausted() const { return done_; }
    std::uint64_t rows_fetched() const { return fetched_; }

    /// The next non-empty block (from the unread part of the current one first), or None.
    py::object fetch_block();
    /// Up to `max_rows` rows (0: the rest of the current block, or the next block). [] at the end.
    py::list fetch_rows(std::size_t max_rows, const Converter& conv);
    /// Every remaining row.
    py::list fetch_all(const Converter& conv);
    /// Every remaining row, by column: a list of per-column lists.
    py::list fetch_columns(const Converter& conv);
    void close();

private:
    class Busy;
    // Makes cur_ a block with unread rows; false at the end. Releases the GIL while waiting and
    // checks for Ctrl-C between blocks.
    bool ensure_block();
    // The next block from the transport: the prefetched one if a prefetch is running. Called
    // without the GIL. After a block, the one after it is decoded on a worker thread while this
    // thread converts (one block of read-ahead; the Result is still used by one thread at a time).
    std::shared_ptr<const taoslink::Block> take_next();
    void wait_prefetch() noexcept;

    std::shared_ptr<taoslink::Connection> conn_;  // declared first: destroyed after result_
    std::unique_ptr<taoslink::Result> result_;
    taoslink::Fields fields_;
    taoslink::Precision precision_ = taoslink::Precision::Milli;
    std::int64_t affected_ = -1;
    std::shared_ptr<const taoslink::Block> cur_;
    std::future<std::shared_ptr<const taoslink::Block>> pending_;
    std::size_t pos_ = 0;
    std::uint64_t fetched_ = 0;
    bool done_ = false;
    bool busy_ = false;
};

}  // namespace taoslink_py
