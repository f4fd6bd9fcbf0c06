#include "result.hpp"

#include "codec.hpp"
#include "errors.hpp"
#include "taoslink/error.hpp"

namespace taoslink::ws {

QueryInfo parse_query_info(const JsonReply& r, std::string_view id_key) {
    QueryInfo q;
    q.id = r.uinteger(id_key, 0);
    q.is_update = r.boolean("is_update", false);
    q.affected_rows = r.integer("affected_rows", 0);
    const auto p = r.integer("precision", 0);
    if (p < 0 || p > 2) throw ProtocolError("taosAdapter reply has an unknown precision " + std::to_string(p));
    q.precision = static_cast<Precision>(p);
    const auto names = r.strings("fields_names");
    const auto types = r.integers("fields_types");
    const auto lengths = r.integers("fields_lengths");
    const auto precisions = r.integers("fields_precisions");
    const auto scales = r.integers("fields_scales");
    const auto count = static_cast<std::size_t>(r.integer("fields_count", static_cast<std::int64_t>(names.size())));
    if (names.size() != count || types.size() != count || (!lengths.empty() && lengths.size() != count)) {
        throw ProtocolError("taosAdapter reply describes " + std::to_string(count) + " fields but lists " +
                            std::to_string(names.size()) + " names and " + std::to_string(types.size()) + " types");
    }
    for (std::size_t i = 0; i < count; ++i) {
        if (!is_known_type(static_cast<int>(types[i]))) {
            throw ProtocolError("taosAdapter reply has column '" + names[i] + "' of unknown type " + std::to_string(types[i]));
        }
        Field f;
        f.name = names[i];
        f.type = static_cast<TypeCode>(types[i]);
        f.length = lengths.empty() ? 0 : static_cast<std::int32_t>(lengths[i]);
        if (f.type == TypeCode::Decimal || f.type == TypeCode::Decimal64) {
            if (i < precisions.size()) f.decimal_precision = static_cast<std::uint8_t>(precisions[i]);
            if (i < scales.size()) f.decimal_scale = static_cast<std::uint8_t>(scales[i]);
        }
        q.fields.push_back(std::move(f));
    }
    return q;
}

WsResult::WsResult(std::shared_ptr<Session> session, QueryInfo info) : session_(std::move(session)), info_(std::move(info)) {
    done_ = info_.id == 0 || info_.fields.empty();
}

WsResult::~WsResult() { close(); }

std::shared_ptr<const Block> WsResult::next_block() {
    if (failed_) std::rethrow_exception(failed_);
    if (done_) return nullptr;
    try {
        return session_->binary_protocol() ? fetch_raw_block() : fetch_json();
    } catch (const ServerError&) {
        failed_ = std::current_exception();
        done_ = true;  // the adapter frees a result whose fetch failed
        throw;
    } catch (const ConnectionError&) {
        failed_ = std::current_exception();
        done_ = true;  // the result lived on a socket that is gone
        throw;
    } catch (const Error&) {
        // A block we cannot decode: the server has moved past it, so fetching on would skip rows.
        // Abandon the result (close() frees it on the server) and keep failing.
        failed_ = std::current_exception();
        close();
        throw;
    }
}

std::shared_ptr<const Block> WsResult::check(std::shared_ptr<const Block> block) const {
    if (block->columns() != info_.fields.size()) {
        throw ProtocolError("taosAdapter sent a block with " + std::to_string(block->columns()) + " columns for a result of " +
                            std::to_string(info_.fields.size()));
    }
    for (std::size_t i = 0; i < block->columns(); ++i) {
        if (block->column(i).type() != info_.fields[i].type) {
            throw ProtocolError("taosAdapter sent a block whose column " + std::to_string(i) + " has type " +
                                std::to_string(static_cast<int>(block->column(i).type())) + ", not " +
                                std::to_string(static_cast<int>(info_.fields[i].type)));
        }
    }
    return block;
}

std::shared_ptr<const Block> WsResult::fetch_raw_block() {
    auto& client = session_->client();
    const std::uint64_t id = client.next_req_id();
    CallOptions opts;
    opts.what = "fetch_raw_block";
    opts.expects_binary = true;
    const Frame f = client.call(fetch_raw_block_request(id, info_.id), true, id, opts);
    if (!f.binary) {
        // Errors that happen before the fetch may also come back as JSON (e.g. "server not connected").
        JsonReply r(f.text());
        done_ = true;
        r.check();
        throw ProtocolError("taosAdapter answered fetch_raw_block with a JSON success reply");
    }
    const RawBlockReply r = decode_raw_block_reply(f.data, f.size);
    if (r.code != 0) {
        done_ = true;
        raise_server_error(static_cast<int>(r.code), r.message);
    }
    if (r.finished) {
        done_ = true;  // freed by the server
        return nullptr;
    }
    return check(Block::decode(f.owner, r.block, r.block_len, TextEncoding::Ucs4));
}

std::shared_ptr<const Block> WsResult::fetch_json() {
    JsonArgs args;
    args.add("id", info_.id);
    const JsonReply fetched = session_->request("fetch", args);
    if (fetched.boolean("completed", false)) {
        done_ = true;
        return nullptr;
    }
    auto& client = session_->client();
    const std::uint64_t id = client.next_req_id();
    CallOptions opts;
    opts.what = "fetch_block";
    opts.expects_binary = true;
    opts.legacy_result_id = info_.id;
    const Frame f = client.call_json(args.request("fetch_block", id), id, opts);
    if (!f.binary) {
        JsonReply r(f.text());
        r.check();
        throw ProtocolError("taosAdapter answered fetch_block with a JSON success reply");
    }
    const LegacyBlockReply r = decode_legacy_block_reply(f.data, f.size);
    return check(Block::decode(f.owner, r.block, r.block_len, TextEncoding::Ucs4));
}

void WsResult::close() noexcept {
    if (done_) return;
    done_ = true;
    try {
        if (!session_->alive()) return;
        JsonArgs args;
        args.add("id", info_.id);
        session_->client().send(args.request("free_result", session_->client().next_req_id()), false);
    } catch (...) {
    }
}

}  // namespace taoslink::ws
