// Unit tests of the TMQ consumer that need no server: the fetch_raw_data frame and the data
// container inside it (valid, every truncation, corrupt bytes), the fetch_block frame, field
// widths, and the consumer configuration.
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include <cppunit/extensions/HelperMacros.h>

#include "consumer.hpp"
#include "taoslink/error.hpp"
#include "tmq_payload.hpp"

using namespace taoslink;
using namespace taoslink::ws;

namespace {

using Bytes = std::vector<std::uint8_t>;

// protocol.md §4.7: 2 rows of INT, VARCHAR(10), TIMESTAMP(ms), as a TMQ block (version 2).
const char* kBlockHex =
    "0200000062000000020000000300000000000080000000000000000004040000"
    "00080c0000000908000000080000000900000010000000400100000000000000"
    "000000000400000002006162030078797a000068e5cf8b0100000168e5cf8b01"
    "0000";

Bytes from_hex(const char* hex) {
    Bytes out;
    for (std::size_t i = 0; hex[i] && hex[i + 1]; i += 2) out.push_back(static_cast<std::uint8_t>(std::stoi(std::string(hex + i, 2), nullptr, 16)));
    return out;
}

void put(Bytes& b, const void* p, std::size_t n) {
    const auto* c = static_cast<const std::uint8_t*>(p);
    b.insert(b.end(), c, c + n);
}
template <class T>
void put_le(Bytes& b, T v) {
    put(b, &v, sizeof v);  // the test host is little-endian, like the wire
}
void put_varint(Bytes& b, std::uint32_t v) {
    while (v >= 0x80) {
        b.push_back(static_cast<std::uint8_t>(v | 0x80));
        v >>= 7;
    }
    b.push_back(static_cast<std::uint8_t>(v));
}
void put_zigzag(Bytes& b, std::int32_t v) { put_varint(b, (static_cast<std::uint32_t>(v) << 1) ^ static_cast<std::uint32_t>(v >> 31)); }
void put_cstr(Bytes& b, const std::string& s) {
    put_varint(b, static_cast<std::uint32_t>(s.size() + 1));
    put(b, s.data(), s.size());
    b.push_back(0);
}

/// A data container as TDengine's tmq_get_raw writes it (and tests/sim/taossim/tmq.py).
Bytes raw_payload(bool with_table_name = true, std::uint8_t precision = 0) {
    Bytes out;
    out.push_back(100);
    put_le<std::uint32_t>(out, 18);
    out.push_back(0x11);
    put_le<std::int64_t>(out, 5);
    out.push_back(0x11);
    put_le<std::int64_t>(out, 7);
    put_le<std::int32_t>(out, 2);
    out.push_back(with_table_name ? 1 : 0);
    out.push_back(1);
    const Bytes block = from_hex(kBlockHex);
    for (int i = 0; i < 2; ++i) {
        Bytes body;
        put_le<std::int64_t>(body, 1);
        const std::uint8_t rows_be[8] = {0, 0, 0, 0, 0, 0, 0, 2};
        put(body, rows_be, 8);
        body.push_back(0);
        body.push_back(precision);
        body.insert(body.end(), block.begin(), block.end());
        put_varint(out, static_cast<std::uint32_t>(body.size()));
        out.insert(out.end(), body.begin(), body.end());
        put_zigzag(out, 3);
        put_zigzag(out, 1);
        const struct { std::uint8_t type; std::int32_t bytes; const char* name; } cols[] = {
            {4, 4, "v"}, {8, 12, "s"}, {9, 8, "ts"}};
        for (int c = 0; c < 3; ++c) {
            out.push_back(cols[c].type);
            out.push_back(0);
            put_zigzag(out, cols[c].bytes);
            put_zigzag(out, c + 1);
            put_cstr(out, cols[c].name);
        }
        if (with_table_name) put_cstr(out, i == 0 ? "t1" : "t22");
    }
    return out;
}

Bytes frame_around(const Bytes& raw, std::uint32_t code = 0, const std::string& message = "") {
    Bytes f;
    put_le<std::uint64_t>(f, ~std::uint64_t{0});
    put_le<std::uint64_t>(f, 8);
    put_le<std::uint16_t>(f, 1);
    put_le<std::uint64_t>(f, 1234);    // timing
    put_le<std::uint64_t>(f, 77);      // req_id
    put_le<std::uint32_t>(f, code);
    put_le<std::uint32_t>(f, static_cast<std::uint32_t>(message.size()));
    put(f, message.data(), message.size());
    put_le<std::uint64_t>(f, 3);       // message id
    if (code != 0) return f;
    put_le<std::uint16_t>(f, 2);
    put_le<std::uint32_t>(f, static_cast<std::uint32_t>(raw.size()));
    f.insert(f.end(), raw.begin(), raw.end());
    return f;
}

/// Decodes a frame held by a shared buffer of exactly its size, as the consumer does.
TmqData decode_all(const Bytes& bytes) {
    auto buf = std::make_shared<Bytes>(bytes);
    const FetchRawDataReply r = decode_fetch_raw_data_reply(buf->data(), buf->size());
    CPPUNIT_ASSERT_EQUAL(std::uint32_t(0), r.code);
    return parse_tmq_data(buf, r.raw, r.raw_len);
}

TmqData parse_raw(const Bytes& bytes) {
    auto buf = std::make_shared<Bytes>(bytes);
    return parse_tmq_data(buf, buf->data(), buf->size());
}

}  // namespace

class TmqPayloadTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(TmqPayloadTest);
    CPPUNIT_TEST(valid_frame_decodes_every_block);
    CPPUNIT_TEST(blocks_keep_the_frame_alive);
    CPPUNIT_TEST(without_table_names);
    CPPUNIT_TEST(error_frame);
    CPPUNIT_TEST(every_frame_truncation_throws);
    CPPUNIT_TEST(every_payload_truncation_throws);
    CPPUNIT_TEST(corrupt_bytes_throw_or_decode);
    CPPUNIT_TEST(specific_corruptions);
    CPPUNIT_TEST(old_head_and_trailing_bytes);
    CPPUNIT_TEST(fetch_block_reply);
    CPPUNIT_TEST(field_widths);
    CPPUNIT_TEST_SUITE_END();

public:
    void valid_frame_decodes_every_block() {
        const Bytes frame = frame_around(raw_payload());
        auto buf = std::make_shared<Bytes>(frame);
        const FetchRawDataReply r = decode_fetch_raw_data_reply(buf->data(), buf->size());
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(77), r.req_id);
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(3), r.message_id);
        CPPUNIT_ASSERT_EQUAL(kRawTypeTmqData, r.raw_type);
        const TmqData d = parse_tmq_data(buf, r.raw, r.raw_len);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(5), d.begin_offset);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(7), d.end_offset);
        CPPUNIT_ASSERT(d.with_table_name);
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), d.blocks.size());
        CPPUNIT_ASSERT_EQUAL(std::string("t1"), d.blocks[0].table_name);
        CPPUNIT_ASSERT_EQUAL(std::string("t22"), d.blocks[1].table_name);
        for (const auto& b : d.blocks) {
            CPPUNIT_ASSERT(b.precision == Precision::Milli);
            CPPUNIT_ASSERT_EQUAL(std::size_t(3), b.fields.size());
            CPPUNIT_ASSERT_EQUAL(std::string("v"), b.fields[0].name);
            CPPUNIT_ASSERT(b.fields[1].type == TypeCode::VarChar);
            CPPUNIT_ASSERT_EQUAL(std::int32_t(10), b.fields[1].length);
            CPPUNIT_ASSERT_EQUAL(std::string("ts"), b.fields[2].name);
            CPPUNIT_ASSERT_EQUAL(std::int32_t(8), b.fields[2].length);
            const Block& blk = *b.block;
            CPPUNIT_ASSERT_EQUAL(std::size_t(2), blk.rows());
            CPPUNIT_ASSERT_EQUAL(std::int32_t(1), blk.column(0).get<std::int32_t>(0));
            CPPUNIT_ASSERT(blk.column(0).is_null(1));
            CPPUNIT_ASSERT_EQUAL(std::string("ab"), std::string(blk.column(1).bytes(0)));
            CPPUNIT_ASSERT_EQUAL(std::string("xyz"), std::string(blk.column(1).bytes(1)));
            CPPUNIT_ASSERT_EQUAL(std::int64_t(1700000000001), blk.column(2).get<std::int64_t>(1));
            // Zero-copy: the block views the frame's own bytes.
            const auto* p = reinterpret_cast<const std::uint8_t*>(blk.raw().data());
            CPPUNIT_ASSERT(p > buf->data() && p < buf->data() + buf->size());
        }
    }

    void blocks_keep_the_frame_alive() {
        std::shared_ptr<const Block> kept;
        {
            auto buf = std::make_shared<Bytes>(frame_around(raw_payload()));
            const FetchRawDataReply r = decode_fetch_raw_data_reply(buf->data(), buf->size());
            kept = parse_tmq_data(buf, r.raw, r.raw_len).blocks.at(1).block;
        }
        CPPUNIT_ASSERT_EQUAL(std::string("xyz"), std::string(kept->column(1).bytes(1)));
    }

    void without_table_names() {
        const TmqData d = decode_all(frame_around(raw_payload(false, 2)));
        CPPUNIT_ASSERT(!d.with_table_name);
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), d.blocks.size());
        CPPUNIT_ASSERT(d.blocks[0].table_name.empty());
        CPPUNIT_ASSERT(d.blocks[1].precision == Precision::Nano);
    }

    void error_frame() {
        Bytes f = frame_around({}, 0xFFFF, "message has been freed");
        const FetchRawDataReply r = decode_fetch_raw_data_reply(f.data(), f.size());
        CPPUNIT_ASSERT_EQUAL(std::uint32_t(0xFFFF), r.code);
        CPPUNIT_ASSERT_EQUAL(std::string("message has been freed"), r.message);
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(3), r.message_id);
        CPPUNIT_ASSERT(r.raw == nullptr);
        for (std::size_t n = 0; n < f.size(); ++n) {
            Bytes cut(f.begin(), f.begin() + static_cast<std::ptrdiff_t>(n));
            CPPUNIT_ASSERT_THROW(decode_fetch_raw_data_reply(cut.data(), cut.size()), ProtocolError);
        }
    }

    void every_frame_truncation_throws() {
        const Bytes full = frame_around(raw_payload());
        for (std::size_t n = 0; n < full.size(); ++n) {
            const Bytes cut(full.begin(), full.begin() + static_cast<std::ptrdiff_t>(n));
            CPPUNIT_ASSERT_THROW_MESSAGE("frame cut at " + std::to_string(n), decode_all(cut), ProtocolError);
        }
    }

    void every_payload_truncation_throws() {
        const Bytes full = raw_payload();
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), parse_raw(full).blocks.size());
        for (std::size_t n = 0; n < full.size(); ++n) {
            const Bytes cut(full.begin(), full.begin() + static_cast<std::ptrdiff_t>(n));
            CPPUNIT_ASSERT_THROW_MESSAGE("payload cut at " + std::to_string(n), parse_raw(cut), ProtocolError);
        }
    }

    void corrupt_bytes_throw_or_decode() {
        // Every byte replaced by several values: the parser either decodes something that fits
        // the buffer or throws ProtocolError; it never reads out of bounds or throws anything else.
        const Bytes full = frame_around(raw_payload());
        std::size_t threw = 0;
        for (std::size_t i = 0; i < full.size(); ++i) {
            for (const std::uint8_t v : {std::uint8_t(0x00), std::uint8_t(0x7F), std::uint8_t(0x80), std::uint8_t(0xFF)}) {
                if (full[i] == v) continue;
                Bytes bad = full;
                bad[i] = v;
                try {
                    auto buf = std::make_shared<Bytes>(bad);
                    const FetchRawDataReply r = decode_fetch_raw_data_reply(buf->data(), buf->size());
                    if (r.code != 0) continue;  // a corrupt code makes an error frame: fine
                    const TmqData d = parse_tmq_data(buf, r.raw, r.raw_len);
                    for (const auto& b : d.blocks) CPPUNIT_ASSERT(b.block->raw().size() <= bad.size());
                } catch (const ProtocolError&) {
                    ++threw;
                }
            }
        }
        CPPUNIT_ASSERT(threw > 0);
    }

    void specific_corruptions() {
        const Bytes raw = raw_payload();
        const Bytes frame = frame_around(raw);
        auto expect_throw = [](Bytes b, const char* what) {
            CPPUNIT_ASSERT_THROW_MESSAGE(what, decode_all(b), ProtocolError);
        };
        Bytes b = frame;
        b[0] = 0;  // flag
        expect_throw(b, "flag");
        b = frame;
        b[8] = 7;  // action
        expect_throw(b, "action");
        b = frame;
        b[16] = 2;  // version
        expect_throw(b, "version");
        b = frame;
        b.push_back(0);  // one byte more than the raw length says
        expect_throw(b, "trailing frame byte");
        const std::size_t raw_at = frame.size() - raw.size();
        b = frame;
        b[raw_at + 26] = 0x7F;  // block count 0x7F000002
        expect_throw(b, "block count");
        b = frame;
        b[raw_at + 1 + 4] = 0x05;  // unknown offset type inside the head: offsets become unknown, not fatal
        CPPUNIT_ASSERT_EQUAL(std::int64_t(-1), decode_all(b).begin_offset);
        b = frame;
        b[raw_at + 28] = 0;  // with_schema = 0
        expect_throw(b, "with_schema");
        // First block: varint length at raw_at + 29 (1 byte, 116), body at raw_at + 30.
        CPPUNIT_ASSERT_EQUAL(std::uint8_t(116), frame[raw_at + 29]);
        b = frame;
        b[raw_at + 30 + 16] = 1;  // compressed
        expect_throw(b, "compressed");
        b = frame;
        b[raw_at + 30 + 17] = 3;  // precision
        expect_throw(b, "precision");
        b = frame;
        b[raw_at + 30 + 18] = 9;  // block version 9
        expect_throw(b, "block version");
        b = frame;
        b[raw_at + 30 + 18 + 4] = 0x61;  // block total length 97 in a 98-byte slot
        expect_throw(b, "block length");
        b = frame;
        b[raw_at + 30 + 116] = 4;  // schema column count 2 (zig-zag 4) for 3 columns
        expect_throw(b, "schema count");
        b = frame;
        b[raw_at + 30 + 118] = 5;  // first schema type BIGINT for an INT column
        expect_throw(b, "schema type");
        b = frame;
        for (std::size_t i = 29; i < 34; ++i) b[raw_at + i] = 0xFF;  // over-long varint chain
        expect_throw(b, "varint");
    }

    void old_head_and_trailing_bytes() {
        Bytes raw = raw_payload();
        // Replace the v100 head (1 + 4 + 18 bytes) with two bare offsets: log 5, snapshot (16 bytes).
        Bytes old;
        old.push_back(0x01);
        put_le<std::int64_t>(old, 5);
        old.push_back(0x02);
        for (int i = 0; i < 16; ++i) old.push_back(0);
        old.insert(old.end(), raw.begin() + 23, raw.end());
        put_le<std::int64_t>(old, 0);  // a newer server's sleep time after the blocks
        const TmqData d = parse_raw(old);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(5), d.begin_offset);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(-1), d.end_offset);
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), d.blocks.size());
        // An empty message: block count 0 and nothing after it.
        Bytes empty(raw.begin(), raw.begin() + 23);
        put_le<std::int32_t>(empty, 0);
        CPPUNIT_ASSERT(parse_raw(empty).blocks.empty());
    }

    void fetch_block_reply() {
        Bytes f;
        put_le<std::uint64_t>(f, 99);
        put_le<std::uint64_t>(f, 42);
        put_le<std::uint64_t>(f, 3);
        const Bytes block = from_hex(kBlockHex);
        f.insert(f.end(), block.begin(), block.end());
        const TmqBlockReply r = decode_tmq_block_reply(f.data(), f.size());
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(42), r.fetch_req_id);
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(3), r.message_id);
        CPPUNIT_ASSERT_EQUAL(block.size(), r.block_len);
        CPPUNIT_ASSERT(r.block == f.data() + 24);             // views the frame, untouched
        CPPUNIT_ASSERT_EQUAL(std::uint8_t(2), r.block[0]);    // block version 2, as TMQ sends it
        auto decoded = Block::decode(nullptr, r.block, r.block_len);
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), decoded->rows());
        for (std::size_t n = 0; n < 24; ++n) {
            CPPUNIT_ASSERT_THROW(decode_tmq_block_reply(f.data(), n), ProtocolError);
        }
    }

    void field_widths() {
        auto width = [](TypeCode t, std::int32_t bytes) {
            Field f;
            f.type = t;
            set_field_width(f, bytes);
            return f;
        };
        CPPUNIT_ASSERT_EQUAL(std::int32_t(4), width(TypeCode::Int, 4).length);
        CPPUNIT_ASSERT_EQUAL(std::int32_t(10), width(TypeCode::VarChar, 12).length);
        CPPUNIT_ASSERT_EQUAL(std::int32_t(10), width(TypeCode::NChar, 42).length);
        CPPUNIT_ASSERT_EQUAL(std::int32_t(4095), width(TypeCode::Json, 16384).length);
        CPPUNIT_ASSERT_EQUAL(std::int32_t(4194304), width(TypeCode::Blob, 4194308).length);
        const Field d = width(TypeCode::Decimal, decimal_descriptor(20, 4, 16));
        CPPUNIT_ASSERT_EQUAL(std::int32_t(16), d.length);
        CPPUNIT_ASSERT_EQUAL(std::uint8_t(20), d.decimal_precision);
        CPPUNIT_ASSERT_EQUAL(std::uint8_t(4), d.decimal_scale);
    }
};

class ConsumerConfigTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(ConsumerConfigTest);
    CPPUNIT_TEST(keys_map_to_settings);
    CPPUNIT_TEST(connection_keys_override_the_dsn);
    CPPUNIT_TEST(unknown_key_lists_accepted_keys);
    CPPUNIT_TEST(bad_values);
    CPPUNIT_TEST_SUITE_END();

public:
    void keys_map_to_settings() {
        const auto [o, s] = consumer_options(
            parse_dsn("ws://u:p@h:1234/db?group.id=dsn_group&timeout=5"),
            {{"client.id", "c1"}, {"auto.offset.reset", "Earliest"}, {"enable.auto.commit", "on"},
             {"auto.commit.interval.ms", "100"}, {"msg.with.table.name", "false"}, {"experimental.snapshot.enable", "0"},
             {"session.timeout.ms", "12000"}});
        CPPUNIT_ASSERT_EQUAL(std::string("/rest/tmq"), o.path);
        CPPUNIT_ASSERT_EQUAL(std::string("u"), o.user);
        CPPUNIT_ASSERT_EQUAL(std::string("db"), o.database);
        CPPUNIT_ASSERT_EQUAL(std::string("dsn_group"), s.group_id);  // DSN parameters are configuration too
        CPPUNIT_ASSERT_EQUAL(std::string("c1"), s.client_id);
        CPPUNIT_ASSERT_EQUAL(std::string("earliest"), s.offset_reset);
        CPPUNIT_ASSERT(s.auto_commit);
        CPPUNIT_ASSERT_EQUAL(std::string("100"), s.auto_commit_interval);
        CPPUNIT_ASSERT(!s.with_table_name);
        CPPUNIT_ASSERT(!s.snapshot);
        CPPUNIT_ASSERT_EQUAL(std::string("12000"), s.session_timeout);
        CPPUNIT_ASSERT(s.request_timeout == std::chrono::seconds(5));
        // config wins over the DSN
        const auto s2 = consumer_options(parse_dsn("ws://h?group.id=a"), {{"group.id", "b"}}).second;
        CPPUNIT_ASSERT_EQUAL(std::string("b"), s2.group_id);
        CPPUNIT_ASSERT(s2.request_timeout == std::chrono::seconds(30));
    }

    void connection_keys_override_the_dsn() {
        const auto o = consumer_options(parse_dsn("ws://root:taosdata@h1:1/x"),
                                        {{"group.id", "g"}, {"td.connect.user", "alice"}, {"td.connect.pass", "secret"},
                                         {"td.connect.db", "power"}, {"td.connect.ip", "10.0.0.1"},
                                         {"td.connect.port", "6042"}, {"token", "tok"}, {"conn_retries", "2"}})
                           .first;
        CPPUNIT_ASSERT_EQUAL(std::string("alice"), o.user);
        CPPUNIT_ASSERT_EQUAL(std::string("secret"), o.password);
        CPPUNIT_ASSERT_EQUAL(std::string("power"), o.database);
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), o.endpoints.size());
        CPPUNIT_ASSERT_EQUAL(std::string("10.0.0.1"), o.endpoints[0].host);
        CPPUNIT_ASSERT_EQUAL(std::uint16_t(6042), o.endpoints[0].port);
        CPPUNIT_ASSERT_EQUAL(std::string("tok"), o.token);
        CPPUNIT_ASSERT_EQUAL(2, o.conn_retries);
    }

    void unknown_key_lists_accepted_keys() {
        try {
            consumer_options(parse_dsn("ws://h"), {{"group.id", "g"}, {"group_id", "x"}});
            CPPUNIT_FAIL("an unknown key was accepted");
        } catch (const UsageError& e) {
            const std::string m = e.what();
            CPPUNIT_ASSERT(m.find("'group_id'") != std::string::npos);
            CPPUNIT_ASSERT(m.find("group.id") != std::string::npos);
            CPPUNIT_ASSERT(m.find("auto.offset.reset") != std::string::npos);
            CPPUNIT_ASSERT(m.find("td.connect.port") != std::string::npos);
        }
    }

    void bad_values() {
        CPPUNIT_ASSERT_THROW(consumer_options(parse_dsn("ws://h"), {}), UsageError);  // no group.id
        CPPUNIT_ASSERT_THROW(consumer_options(parse_dsn("ws://h"), {{"group.id", "g"}, {"enable.auto.commit", "maybe"}}),
                             UsageError);
        CPPUNIT_ASSERT_THROW(consumer_options(parse_dsn("ws://h"), {{"group.id", "g"}, {"auto.offset.reset", "first"}}),
                             UsageError);
        CPPUNIT_ASSERT_THROW(consumer_options(parse_dsn("ws://h"), {{"group.id", "g"}, {"auto.commit.interval.ms", "-1"}}),
                             UsageError);
        CPPUNIT_ASSERT_THROW(consumer_options(parse_dsn("ws://h"), {{"group.id", "g"}, {"td.connect.port", "70000"}}),
                             UsageError);
        CPPUNIT_ASSERT_THROW(consumer_options(parse_dsn("ws://h"), {{"group.id", "g"}, {"timeout", "-3"}}), DsnError);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(TmqPayloadTest);
CPPUNIT_TEST_SUITE_REGISTRATION(ConsumerConfigTest);
