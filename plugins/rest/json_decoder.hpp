// Decodes taosAdapter's /rest/sql JSON bodies into taoslink Blocks as they stream in (simdjson On-Demand).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "byte_source.hpp"
#include "taoslink/block.hpp"
#include "taoslink/types.hpp"

namespace taoslink::rest {

/// A /rest/sql body being decoded as it arrives. The constructor reads the members before
/// `data` (`code`, `column_meta`) and the first group of rows; next_block() reads and decodes
/// the rest, `block_rows` rows at a time, so the body is never held whole: rows are cut into
/// groups by JsonScanner and each group is parsed as one small simdjson document.
///
/// Not thread-safe (one Result, one thread at a time).
class SqlResponseDecoder {
public:
    static constexpr std::size_t kBlockRows = 4096;

    /// Reads from `body`. Throws ServerError/AuthError when `code` is not 0, NotSupportedError
    /// for a TDengine 2.x body, ProtocolError for anything it cannot decode, and whatever the
    /// source throws (ConnectionError, TimeoutError) for a body cut short.
    explicit SqlResponseDecoder(std::unique_ptr<ByteSource> body, std::size_t block_rows = kBlockRows);
    /// The same for a body held in memory.
    explicit SqlResponseDecoder(std::string body, std::size_t block_rows = kBlockRows);
    ~SqlResponseDecoder();
    SqlResponseDecoder(const SqlResponseDecoder&) = delete;
    SqlResponseDecoder& operator=(const SqlResponseDecoder&) = delete;

    /// Result columns; empty for the `affected_rows` shape.
    const Fields& fields() const noexcept;
    /// Precision implied by the first non-NULL TIMESTAMP value (ms when there is none). It is
    /// looked for in the first kPrecisionLookahead bytes of rows; past them, nanoseconds (exact
    /// for every precision).
    Precision precision() const noexcept;
    /// Rows affected for the `affected_rows` shape, -1 for a query.
    std::int64_t affected_rows() const noexcept;
    /// The next block of at most `block_rows` rows, or nullptr at the end (after the whole body
    /// was read and checked). Throws ProtocolError naming the column and row of a malformed
    /// value, or the source's error; the same error again on every later call.
    std::shared_ptr<const Block> next_block();
    /// Frees the buffers and the source (a body not read to its end is abandoned). Later
    /// next_block() calls return nullptr.
    void release() noexcept;

    /// The most bytes the decoder's own buffers held at once (for tests of bounded memory).
    std::size_t peak_buffered_bytes() const noexcept;

    static constexpr std::size_t kPrecisionLookahead = 32u << 20;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace taoslink::rest
