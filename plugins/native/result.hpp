// A taos-native Result: one TAOS_RES, read block by block with taos_fetch_raw_block.
#pragma once

#include <exception>
#include <memory>

#include "taoslink/connection.hpp"
#include "taosc_library.hpp"

namespace taoslink::native {

/// Whether the Result frees its TAOS_RES. Query results are the caller's to free; statement
/// results belong to the statement (taos_stmt_close / taos_stmt2_close free them).
enum class ResultOwnership { Owned, BorrowedFromStmt };

/// Fields, precision and affected rows are read once at construction. Blocks are copies
/// (raw_block.hpp), so they outlive the next fetch. After a failed fetch every later
/// next_block() rethrows the first error: a partial result never looks complete.
class NativeResult final : public Result {
public:
    /// `owner` keeps alive what `res` depends on (the connection handle, or the statement).
    NativeResult(std::shared_ptr<const Taosc> taosc, std::shared_ptr<const void> owner, TAOS_RES* res,
                 ResultOwnership ownership);
    ~NativeResult() override;

    const Fields& fields() const override { return fields_; }
    Precision precision() const override { return precision_; }
    std::int64_t affected_rows() const override { return affected_rows_; }
    std::shared_ptr<const Block> next_block() override;
    /// Frees an owned TAOS_RES (taos_free_result); idempotent.
    void close() noexcept override;

private:
    std::shared_ptr<const Taosc> t_;
    std::shared_ptr<const void> owner_;
    TAOS_RES* res_;
    ResultOwnership ownership_;
    Fields fields_;
    Precision precision_ = Precision::Milli;
    std::int64_t affected_rows_ = -1;
    bool done_ = false;
    std::exception_ptr failed_;
};

/// The rows `res` wrote: taos_affected_rows64 when the library has it, else taos_affected_rows.
std::int64_t affected_rows_of(const Taosc& t, TAOS_RES* res);

}  // namespace taoslink::native
