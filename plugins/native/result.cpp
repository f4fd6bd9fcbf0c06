#include "result.hpp"

#include "raw_block.hpp"
#include "taoslink/error.hpp"

namespace taoslink::native {

std::int64_t affected_rows_of(const Taosc& t, TAOS_RES* res) {
    return t.taos_affected_rows64 ? t.taos_affected_rows64(res) : t.taos_affected_rows(res);
}

NativeResult::NativeResult(std::shared_ptr<const Taosc> taosc, std::shared_ptr<const void> owner, TAOS_RES* res,
                           ResultOwnership ownership)
    : t_(std::move(taosc)), owner_(std::move(owner)), res_(res), ownership_(ownership) {
    try {
        fields_ = read_fields(*t_, res_);
        precision_ = read_precision(*t_, res_);
        affected_rows_ = fields_.empty() ? affected_rows_of(*t_, res_) : -1;
    } catch (...) {
        close();
        throw;
    }
    done_ = fields_.empty();
}

NativeResult::~NativeResult() { close(); }

std::shared_ptr<const Block> NativeResult::next_block() {
    if (failed_) std::rethrow_exception(failed_);
    if (done_ || res_ == nullptr) return nullptr;
    try {
        auto block = fetch_block_copy(*t_, res_, fields_);
        if (!block) done_ = true;
        return block;
    } catch (const Error&) {
        failed_ = std::current_exception();
        close();
        throw;
    }
}

void NativeResult::close() noexcept {
    if (res_ == nullptr) return;
    if (ownership_ == ResultOwnership::Owned) t_->taos_free_result(res_);
    res_ = nullptr;
    done_ = true;
    owner_.reset();
}

}  // namespace taoslink::native
