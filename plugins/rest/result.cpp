#include "result.hpp"

namespace taoslink::rest {

RestResult::RestResult(std::string body, std::size_t block_rows) : decoder_(std::move(body), block_rows) {}

std::shared_ptr<const Block> RestResult::next_block() {
    if (closed_) return nullptr;
    auto block = decoder_.next_block();
    if (!block) decoder_.release();  // the body can be large: free it as soon as it is consumed
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
