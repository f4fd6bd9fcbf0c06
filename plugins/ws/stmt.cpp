#include "stmt.hpp"

#include "bind_block.hpp"
#include "bind_json.hpp"
#include "codec.hpp"
#include "result.hpp"
#include "taoslink/error.hpp"

namespace taoslink::ws {

WsStmt::WsStmt(std::shared_ptr<Session> session, std::uint64_t req_id) : session_(std::move(session)) {
    id_ = session_->request("init", JsonArgs(), req_id).uinteger("stmt_id", 0);
    if (id_ == 0) throw ProtocolError("taosAdapter answered stmt `init` without a stmt_id");
}

WsStmt::~WsStmt() { close(); }

void WsStmt::ensure_open() const {
    if (closed_) throw UsageError(code::InvalidOperation, "the statement is closed");
}

JsonReply WsStmt::request(std::string_view action, JsonArgs args) {
    ensure_open();
    args.add("stmt_id", id_);
    return session_->request(action, args);
}

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

void WsStmt::set_tags(const std::vector<BindColumn>& tags) {
    ensure_open();
    if (tags.empty()) throw UsageError(code::InvalidArgument, "set_tags: no tags");
    for (const auto& t : tags) {
        if (t.rows != 1) throw UsageError(code::InvalidArgument, "set_tags: every tag needs exactly one row");
    }
    if (!is_insert_) {
        JsonArgs a;
        a.add_raw("tags", bind_tags_json(tags));
        request("set_tags", std::move(a));
        return;
    }
    const std::uint64_t rid = session_->req_id(0);
    session_->request_binary(binary_request(rid, id_, action::SetTags, encode_bind_block(tags)), rid, "set_tags");
}

void WsStmt::bind(const std::vector<BindColumn>& columns) {
    ensure_open();
    if (!is_insert_) {
        JsonArgs a;
        a.add_raw("columns", bind_columns_json(columns));
        request("bind", std::move(a));
        return;
    }
    const std::uint64_t rid = session_->req_id(0);
    session_->request_binary(binary_request(rid, id_, action::Bind, encode_bind_block(columns)), rid, "bind");
}

void WsStmt::add_batch() { request("add_batch"); }

std::int64_t WsStmt::execute() { return request("exec").integer("affected", 0); }

std::unique_ptr<Result> WsStmt::result() {
    if (is_insert_) throw UsageError(code::InvalidOperation, "an INSERT statement has no result set");
    const JsonReply r = request("use_result");
    return std::make_unique<WsResult>(session_, parse_query_info(r, "result_id"));
}

void WsStmt::close() noexcept {
    if (closed_) return;
    closed_ = true;
    try {
        if (!session_->alive()) return;
        JsonArgs a;
        a.add("stmt_id", id_);
        session_->client().send(a.request("close", session_->client().next_req_id()), false);  // no reply
    } catch (...) {
    }
}

}  // namespace taoslink::ws
