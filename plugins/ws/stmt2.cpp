#include "stmt2.hpp"

#include <iterator>

#include "bind_rows.hpp"  // plugins/common
#include "codec.hpp"
#include "stmt.hpp"
#include "taoslink/error.hpp"

namespace taoslink::ws {

namespace {

bool same_column(const BindColumn& a, const BindColumn& b) {
    return a.type == b.type && a.rows == b.rows && a.is_null == b.is_null && a.data == b.data && a.lengths == b.lengths;
}

bool same_tags(const std::vector<BindColumn>& a, const std::vector<BindColumn>& b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (!same_column(a[i], b[i])) return false;
    }
    return true;
}

// Appends the rows of `add` to `into` (same type required).
void append_rows(BindColumn& into, const BindColumn& add, std::size_t index) {
    if (into.type != add.type) {
        throw UsageError(code::InvalidArgument, "bind column " + std::to_string(index) + ": type differs from the earlier bind of this table");
    }
    plugin::append_rows(into, add);
}

bool same_shape(const Stmt2Table& a, const Stmt2Table& b) {
    return a.has_name == b.has_name && a.tags.size() == b.tags.size() && a.columns.size() == b.columns.size();
}

}  // namespace

WsStmt2::WsStmt2(std::shared_ptr<Session> session, std::uint64_t req_id)
    : WsStmtBase(std::move(session), "stmt2_init", JsonArgs().add("single_stb_insert", false).add("single_table_bind_once", false),
                 req_id, "taosAdapter answered `stmt2_init` without a stmt_id") {}

WsStmt2::~WsStmt2() { close(); }

void WsStmt2::ensure_prepared() const {
    ensure_open();
    if (!prepared_) throw UsageError(code::InvalidOperation, "prepare() the statement first");
}

void WsStmt2::prepare(std::string_view sql) {
    JsonArgs a;
    // The plugin does not need the fields (callers give their own types), and get_fields fails
    // for `insert into ? values(...)`, whose columns are only known once a table is named.
    a.add("sql", sql).add("get_fields", false);
    const JsonReply r = request("stmt2_prepare", std::move(a));
    is_insert_ = r.boolean("is_insert", true);
    prepared_ = true;
    sql_ = std::string(sql);
    fields_.reset();
    pending_.clear();
    current_ = Stmt2Table();
}

void WsStmt2::finish_table() {
    if (current_.columns.empty()) return;
    Stmt2Table done;
    done.has_name = current_.has_name;
    done.name = current_.name;
    done.tags = current_.tags;
    done.columns = std::move(current_.columns);
    current_.columns.clear();
    if (!pending_.empty()) {
        Stmt2Table& last = pending_.back();
        if (last.has_name == done.has_name && last.name == done.name && same_tags(last.tags, done.tags) &&
            last.columns.size() == done.columns.size()) {
            for (std::size_t i = 0; i < done.columns.size(); ++i) append_rows(last.columns[i], done.columns[i], i);
            return;
        }
    }
    pending_.push_back(std::move(done));
}

void WsStmt2::set_table_name(std::string_view name) {
    ensure_prepared();
    if (!is_insert_) throw UsageError(code::InvalidOperation, "set_table_name: not an INSERT statement");
    if (name.empty()) throw UsageError(code::InvalidArgument, "set_table_name: empty name");
    finish_table();
    current_.has_name = true;
    current_.name = std::string(name);
    current_.tags.clear();
}

void WsStmt2::set_tags(const std::vector<BindColumn>& tags) {
    ensure_prepared();
    check_tags(tags);
    if (!is_insert_) throw UsageError(code::InvalidOperation, "set_tags: not an INSERT statement");
    finish_table();
    current_.tags = tags;
}

void WsStmt2::bind(const std::vector<BindColumn>& columns) {
    ensure_prepared();
    if (columns.empty()) throw UsageError(code::InvalidArgument, "bind: no columns");
    for (std::size_t i = 1; i < columns.size(); ++i) {
        if (columns[i].rows != columns[0].rows) {
            throw UsageError(code::InvalidArgument, "bind column " + std::to_string(i) + ": has " + std::to_string(columns[i].rows) +
                                                        " rows, column 0 has " + std::to_string(columns[0].rows));
        }
    }
    if (!is_insert_) {
        for (std::size_t i = 0; i < columns.size(); ++i) {
            if (columns[i].rows != 1) throw UsageError(code::InvalidArgument, "bind: query parameters have exactly one row");
        }
        current_.columns = columns;  // a query binds one set of parameters; the last one wins
        return;
    }
    if (current_.columns.empty()) {
        current_.columns = columns;
        return;
    }
    if (current_.columns.size() != columns.size()) {
        throw UsageError(code::InvalidArgument, "bind: " + std::to_string(columns.size()) + " columns, the earlier bind of this table had " +
                                                    std::to_string(current_.columns.size()));
    }
    for (std::size_t i = 0; i < columns.size(); ++i) append_rows(current_.columns[i], columns[i], i);
}

void WsStmt2::add_batch() {
    ensure_prepared();
    if (is_insert_) finish_table();
}

std::int64_t WsStmt2::execute() {
    ensure_prepared();
    std::vector<Stmt2Table> tables;
    if (is_insert_) {
        finish_table();
        tables = std::move(pending_);
        pending_.clear();
    } else if (!current_.columns.empty()) {
        Stmt2Table t;
        t.columns = current_.columns;
        tables.push_back(std::move(t));
    }
    // one bind frame per run of tables of the same shape (names, tag and column counts); all
    // encoded before anything is sent, so a bad column sends nothing
    std::vector<std::string> frames;
    for (std::size_t i = 0; i < tables.size();) {
        std::size_t j = i + 1;
        while (j < tables.size() && same_shape(tables[i], tables[j])) ++j;
        const std::vector<Stmt2Table> run(std::make_move_iterator(tables.begin() + static_cast<std::ptrdiff_t>(i)),
                                          std::make_move_iterator(tables.begin() + static_cast<std::ptrdiff_t>(j)));
        frames.push_back(encode_stmt2_bind_frame(id_, run, -1, session_->client().take_frame_buffer()));
        i = j;
    }
    tables.clear();  // the frames hold the bytes now
    ensure_open();
    for (auto& frame : frames) {
        request_binary(
            [&](std::uint64_t rid) {
                set_request_id(frame, rid);
                return std::move(frame);
            },
            "stmt2_bind");
    }
    return request("stmt2_exec").integer("affected", 0);
}

std::unique_ptr<Result> WsStmt2::result() {
    ensure_prepared();
    return query_result("stmt2_result", "id");
}

std::vector<StmtField> WsStmt2::fields() {
    ensure_prepared();
    if (!is_insert_) throw UsageError(code::InvalidOperation, "fields: a query statement's parameters have no declared types");
    const std::string table = current_.has_name ? current_.name : std::string();
    if (!fields_ || fields_table_ != table) {
        WsStmt probe(session_);
        probe.prepare(sql_);
        if (!table.empty()) probe.set_table_name(table);
        fields_ = probe.fields();
        fields_table_ = table;
    }
    return *fields_;
}

void WsStmt2::close() noexcept {
    close_with([this](const JsonArgs& a) { session_->request("stmt2_close", a); });  // unlike v1, stmt2_close replies
}

}  // namespace taoslink::ws
