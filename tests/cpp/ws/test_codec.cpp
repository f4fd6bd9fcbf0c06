// Unit tests: binary frame codecs (§2.7.1 reply header, error frames, legacy fetch_block), bind
// blocks (§4.7), JSON envelopes, DSN options, versions, `use` parsing. No network.
#include <cstring>
#include <initializer_list>
#include <string>
#include <utility>
#include <vector>

#include <cppunit/extensions/HelperMacros.h>

#include "bind_block.hpp"
#include "bind_json.hpp"
#include "codec.hpp"
#include "connection.hpp"
#include "json.hpp"
#include "options.hpp"
#include "result.hpp"
#include "session.hpp"
#include "taoslink/error.hpp"

using namespace taoslink;
using namespace taoslink::ws;

namespace {

std::vector<std::uint8_t> hex(const std::string& h) {
    std::vector<std::uint8_t> out;
    std::string digits;
    for (char c : h) {
        if (std::isxdigit(static_cast<unsigned char>(c))) digits += c;
    }
    for (std::size_t i = 0; i + 1 < digits.size(); i += 2) out.push_back(static_cast<std::uint8_t>(std::stoi(digits.substr(i, 2), nullptr, 16)));
    return out;
}

// §4.7: 2 rows of INT, VARCHAR(10), TIMESTAMP(ms), 98 bytes.
const char* kExampleBlock =
    "0100000062000000020000000300000000000080000000000000000004040000"
    "00080c0000000908000000080000000900000010000000400100000000000000"
    "000000000400000002006162030078797a000068e5cf8b0100000168e5cf8b01"
    "0000";

std::vector<std::uint8_t> raw_reply(std::uint32_t code, const std::string& msg, bool finished, const std::vector<std::uint8_t>& block) {
    std::string out;
    put_u64(out, kNewFormatFlag);
    put_u64(out, 7);
    put_u16(out, 1);
    put_u64(out, 1000);
    put_u64(out, 0x10);
    put_u32(out, code);
    put_u32(out, static_cast<std::uint32_t>(msg.size()));
    out += msg;
    put_u64(out, 1);
    out += static_cast<char>(finished ? 1 : 0);
    if (!finished) {
        put_u32(out, static_cast<std::uint32_t>(block.size()));
        out.append(block.begin(), block.end());
    }
    return {out.begin(), out.end()};
}

}  // namespace

class CodecTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(CodecTest);
    CPPUNIT_TEST(request_frames_match_the_protocol_examples);
    CPPUNIT_TEST(raw_block_reply_with_block);
    CPPUNIT_TEST(raw_block_reply_finished_and_error);
    CPPUNIT_TEST(raw_block_reply_rejects_bad_frames);
    CPPUNIT_TEST(legacy_fetch_block_reply);
    CPPUNIT_TEST(binary_routing);
    CPPUNIT_TEST(bind_block_matches_the_worked_example);
    CPPUNIT_TEST(bind_block_nchar_is_ucs4_and_checks_input);
    CPPUNIT_TEST(bind_json_values);
    CPPUNIT_TEST(json_envelope_and_reply);
    CPPUNIT_TEST(query_info_from_reply);
    CPPUNIT_TEST(options_from_dsns);
    CPPUNIT_TEST(versions_and_use_statements);
    CPPUNIT_TEST_SUITE_END();

public:
    void request_frames_match_the_protocol_examples() {
        const std::string q = binary_query_request(0x11, "select 1");
        const auto want = hex("1100000000000000 0000000000000000 0600000000000000 0100 08000000 73656c6563742031");
        CPPUNIT_ASSERT(std::vector<std::uint8_t>(q.begin(), q.end()) == want);
        const std::string f = fetch_raw_block_request(0x10, 1);
        const auto want_f = hex("1000000000000000 0100000000000000 0700000000000000 0100");
        CPPUNIT_ASSERT(std::vector<std::uint8_t>(f.begin(), f.end()) == want_f);
        CPPUNIT_ASSERT_EQUAL(std::size_t(26), f.size());
    }

    void raw_block_reply_with_block() {
        // The §2.7.1 example header, then the §4.7 block.
        const auto block = hex(kExampleBlock);
        auto frame = hex("ffffffffffffffff 0700000000000000 0100 e803000000000000 1000000000000000 00000000 00000000 "
                         "0100000000000000 00 62000000");
        CPPUNIT_ASSERT_EQUAL(kRawBlockReplyFixed, frame.size());
        frame.insert(frame.end(), block.begin(), block.end());
        const RawBlockReply r = decode_raw_block_reply(frame.data(), frame.size());
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(1000), r.timing);
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(0x10), r.req_id);
        CPPUNIT_ASSERT_EQUAL(std::uint32_t(0), r.code);
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(1), r.result_id);
        CPPUNIT_ASSERT(!r.finished);
        CPPUNIT_ASSERT_EQUAL(std::size_t(98), r.block_len);
        CPPUNIT_ASSERT(r.block == frame.data() + 55);
        auto b = Block::decode(nullptr, r.block, r.block_len);
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), b->rows());
        CPPUNIT_ASSERT_EQUAL(std::string("xyz"), std::string(b->column(1).bytes(1)));
    }

    void raw_block_reply_finished_and_error() {
        const auto end = raw_reply(0, "", true, {});
        CPPUNIT_ASSERT_EQUAL(std::size_t(51), end.size());
        const RawBlockReply e = decode_raw_block_reply(end.data(), end.size());
        CPPUNIT_ASSERT(e.finished);
        CPPUNIT_ASSERT(e.block == nullptr);
        const auto err = raw_reply(0xFFFF, "result is nil", true, {});
        const RawBlockReply x = decode_raw_block_reply(err.data(), err.size());
        CPPUNIT_ASSERT_EQUAL(std::uint32_t(0xFFFF), x.code);
        CPPUNIT_ASSERT_EQUAL(std::string("result is nil"), x.message);
        CPPUNIT_ASSERT(x.finished);
    }

    void raw_block_reply_rejects_bad_frames() {
        const auto good = raw_reply(0, "", false, hex(kExampleBlock));
        for (std::size_t cut : {std::size_t(0), std::size_t(20), std::size_t(41), std::size_t(50), std::size_t(54), good.size() - 1}) {
            CPPUNIT_ASSERT_THROW(decode_raw_block_reply(good.data(), cut), ProtocolError);
        }
        const auto decode = [](const std::vector<std::uint8_t>& f) {
            return decode_raw_block_reply(f.data(), f.size());
        };
        // `good` with the bytes at the given offsets replaced.
        const auto patched = [&good](std::initializer_list<std::pair<std::size_t, std::uint8_t>> edits) {
            auto f = good;
            for (const auto& [at, v] : edits) f[at] = v;
            return f;
        };
        auto longer = good;
        longer.push_back(0);
        CPPUNIT_ASSERT_THROW(decode(longer), ProtocolError);
        CPPUNIT_ASSERT_THROW(decode(patched({{16, 2}})), ProtocolError);                 // bad version
        CPPUNIT_ASSERT_THROW(decode(patched({{8, 8}})), ProtocolError);                  // bad action
        CPPUNIT_ASSERT_THROW(decode(patched({{38, 0xFF}, {41, 0x7F}})), ProtocolError);  // huge message
        CPPUNIT_ASSERT_THROW(decode(patched({{50, 7}})), ProtocolError);                 // bad flag
        // A header that is fine around a block that is not: Block::decode catches it.
        const auto corrupt = patched({{55 + 12, 0x40}});  // 64 columns
        const RawBlockReply r = decode(corrupt);
        CPPUNIT_ASSERT_THROW(Block::decode(nullptr, r.block, r.block_len), ProtocolError);
    }

    void legacy_fetch_block_reply() {
        auto frame = hex("e803000000000000 0500000000000000");
        const auto block = hex(kExampleBlock);
        frame.insert(frame.end(), block.begin(), block.end());
        const LegacyBlockReply r = decode_legacy_block_reply(frame.data(), frame.size());
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(5), r.result_id);
        CPPUNIT_ASSERT_EQUAL(std::size_t(98), r.block_len);
        CPPUNIT_ASSERT_THROW(decode_legacy_block_reply(frame.data(), frame.size() - 1), ProtocolError);
        CPPUNIT_ASSERT_THROW(decode_legacy_block_reply(frame.data(), 30), ProtocolError);
    }

    void binary_routing() {
        const auto good = raw_reply(0, "", true, {});
        auto route = route_binary(good.data(), good.size());
        CPPUNIT_ASSERT(route && route->new_format);
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(0x10), route->key);
        CPPUNIT_ASSERT(!route_binary(good.data(), 33));
        const auto legacy = hex("e803000000000000 0500000000000000");
        route = route_binary(legacy.data(), legacy.size());
        CPPUNIT_ASSERT(route && !route->new_format);
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(5), route->key);
        CPPUNIT_ASSERT(!route_binary(legacy.data(), 15));
    }

    void bind_block_matches_the_worked_example() {
        BindColumn i;
        i.type = TypeCode::Int;
        i.rows = 2;
        i.is_null = {0, 1};
        i.data = {1, 0, 0, 0, 0, 0, 0, 0};
        BindColumn s;
        s.type = TypeCode::VarChar;
        s.rows = 2;
        s.data = {'a', 'b', 'x', 'y', 'z'};
        s.lengths = {2, 3};
        BindColumn t;
        t.type = TypeCode::Timestamp;
        t.rows = 2;
        const std::int64_t ts[] = {1700000000000, 1700000000001};
        t.data.resize(16);
        std::memcpy(t.data.data(), ts, 16);
        const std::string block = encode_bind_block({i, s, t});
        auto want = hex(kExampleBlock);
        // Client-built blocks carry flag 0 and the widest value + 2 as VARCHAR's bytes (5, not 12).
        want[19] = 0;
        want[34] = 5;
        CPPUNIT_ASSERT_EQUAL(want.size(), block.size());
        CPPUNIT_ASSERT(std::vector<std::uint8_t>(block.begin(), block.end()) == want);
    }

    void bind_block_nchar_is_ucs4_and_checks_input() {
        BindColumn n;
        n.type = TypeCode::NChar;
        n.rows = 2;
        const std::string v = "ab\xC3\xA4";  // "abä"
        n.data.assign(v.begin(), v.end());
        n.lengths = {2, 2};
        const std::string block = encode_bind_block({n});
        auto b = Block::decode_copy(block, TextEncoding::Ucs4);
        CPPUNIT_ASSERT_EQUAL(std::string("a\0\0\0b\0\0\0", 8), std::string(b->column(0).bytes(0)));
        CPPUNIT_ASSERT_EQUAL(std::string("\xE4\0\0\0", 4), std::string(b->column(0).bytes(1)));
        CPPUNIT_ASSERT_EQUAL(std::string("\x42\xF6\x01\x00", 4), utf8_to_ucs4("\xF0\x9F\x99\x82"));
        CPPUNIT_ASSERT_THROW(utf8_to_ucs4("\xC3"), UsageError);
        CPPUNIT_ASSERT_THROW(utf8_to_ucs4("\xFF"), UsageError);
        CPPUNIT_ASSERT_THROW(utf8_to_ucs4("\xC0\x80"), UsageError);  // overlong
        BindColumn short_data;
        short_data.type = TypeCode::BigInt;
        short_data.rows = 2;
        short_data.data.resize(8);
        CPPUNIT_ASSERT_THROW(encode_bind_block({short_data}), UsageError);
        BindColumn other = n;
        other.rows = 3;
        CPPUNIT_ASSERT_THROW(encode_bind_block({n, other}), UsageError);
        CPPUNIT_ASSERT_THROW(encode_bind_block({}), UsageError);
        BindColumn null_var = n;
        null_var.is_null = {1, 0};
        auto nb = Block::decode_copy(encode_bind_block({null_var}), TextEncoding::Ucs4);
        CPPUNIT_ASSERT(nb->column(0).is_null(0));
    }

    void bind_json_values() {
        BindColumn t;
        t.type = TypeCode::Timestamp;
        t.rows = 2;
        t.data.resize(16);
        const std::int64_t ts[] = {5, -1};
        std::memcpy(t.data.data(), ts, 16);
        t.is_null = {0, 1};
        BindColumn s;
        s.type = TypeCode::VarChar;
        s.rows = 2;
        s.data = {'a', '"'};
        s.lengths = {1, 1};
        BindColumn vb;
        vb.type = TypeCode::VarBinary;
        vb.rows = 2;
        vb.data = {0x0a, 0xff};
        vb.lengths = {1, 1};
        CPPUNIT_ASSERT_EQUAL(std::string("[[5,null],[\"a\",\"\\\"\"],[\"0a\",\"ff\"]]"), bind_columns_json({t, s, vb}));
        BindColumn b;
        b.type = TypeCode::Bool;
        b.rows = 1;
        b.data = {1};
        CPPUNIT_ASSERT_EQUAL(std::string("[true]"), bind_tags_json({b}));
    }

    void json_envelope_and_reply() {
        JsonArgs a;
        a.add("sql", std::string_view("say \"hi\"\n\x01")).add("id", std::uint64_t(18446744073709551615ull)).add("flag", true);
        CPPUNIT_ASSERT_EQUAL(std::string("{\"action\":\"query\",\"args\":{\"req_id\":7,\"sql\":\"say \\\"hi\\\"\\n\\u0001\","
                                         "\"id\":18446744073709551615,\"flag\":true}}"),
                             a.request("query", 7));
        const JsonReply ok("{\"code\":0,\"message\":\"\",\"action\":\"conn\",\"req_id\":18446744073709551615,\"timing\":5}");
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(18446744073709551615ull), ok.req_id());
        ok.check();
        const JsonReply auth("{\"code\":855,\"message\":\"Authentication failure\",\"action\":\"conn\",\"req_id\":3}");
        CPPUNIT_ASSERT_THROW(auth.check(), AuthError);
        const JsonReply user("{\"code\":849,\"message\":\"Invalid user\",\"req_id\":3}");
        CPPUNIT_ASSERT_THROW(user.check(true), AuthError);
        try {
            JsonReply("{\"code\":-2147473920,\"message\":\"syntax error\"}").check();
            CPPUNIT_FAIL("no error");
        } catch (const ServerError& e) {
            CPPUNIT_ASSERT_EQUAL(0x2600, e.code());
            CPPUNIT_ASSERT_EQUAL(std::string("syntax error"), e.message());
        }
        CPPUNIT_ASSERT_THROW(JsonReply("[1]"), ProtocolError);
        CPPUNIT_ASSERT_THROW(JsonReply("{\"code\":\"x\"}").code(), ProtocolError);
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(42), peek_req_id("{\"code\":0,\"message\":\"\\\"req_id\\\":1\",\"req_id\":42}"));
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(0), peek_req_id("not json"));
        // An empty frame comes with a null pointer; UBSan builds catch it reaching memcpy (tests/fuzz).
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(0), peek_req_id(std::string_view()));
    }

    void query_info_from_reply() {
        const JsonReply r("{\"code\":0,\"id\":3,\"is_update\":false,\"affected_rows\":0,\"fields_count\":2,"
                          "\"fields_names\":[\"d\",\"n\"],\"fields_types\":[17,10],\"fields_lengths\":[16,8],\"precision\":2,"
                          "\"fields_precisions\":[30,0],\"fields_scales\":[4,0]}");
        const QueryInfo q = parse_query_info(r);
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(3), q.id);
        CPPUNIT_ASSERT(q.precision == Precision::Nano);
        CPPUNIT_ASSERT_EQUAL(std::uint8_t(30), q.fields[0].decimal_precision);
        CPPUNIT_ASSERT_EQUAL(std::uint8_t(4), q.fields[0].decimal_scale);
        CPPUNIT_ASSERT_EQUAL(std::int32_t(8), q.fields[1].length);
        const JsonReply upd("{\"code\":0,\"id\":0,\"is_update\":true,\"affected_rows\":5,\"fields_count\":0,\"fields_names\":null,"
                            "\"fields_types\":null,\"fields_lengths\":null,\"precision\":0}");
        const QueryInfo u = parse_query_info(upd);
        CPPUNIT_ASSERT(u.is_update && u.fields.empty());
        CPPUNIT_ASSERT_EQUAL(std::int64_t(5), u.affected_rows);
        CPPUNIT_ASSERT_THROW(parse_query_info(JsonReply("{\"fields_count\":2,\"fields_names\":[\"a\"],\"fields_types\":[4]}")),
                             ProtocolError);
        CPPUNIT_ASSERT_THROW(parse_query_info(JsonReply("{\"fields_count\":1,\"fields_names\":[\"a\"],\"fields_types\":[99]}")),
                             ProtocolError);
    }

    void options_from_dsns() {
        WsOptions o = options_from_dsn(parse_dsn("ws://u:p@h1,h2:7000/db?timeout=2&read_timeout=0.5&ping_interval=0&tz=UTC&app=x"
                                                  "&conn_retries=3&retry_backoff_ms=10&retry_backoff_max_ms=40&token=t%20k"));
        CPPUNIT_ASSERT(!o.tls);
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), o.endpoints.size());
        CPPUNIT_ASSERT_EQUAL(std::uint16_t(6041), o.endpoints[0].port);
        CPPUNIT_ASSERT_EQUAL(std::uint16_t(7000), o.endpoints[1].port);
        CPPUNIT_ASSERT_EQUAL(std::string("u"), o.user);
        CPPUNIT_ASSERT_EQUAL(std::string("db"), o.database);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(2000000), static_cast<std::int64_t>(o.connect_timeout.count()));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(500000), static_cast<std::int64_t>(o.read_timeout.count()));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(0), static_cast<std::int64_t>(o.ping_interval.count()));
        CPPUNIT_ASSERT_EQUAL(3, o.conn_retries);
        CPPUNIT_ASSERT_EQUAL(std::string("/ws?token=t%20k"), upgrade_target(o));
        WsOptions d = options_from_dsn(parse_dsn("wss://localhost"));
        CPPUNIT_ASSERT(d.tls && d.tls_verify);
        CPPUNIT_ASSERT_EQUAL(std::string("root"), d.user);
        CPPUNIT_ASSERT_EQUAL(std::string("taosdata"), d.password);
        CPPUNIT_ASSERT_EQUAL(5, d.conn_retries);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(30000000), static_cast<std::int64_t>(d.ping_interval.count()));
        CPPUNIT_ASSERT(options_from_dsn(parse_dsn("taos+wss://h")).tls);
        CPPUNIT_ASSERT(!options_from_dsn(parse_dsn("taos+ws://h")).tls);
        CPPUNIT_ASSERT(options_from_dsn(parse_dsn("taosws://h?ssl=true")).tls);
        CPPUNIT_ASSERT(!options_from_dsn(parse_dsn("wss://h?tls_verify=false")).tls_verify);
        CPPUNIT_ASSERT_THROW(options_from_dsn(parse_dsn("ws://h?timeout=-1")), DsnError);
        CPPUNIT_ASSERT_THROW(options_from_dsn(parse_dsn("ws://h?read_timeout=abc")), DsnError);
        CPPUNIT_ASSERT_THROW(options_from_dsn(parse_dsn("ws://h?ca_file=/no/such/file")), DsnError);
        CPPUNIT_ASSERT_THROW(options_from_dsn(parse_dsn("http://h")), DsnError);
        CPPUNIT_ASSERT_THROW(options_from_dsn(parse_dsn("ws://h?conn_retries=x")), DsnError);
    }

    void versions_and_use_statements() {
        CPPUNIT_ASSERT(version_at_least("3.3.6.0", "3.3.2.0"));
        CPPUNIT_ASSERT(version_at_least("3.3.2.0", "3.3.2.0"));
        CPPUNIT_ASSERT(!version_at_least("3.3.1.0", "3.3.2.0"));
        CPPUNIT_ASSERT(version_at_least("3.10.0.0", "3.3.2.0"));
        CPPUNIT_ASSERT(version_at_least("3.3.2.0-alpha", "3.3.2.0"));
        CPPUNIT_ASSERT(!version_at_least("2.6.0.99", "3.3.2.0"));
        CPPUNIT_ASSERT(version_at_least("3.x", "3.3.2.0"));
        CPPUNIT_ASSERT(!version_at_least("", "3.3.2.0"));
        CPPUNIT_ASSERT_EQUAL(std::string("db1"), parse_use_statement("  USE db1 ;"));
        CPPUNIT_ASSERT_EQUAL(std::string("a b"), parse_use_statement("use `a b`"));
        CPPUNIT_ASSERT_EQUAL(std::string(), parse_use_statement("user db1"));
        CPPUNIT_ASSERT_EQUAL(std::string(), parse_use_statement("use db1; select 1"));
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(CodecTest);
