#include "session.hpp"

#include <cctype>
#include <vector>

#include "taoslink/dsn.hpp"  // percent_encode
#include "taoslink/error.hpp"

namespace taoslink::ws {

namespace {

std::vector<long> version_parts(std::string_view v) {
    std::vector<long> parts;
    std::size_t i = 0;
    while (i < v.size() && parts.size() < 4) {
        long n = 0;
        bool digits = false;
        while (i < v.size() && std::isdigit(static_cast<unsigned char>(v[i]))) {
            n = n * 10 + (v[i] - '0');
            if (n > 1000000) n = 1000000;
            digits = true;
            ++i;
        }
        if (!digits) break;
        parts.push_back(n);
        if (i < v.size() && (v[i] == '.' || v[i] == '-')) ++i;
        else break;
    }
    while (parts.size() < 4) parts.push_back(0);
    return parts;
}

}  // namespace

bool version_at_least(std::string_view v, std::string_view min) {
    if (v == "3.x") return true;
    return version_parts(v) >= version_parts(min);
}

std::string upgrade_target(const WsOptions& o) {
    std::string t = o.path;
    if (!o.token.empty()) t += "?token=" + percent_encode(o.token);
    return t;
}

WsClientConfig client_config(const WsOptions& o) {
    WsClientConfig c;
    c.tls = o.tls;
    c.tls_verify = o.tls_verify;
    c.ca_file = o.ca_file;
    c.target = upgrade_target(o);
    c.connect_timeout = o.connect_timeout;
    c.read_timeout = o.read_timeout;
    c.ping_interval = o.ping_interval;
    return c;
}

std::string ask_version(WsClient& client, std::chrono::microseconds timeout, std::string_view where) {
    CallOptions opts;
    opts.what = "version";
    opts.timeout = timeout;
    const std::uint64_t id = client.next_req_id();
    const Frame f = client.call_json(JsonArgs().request("version", id), id, opts);
    if (f.binary) throw ProtocolError("taosAdapter answered `version`" + std::string(where) + " with a binary frame");
    const JsonReply v(f.text());
    v.check();
    return v.string("version");
}

std::shared_ptr<Session> Session::open(const WsOptions& o, const Endpoint& endpoint, const std::string& database) {
    auto client = std::make_shared<WsClient>(client_config(o), endpoint);
    std::shared_ptr<Session> s(new Session(client));
    try {
        // The handshake is bounded by the connect timeout, not the (long) read timeout.
        s->version_ = ask_version(*client, o.connect_timeout);
        s->binary_ = version_at_least(s->version_, "3.3.2.0");

        JsonArgs args;
        args.add("user", o.user).add("password", o.password).add("db", database);
        if (!o.tz.empty()) args.add("tz", o.tz);
        if (!o.app.empty()) args.add("app", o.app);
        if (!o.bearer_token.empty()) args.add("bearer_token", o.bearer_token);
        CallOptions opts;
        opts.what = "conn";
        opts.timeout = o.connect_timeout;
        const std::uint64_t cid = client->next_req_id();
        const Frame cf = client->call_json(args.request("conn", cid), cid, opts);
        if (cf.binary) throw ProtocolError("taosAdapter answered `conn` with a binary frame");
        JsonReply(cf.text()).check(true);
    } catch (...) {
        client->close();
        throw;
    }
    return s;
}

JsonReply Session::request(std::string_view action, const JsonArgs& args, std::uint64_t id, bool at_login) {
    id = req_id(id);
    CallOptions opts;
    const std::string name(action);
    opts.what = name.c_str();
    const Frame f = client_->call_json(args.request(action, id), id, opts);
    if (f.binary) throw ProtocolError("taosAdapter answered `" + name + "` with a binary frame");
    JsonReply r(f.text());
    r.check(at_login);
    return r;
}

JsonReply Session::request_binary(std::string frame, std::uint64_t id, const char* what) {
    CallOptions opts;
    opts.what = what;
    const Frame f = client_->call(std::move(frame), true, id, opts);
    if (f.binary) throw ProtocolError(std::string("taosAdapter answered ") + what + " with a binary frame");
    JsonReply r(f.text());
    r.check();
    return r;
}

}  // namespace taoslink::ws
