#include "stmt_base.hpp"

#include <simdjson.h>

#include "codec.hpp"
#include "result.hpp"
#include "taoslink/error.hpp"

namespace taoslink::ws {

std::vector<StmtField> parse_stmt_fields(const JsonReply& reply, StmtFieldKind kind) {
    simdjson::dom::parser parser;
    simdjson::dom::element doc;
    if (parser.parse(reply.text()).get(doc)) throw ProtocolError("taosAdapter's stmt fields reply is not JSON");
    simdjson::dom::element list;
    std::vector<StmtField> out;
    if (doc["fields"].get(list) || list.is_null()) return out;
    simdjson::dom::array items;
    if (list.get_array().get(items)) throw ProtocolError("taosAdapter's stmt fields reply: `fields` is not an array");
    for (simdjson::dom::element item : items) {
        std::string_view name;
        std::int64_t type = 0, precision = 0, scale = 0, bytes = 0;
        if (item["name"].get_string().get(name) || item["field_type"].get_int64().get(type))
            throw ProtocolError("taosAdapter's stmt fields reply has an entry without name/field_type");
        // older adapters may leave these out: 0 then, as in an empty TAOS_FIELD_E
        if (item["precision"].get_int64().get(precision)) precision = 0;
        if (item["scale"].get_int64().get(scale)) scale = 0;
        if (item["bytes"].get_int64().get(bytes)) bytes = 0;
        if (!is_known_type(static_cast<int>(type)) || type == 0)
            throw ProtocolError("taosAdapter's stmt fields reply has unknown type " + std::to_string(type) + " for `" +
                                std::string(name) + "`");
        StmtField f;
        f.name = std::string(name);
        f.type = static_cast<TypeCode>(type);
        f.kind = kind;
        f.bytes = static_cast<std::int32_t>(bytes);
        f.precision = static_cast<std::uint8_t>(precision);
        f.scale = static_cast<std::uint8_t>(scale);
        out.push_back(std::move(f));
    }
    return out;
}

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
