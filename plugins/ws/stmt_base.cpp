#include "stmt_base.hpp"

#include "codec.hpp"
#include "result.hpp"
#include "taoslink/error.hpp"

namespace taoslink::ws {

WsStmtBase::WsStmtBase(std::shared_ptr<Session> session, std::string_view init_action, const JsonArgs& args,
                       std::uint64_t req_id, const char* no_id_message)
    : session_(std::move(session)) {
    id_ = session_->request(init_action, args, req_id).uinteger("stmt_id", 0);
    if (id_ == 0) throw ProtocolError(no_id_message);
}

void WsStmtBase::ensure_open() const {
    if (closed_) throw UsageError(code::InvalidOperation, "the statement is closed");
}

JsonReply WsStmtBase::request(std::string_view action, JsonArgs args) {
    ensure_open();
    args.add("stmt_id", id_);
    return session_->request(action, args);
}

std::unique_ptr<Result> WsStmtBase::query_result(std::string_view action, std::string_view id_key) {
    if (is_insert_) throw UsageError(code::InvalidOperation, "an INSERT statement has no result set");
    const JsonReply r = request(action);
    return std::make_unique<WsResult>(session_, parse_query_info(r, id_key));
}

void WsStmtBase::check_tags(const std::vector<BindColumn>& tags) {
    if (tags.empty()) throw UsageError(code::InvalidArgument, "set_tags: no tags");
    for (const auto& t : tags) {
        if (t.rows != 1) throw UsageError(code::InvalidArgument, "set_tags: every tag needs exactly one row");
    }
}

}  // namespace taoslink::ws
