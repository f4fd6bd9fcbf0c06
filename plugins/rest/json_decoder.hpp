// Decodes taosAdapter's /rest/sql JSON bodies into taoslink Blocks (simdjson On-Demand).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "taoslink/block.hpp"
#include "taoslink/types.hpp"

namespace taoslink::rest {

/// A /rest/sql success body being decoded. The header (`code`, `column_meta`) is read by the
/// constructor; rows are decoded lazily, `block_rows` at a time, by next_block().
///
/// Not thread-safe (one Result, one thread).
class SqlResponseDecoder {
public:
    static constexpr std::size_t kBlockRows = 4096;

    /// Takes the whole response body. Throws ServerError/AuthError when `code` is not 0,
    /// NotSupportedError for a TDengine 2.x body, ProtocolError for anything it cannot decode.
    explicit SqlResponseDecoder(std::string body, std::size_t block_rows = kBlockRows);
    ~SqlResponseDecoder();
    SqlResponseDecoder(const SqlResponseDecoder&) = delete;
    SqlResponseDecoder& operator=(const SqlResponseDecoder&) = delete;

    /// Result columns; empty for the `affected_rows` shape.
    const Fields& fields() const noexcept;
    /// Precision implied by the first TIMESTAMP value (ms when there is none).
    Precision precision() const noexcept;
    /// Rows affected for the `affected_rows` shape, -1 for a query.
    std::int64_t affected_rows() const noexcept;
    /// The next block of at most `block_rows` rows, or nullptr at the end. Throws ProtocolError
    /// naming the column and row of a malformed value (and again on every later call).
    std::shared_ptr<const Block> next_block();
    /// Frees the body and the parser. Later next_block() calls return nullptr.
    void release() noexcept;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace taoslink::rest
