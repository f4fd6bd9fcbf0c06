// The Result of one /rest/sql request: a decoded JSON body served as blocks.
#pragma once

#include <cstddef>
#include <memory>
#include <string>

#include "json_decoder.hpp"
#include "taoslink/connection.hpp"

namespace taoslink::rest {

/// A REST result. The body streams in as next_block() asks for rows (SqlResponseDecoder::kBlockRows
/// at a time); until it has been read to its end the result holds the HTTP connection, and
/// closing the result earlier closes that connection. Not thread-safe.
class RestResult final : public Result {
public:
    /// Reads the members before the rows (see SqlResponseDecoder for what it throws).
    explicit RestResult(std::unique_ptr<ByteSource> body, std::size_t block_rows = SqlResponseDecoder::kBlockRows);
    explicit RestResult(std::string body, std::size_t block_rows = SqlResponseDecoder::kBlockRows);

    const Fields& fields() const override { return decoder_.fields(); }
    Precision precision() const override { return decoder_.precision(); }
    std::int64_t affected_rows() const override { return decoder_.affected_rows(); }
    std::shared_ptr<const Block> next_block() override;
    void close() noexcept override;

private:
    SqlResponseDecoder decoder_;
    bool closed_ = false;
};

/// Decodes a complete /rest/sql body into a Result (for tests and the bench).
std::unique_ptr<Result> decode_sql_response(std::string body, std::size_t block_rows = SqlResponseDecoder::kBlockRows);

}  // namespace taoslink::rest
