#include "stmt.hpp"

#include <iterator>

#include "bind_block.hpp"
#include "bind_json.hpp"
#include "codec.hpp"
#include "taoslink/error.hpp"

namespace taoslink::ws {

WsStmt::WsStmt(std::shared_ptr<Session> session, std::uint64_t req_id)
    : WsStmtBase(std::move(session), "init", JsonArgs(), req_id, "taosAdapter answered stmt `init` without a stmt_id") {}

WsStmt::~WsStmt() { close(); }

void WsStmt::prepare(std::string_view sql) {
    JsonArgs a;
    a.add("sql", sql);
    is_insert_ = request("prepare", std::move(a)).boolean("is_insert", true);
}

void WsStmt::set_table_name(std::string_view name) {
    JsonArgs a;
    a.add("name", name);
    request("set_table_name", std::move(a));
}

void WsStmt::send_columns(const std::vector<BindColumn>& columns, bool tags) {
    const char* name = tags ? "set_tags" : "bind";
    if (!is_insert_) {
        JsonArgs a;
        a.add_raw(tags ? "tags" : "columns", tags ? bind_tags_json(columns) : bind_columns_json(columns));
        request(name, std::move(a));
        return;
    }
    request_binary([&](std::uint64_t rid) {
        return binary_request(rid, id_, tags ? action::SetTags : action::Bind, encode_bind_block(columns));
    }, name);
}

void WsStmt::set_tags(const std::vector<BindColumn>& tags) {
    ensure_open();
    check_tags(tags);
    send_columns(tags, true);
}

void WsStmt::bind(const std::vector<BindColumn>& columns) {
    ensure_open();
    send_columns(columns, false);
}

void WsStmt::add_batch() { request("add_batch"); }

std::int64_t WsStmt::execute() { return request("exec").integer("affected", 0); }

std::unique_ptr<Result> WsStmt::result() { return query_result("use_result", "result_id"); }

std::vector<StmtField> WsStmt::fields() {
    ensure_open();
    if (!is_insert_) throw UsageError(code::InvalidOperation, "fields: a query statement's parameters have no declared types");
    auto out = parse_stmt_fields(request("get_tag_fields"), StmtFieldKind::Tag);
    auto cols = parse_stmt_fields(request("get_col_fields"), StmtFieldKind::Column);
    out.insert(out.end(), std::make_move_iterator(cols.begin()), std::make_move_iterator(cols.end()));
    return out;
}

void WsStmt::close() noexcept {
    close_with([this](const JsonArgs& a) {
        session_->client().send(a.request("close", session_->client().next_req_id()), false);  // no reply
    });
}

}  // namespace taoslink::ws
