// What the /ws statements (WsStmt, v1, and WsStmt2) share: a statement taosAdapter knows by its
// stmt_id on one Session.
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "session.hpp"
#include "taoslink/connection.hpp"

namespace taoslink::ws {

/// The entries of a stmt reply's `fields` array ({name, field_type, precision, scale, bytes},
/// protocol.md §2.8), each of `kind`; empty when the member is missing or null. ProtocolError for
/// an entry without name or field_type, or with an unknown type.
std::vector<StmtField> parse_stmt_fields(const JsonReply& reply, StmtFieldKind kind);

/// Not thread-safe. Once closed, or when its socket is gone, every call throws.
class WsStmtBase : public Stmt {
public:
    std::uint64_t id() const noexcept { return id_; }
    /// From the prepare reply; true until prepare() says otherwise.
    bool is_insert() const noexcept { return is_insert_; }

protected:
    /// Sends `init_action` with `args` and keeps the stmt_id of the reply; ProtocolError
    /// `no_id_message` when there is none. Throws what Session::request throws.
    WsStmtBase(std::shared_ptr<Session> session, std::string_view init_action, const JsonArgs& args,
               std::uint64_t req_id, const char* no_id_message);

    /// UsageError (InvalidOperation) once closed.
    void ensure_open() const;
    /// Sends `action` with this statement's stmt_id added to `args`.
    JsonReply request(std::string_view action, JsonArgs args = {});
    /// Sends the binary frame `frame(req_id)` (for a fresh req_id); its reply is JSON.
    template <class FrameOf>
    JsonReply request_binary(FrameOf frame, const char* what) {
        const std::uint64_t rid = session_->req_id(0);
        return session_->request_binary(frame(rid), rid, what);
    }
    /// The result set of a prepared query, from `action`'s reply (its result id under `id_key`).
    /// UsageError for an INSERT statement.
    std::unique_ptr<Result> query_result(std::string_view action, std::string_view id_key);
    /// For close(): marks the statement closed and, when it was open and its socket is alive,
    /// calls `send(args)` with args holding the stmt_id. Never throws.
    template <class Send>
    void close_with(Send send) noexcept {
        if (closed_) return;
        closed_ = true;
        try {
            if (!session_->alive()) return;
            JsonArgs a;
            a.add("stmt_id", id_);
            send(a);
        } catch (...) {
        }
    }

    /// set_tags' arguments: at least one tag, one row each (UsageError otherwise).
    static void check_tags(const std::vector<BindColumn>& tags);

    std::shared_ptr<Session> session_;
    std::uint64_t id_ = 0;
    bool is_insert_ = true;
    bool closed_ = false;
};

}  // namespace taoslink::ws
