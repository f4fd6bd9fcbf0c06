#include "stmt.hpp"

#include <algorithm>
#include <cstring>

#include "errors.hpp"
#include "result.hpp"
#include "taoslink/error.hpp"

namespace taoslink::native {

MultiBind::MultiBind(const std::vector<BindColumn>& columns) {
    binds_.resize(columns.size());
    slots_.resize(columns.size());
    lengths_.resize(columns.size());
    nulls_.resize(columns.size());
    for (std::size_t i = 0; i < columns.size(); ++i) {
        const BindColumn& c = columns[i];
        TAOS_MULTI_BIND& b = binds_[i];
        if (c.rows > static_cast<std::size_t>(INT32_MAX))
            throw UsageError(code::InvalidArgument, "bind column " + std::to_string(i) + " has too many rows");
        if (!c.is_null.empty() && c.is_null.size() != c.rows)
            throw UsageError(code::InvalidArgument, "bind column " + std::to_string(i) + " has " +
                                                        std::to_string(c.is_null.size()) + " null flags for " +
                                                        std::to_string(c.rows) + " rows");
        b.buffer_type = static_cast<int>(c.type);
        b.num = static_cast<int>(c.rows);
        if (!c.is_null.empty()) {
            nulls_[i].assign(c.is_null.begin(), c.is_null.end());
            b.is_null = nulls_[i].data();
        }
        // Variable-width types, and DECIMALs given as text (with lengths).
        if (is_var_type(c.type) || !c.lengths.empty()) {
            if (c.lengths.size() != c.rows)
                throw UsageError(code::InvalidArgument, "bind column " + std::to_string(i) + " has " +
                                                            std::to_string(c.lengths.size()) + " lengths for " +
                                                            std::to_string(c.rows) + " rows");
            std::size_t width = 1, total = 0;
            for (auto len : c.lengths) {
                if (len < 0) throw UsageError(code::InvalidArgument, "bind column " + std::to_string(i) + " has a negative length");
                width = std::max(width, static_cast<std::size_t>(len));
                total += static_cast<std::size_t>(len);
            }
            if (total > c.data.size())
                throw UsageError(code::InvalidArgument, "bind column " + std::to_string(i) + " lengths sum to " +
                                                            std::to_string(total) + " bytes, data has " +
                                                            std::to_string(c.data.size()));
            auto& slots = slots_[i];
            slots.assign(width * c.rows, 0);
            std::size_t at = 0;
            for (std::size_t r = 0; r < c.rows; ++r) {
                const auto len = static_cast<std::size_t>(c.lengths[r]);
                std::memcpy(slots.data() + r * width, c.data.data() + at, len);
                at += len;
            }
            lengths_[i].assign(c.lengths.begin(), c.lengths.end());
            b.buffer = slots.data();
            b.buffer_length = width;
            b.length = lengths_[i].data();
        } else {
            const int width = fixed_size(c.type);
            if (width <= 0) throw UsageError(code::InvalidArgument, "bind column " + std::to_string(i) + " has no type");
            if (c.data.size() != c.rows * static_cast<std::size_t>(width))
                throw UsageError(code::InvalidArgument, "bind column " + std::to_string(i) + " has " +
                                                            std::to_string(c.data.size()) + " bytes for " +
                                                            std::to_string(c.rows) + " rows of " +
                                                            std::string(type_name(c.type)));
            b.buffer = const_cast<std::uint8_t*>(c.data.data());  // taosc only reads it
            b.buffer_length = static_cast<std::uintptr_t>(width);
        }
    }
}

NativeStmt::NativeStmt(std::shared_ptr<const Taosc> taosc, std::shared_ptr<TaosHandle> conn) : t_(std::move(taosc)) {
    TAOS_STMT* s = t_->taos_stmt_init(conn->get());
    if (s == nullptr) raise_last_error(*t_, nullptr, "taos_stmt_init");
    handle_ = std::make_shared<StmtHandle>(t_, std::move(conn), s);
}

NativeStmt::~NativeStmt() { close(); }

TAOS_STMT* NativeStmt::stmt() const {
    if (!handle_) throw UsageError(code::InvalidArgument, "the statement is closed");
    return handle_->get();
}

void NativeStmt::check(int rc, const char* what) const {
    if (rc == 0) return;
    const char* msg = t_->taos_stmt_errstr(handle_->get());
    raise_taosc_error(rc, msg ? msg : "", what);
}

void NativeStmt::prepare(std::string_view sql) {
    TAOS_STMT* s = stmt();
    check(t_->taos_stmt_prepare(s, sql.data(), static_cast<unsigned long>(sql.size())), "stmt prepare");
}

void NativeStmt::set_table_name(std::string_view name) {
    TAOS_STMT* s = stmt();
    const std::string text(name);
    check(t_->taos_stmt_set_tbname(s, text.c_str()), "stmt set_table_name");
}

void NativeStmt::set_tags(const std::vector<BindColumn>& tags) {
    TAOS_STMT* s = stmt();
    MultiBind b(tags);
    check(t_->taos_stmt_set_tags(s, b.data()), "stmt set_tags");
}

void NativeStmt::bind(const std::vector<BindColumn>& columns) {
    TAOS_STMT* s = stmt();
    MultiBind b(columns);  // taosc copies the values before returning
    check(t_->taos_stmt_bind_param_batch(s, b.data()), "stmt bind");
}

void NativeStmt::add_batch() { check(t_->taos_stmt_add_batch(stmt()), "stmt add_batch"); }

std::int64_t NativeStmt::execute() {
    TAOS_STMT* s = stmt();
    check(t_->taos_stmt_execute(s), "stmt execute");
    const std::int64_t total = t_->taos_stmt_affected_rows(s);
    const std::int64_t rows = total - affected_before_;
    affected_before_ = total;
    return rows;
}

std::unique_ptr<Result> NativeStmt::result() {
    TAOS_STMT* s = stmt();
    TAOS_RES* res = t_->taos_stmt_use_result(s);
    if (res == nullptr) {
        const char* msg = t_->taos_stmt_errstr(s);
        raise_taosc_error(code::InvalidOperation, msg && *msg ? msg : "the statement has no result", "stmt result");
    }
    return std::make_unique<NativeResult>(t_, handle_, res, ResultOwnership::BorrowedFromStmt);
}

namespace {

// One of taos_stmt_get_tag_fields / taos_stmt_get_col_fields, its array reclaimed by taosc.
template <class Get>
std::vector<StmtField> fetch_fields(const Taosc& t, TAOS_STMT* s, Get get, StmtFieldKind kind, const char* what) {
    int n = 0;
    TAOS_FIELD_E* raw = nullptr;
    const int rc = get(s, &n, &raw);
    std::vector<StmtField> out;
    if (rc == 0 && raw != nullptr) {
        for (int i = 0; i < n; ++i) {
            const TAOS_FIELD_E& e = raw[i];
            StmtField f;
            f.name.assign(e.name, strnlen(e.name, sizeof e.name));
            f.type = static_cast<TypeCode>(static_cast<std::uint8_t>(e.type));
            f.kind = kind;
            f.bytes = e.bytes;
            f.precision = e.precision;
            f.scale = e.scale;
            out.push_back(std::move(f));
        }
    }
    if (raw != nullptr) t.taos_stmt_reclaim_fields(s, raw);
    if (rc != 0) {
        const char* msg = t.taos_stmt_errstr(s);
        raise_taosc_error(rc, msg ? msg : "", what);
    }
    for (const auto& f : out) {
        if (!is_known_type(static_cast<int>(f.type)) || f.type == TypeCode::Null)
            throw ProtocolError(std::string(what) + ": taosc gave unknown type " + std::to_string(static_cast<int>(f.type)) +
                                " for `" + f.name + "`");
    }
    return out;
}

}  // namespace

std::vector<StmtField> NativeStmt::fields() {
    TAOS_STMT* s = stmt();
    if (!t_->taos_stmt_get_tag_fields) raise_missing(*t_, "taos_stmt_get_tag_fields", "Stmt::fields");
    if (!t_->taos_stmt_get_col_fields) raise_missing(*t_, "taos_stmt_get_col_fields", "Stmt::fields");
    if (!t_->taos_stmt_reclaim_fields) raise_missing(*t_, "taos_stmt_reclaim_fields", "Stmt::fields");
    auto out = fetch_fields(*t_, s, t_->taos_stmt_get_tag_fields, StmtFieldKind::Tag, "stmt get_tag_fields");
    auto cols = fetch_fields(*t_, s, t_->taos_stmt_get_col_fields, StmtFieldKind::Column, "stmt get_col_fields");
    out.insert(out.end(), cols.begin(), cols.end());
    return out;
}

void NativeStmt::close() noexcept { handle_.reset(); }

}  // namespace taoslink::native
