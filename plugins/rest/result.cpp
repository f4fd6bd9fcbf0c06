#include "result.hpp"

namespace taoslink::rest {

RestResult::RestResult(std::unique_ptr<ByteSource> body, std::size_t block_rows) : decoder_(std::move(body), block_rows) {}
RestResult::RestResult(std::string body, std::size_t block_rows) : decoder_(std::move(body), block_rows) {}

std::shared_ptr<const Block> RestResult::next_block() {
    if (closed_) return nullptr;
    auto block = decoder_.next_block();
    if (!block) decoder_.release();  // free the buffers as soon as the body is consumed
    return block;
}

void RestResult::close() noexcept {
    if (closed_) return;
    closed_ = true;
    decoder_.release();
}

std::unique_ptr<Result> decode_sql_response(std::string body, std::size_t block_rows) {
    return std::make_unique<RestResult>(std::move(body), block_rows);
}

}  // namespace taoslink::rest
