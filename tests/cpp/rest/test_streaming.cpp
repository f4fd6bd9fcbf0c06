// taos-rest: bodies decoded as they stream in — any split of the bytes, cut bodies, bounded
// buffers — and the same over HTTP (chunked and Content-Length) against the in-process server.
#include <algorithm>
#include <cstdio>
#include <memory>
#include <string>

#include <cppunit/extensions/HelperMacros.h>

#include "connection.hpp"
#include "json_decoder.hpp"
#include "taoslink/dsn.hpp"
#include "taoslink/error.hpp"
#include "test_server.hpp"

using namespace taoslink;
using namespace taoslink::rest;

namespace {

// Strings holding the bytes the row scanner must not take for structure: brackets, commas,
// escaped quotes and backslashes; a JSON column with nested values.
const std::string kMeta =
    R"([["ts","TIMESTAMP",8],["v","INT",4],["s","VARCHAR",40],["n","NCHAR",10],["j","JSON",4095]])";
const std::string kRows =
    R"(["2023-11-15T06:13:20.001Z",1,"a],[\"b\\",  "\u4e2d",{"k":[1,{"x":"]"}]}],)"
    R"( ["2023-11-15T06:13:20.002Z" , null ,"}{",null,null] ,)"
    R"(["2023-11-15T06:13:20.003Z",-3,"\\\\\"",  "x,y" ,"s"],)"
    R"([null,4,"",null,[]],["2023-11-15T06:13:20.005Z",5,"e",null,{}])";

std::string full_body(const std::string& rows_member = "5") {
    return R"({"code":0,"column_meta":)" + kMeta + R"(,"data":[)" + kRows + R"(],"rows":)" + rows_member + "}";
}

// The first `first` bytes, then the rest in pieces of `step`.
class SplitSource final : public ByteSource {
public:
    SplitSource(std::string body, std::size_t first, std::size_t step) : body_(std::move(body)), first_(first), step_(step) {}
    std::size_t read(char* buf, std::size_t n) override {
        std::size_t k = at_ < first_ ? first_ - at_ : step_;
        k = std::min({k, n, body_.size() - at_});
        body_.copy(buf, k, at_);
        at_ += k;
        return k;
    }

private:
    std::string body_;
    std::size_t first_, step_, at_ = 0;
};

// Hands out `good` bytes, then fails like a connection that dropped.
class DroppingSource final : public ByteSource {
public:
    DroppingSource(std::string body, std::size_t good) : body_(std::move(body)), good_(good) {}
    std::size_t read(char* buf, std::size_t n) override {
        if (at_ >= good_) throw ConnectionError(code::BrokenLink, "dropped");
        const std::size_t k = std::min(n, good_ - at_);
        body_.copy(buf, k, at_);
        at_ += k;
        return k;
    }

private:
    std::string body_;
    std::size_t good_, at_ = 0;
};

// Every value of every block as text, to compare two decodes.
std::string dump(SqlResponseDecoder& d) {
    std::string out = std::to_string(static_cast<int>(d.precision())) + "|";
    while (auto b = d.next_block()) {
        out += "#" + std::to_string(b->rows());
        for (std::size_t r = 0; r < b->rows(); ++r) {
            for (std::size_t c = 0; c < b->columns(); ++c) {
                const auto& col = b->column(c);
                out += ' ';
                if (col.is_null(r)) out += "null";
                else if (c < 2) out += std::to_string(c == 0 ? col.get<std::int64_t>(r) : col.get<std::int32_t>(r));
                else out += "'" + std::string(col.bytes(r)) + "'";
            }
            out += ';';
        }
    }
    return out;
}

std::string dsn_for(std::uint16_t port) { return "http://root:taosdata@127.0.0.1:" + std::to_string(port); }

std::string big_body(std::size_t rows) {
    std::string b = R"({"code":0,"column_meta":[["ts","TIMESTAMP",8],["v","BIGINT",8],["s","VARCHAR",20]],"data":[)";
    for (std::size_t i = 0; i < rows; ++i) {
        if (i) b += ',';
        b += R"(["2023-11-15T06:13:20.001Z",)" + std::to_string(i) + R"(,"row \"text\" [x]"])";
    }
    return b + R"(],"rows":)" + std::to_string(rows) + "}";
}

const std::string kVersionBody = R"J({"code":0,"column_meta":[["server_version()","VARCHAR",8]],"data":[["3.3.6.0"]],"rows":1})J";

}  // namespace

class StreamingTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(StreamingTest);
    CPPUNIT_TEST(split_at_every_byte);
    CPPUNIT_TEST(tiny_reads);
    CPPUNIT_TEST(cut_anywhere_is_an_error);
    CPPUNIT_TEST(dropped_source_error_sticks);
    CPPUNIT_TEST(rows_count_checked);
    CPPUNIT_TEST(bytes_after_the_object);
    CPPUNIT_TEST(buffers_stay_bounded);
    CPPUNIT_TEST(precision_look_ahead_is_bounded);
    CPPUNIT_TEST(http_chunked_and_content_length);
    CPPUNIT_TEST(http_cut_mid_rows);
    CPPUNIT_TEST(http_result_closed_early);
    CPPUNIT_TEST_SUITE_END();

public:
    void split_at_every_byte() {
        const std::string body = full_body();
        SqlResponseDecoder whole(body, 2);
        const std::string expected = dump(whole);
        CPPUNIT_ASSERT(expected.find("'a],[\"b\\'") != std::string::npos);
        CPPUNIT_ASSERT(expected.find("'{\"k\":[1,{\"x\":\"]\"}]}'") != std::string::npos);
        CPPUNIT_ASSERT(expected.find("#2") != std::string::npos && expected.find("#1") != std::string::npos);
        for (std::size_t k = 0; k <= body.size(); ++k) {
            SqlResponseDecoder d(std::make_unique<SplitSource>(body, k, body.size()), 2);
            CPPUNIT_ASSERT_EQUAL_MESSAGE("split at " + std::to_string(k), expected, dump(d));
        }
    }
    void tiny_reads() {
        const std::string body = full_body();
        SqlResponseDecoder whole(body, 3);
        const std::string expected = dump(whole);
        for (std::size_t step : {1, 2, 3, 7, 64}) {
            SqlResponseDecoder d(std::make_unique<SplitSource>(body, 0, step), 3);
            CPPUNIT_ASSERT_EQUAL(expected, dump(d));
        }
        // StringSource's own short reads.
        auto r = std::make_unique<StringSource>(body, 5);
        SqlResponseDecoder d(std::move(r), 3);
        CPPUNIT_ASSERT_EQUAL(expected, dump(d));
    }
    void cut_anywhere_is_an_error() {
        const std::string body = full_body();
        for (std::size_t k = 0; k < body.size(); ++k) {
            try {
                SqlResponseDecoder d(body.substr(0, k), 2);
                dump(d);
                CPPUNIT_FAIL("no error for the body cut at " + std::to_string(k));
            } catch (const ProtocolError&) {
            }
        }
    }
    void dropped_source_error_sticks() {
        const std::string body = big_body(20000);
        SqlResponseDecoder d(std::make_unique<DroppingSource>(body, body.size() / 2));
        std::size_t rows = 0;
        try {
            while (auto b = d.next_block()) rows += b->rows();
            CPPUNIT_FAIL("no error");
        } catch (const ConnectionError& e) {
            CPPUNIT_ASSERT_EQUAL(code::BrokenLink, e.code());
        }
        CPPUNIT_ASSERT(rows > 0 && rows < 20000);
        CPPUNIT_ASSERT_THROW(d.next_block(), ConnectionError);
    }
    void rows_count_checked() {
        SqlResponseDecoder ok(full_body("5"));
        CPPUNIT_ASSERT_EQUAL(std::size_t(5), ok.next_block()->rows());
        CPPUNIT_ASSERT(!ok.next_block());
        SqlResponseDecoder bad(full_body("6"));
        CPPUNIT_ASSERT_THROW(bad.next_block(), ProtocolError);
        CPPUNIT_ASSERT_THROW(bad.next_block(), ProtocolError);
        CPPUNIT_ASSERT_THROW(SqlResponseDecoder(full_body("\"5\"")), ProtocolError);
    }
    void bytes_after_the_object() {
        CPPUNIT_ASSERT_THROW(SqlResponseDecoder(full_body() + "x"), ProtocolError);
        CPPUNIT_ASSERT_THROW(SqlResponseDecoder(full_body() + "{}"), ProtocolError);
        SqlResponseDecoder d(full_body() + " \r\n");
        CPPUNIT_ASSERT_EQUAL(std::size_t(5), d.next_block()->rows());
        // a server error body, and an error body followed by junk
        CPPUNIT_ASSERT_THROW(SqlResponseDecoder(R"({"code":9728,"desc":"syntax error","timing":1})"), ServerError);
        CPPUNIT_ASSERT_THROW(SqlResponseDecoder(R"({"code":9728,"desc":"syntax error"}])"), ProtocolError);
        CPPUNIT_ASSERT_THROW(SqlResponseDecoder(R"({"code":0,"column_meta":[["v","INT",4]],"data":[[1],],"rows":1})"), ProtocolError);
        CPPUNIT_ASSERT_THROW(SqlResponseDecoder(R"({"code":0,"column_meta":[["v","INT",4]],"data":[[1]]],"rows":1})"), ProtocolError);
    }
    void buffers_stay_bounded() {
        const std::size_t n = 300000;
        const std::string body = big_body(n);
        CPPUNIT_ASSERT(body.size() > (12u << 20));
        SqlResponseDecoder d(std::make_unique<SplitSource>(body, 0, 65536));
        std::size_t rows = 0;
        std::int64_t last = -1;
        while (auto b = d.next_block()) {
            CPPUNIT_ASSERT_EQUAL(last + 1, b->column(1).get<std::int64_t>(0));
            last = b->column(1).get<std::int64_t>(b->rows() - 1);
            rows += b->rows();
        }
        CPPUNIT_ASSERT_EQUAL(n, rows);
        CPPUNIT_ASSERT_MESSAGE(std::to_string(d.peak_buffered_bytes()), d.peak_buffered_bytes() < (4u << 20));
    }
    void precision_look_ahead_is_bounded() {
        // No timestamp in the first kPrecisionLookahead bytes: nanoseconds, still exact.
        std::string b = R"({"code":0,"column_meta":[["ts","TIMESTAMP",8],["s","VARCHAR",200]],"data":[)";
        const std::string pad(100, 'p');
        std::size_t rows = 0;
        while (b.size() < SqlResponseDecoder::kPrecisionLookahead + (1u << 20)) {
            b += "[null,\"" + pad + "\"],";
            ++rows;
        }
        b += R"(["2023-11-15T06:13:20.001Z","x"]]})";
        SqlResponseDecoder d(std::make_unique<SplitSource>(b, 0, 1 << 20));
        CPPUNIT_ASSERT(d.precision() == Precision::Nano);
        std::shared_ptr<const Block> last;
        std::size_t total = 0;
        while (auto blk = d.next_block()) {
            total += blk->rows();
            last = blk;
        }
        CPPUNIT_ASSERT_EQUAL(rows + 1, total);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(1700028800001000000), last->column(0).get<std::int64_t>(last->rows() - 1));
    }
    void http_chunked_and_content_length() {
        const std::string body = big_body(50000);
        for (bool chunked : {true, false}) {
            rest_test::TestServer server([&](const rest_test::Request& req, rest_test::Reply& reply) {
                const std::string& b = req.body == "select server_version()" ? kVersionBody : body;
                if (chunked) reply.send_chunked(200, b, 16384);
                else reply.send(200, b);
            });
            auto conn = connect_rest(parse_dsn(dsn_for(server.port())));
            for (int i = 0; i < 3; ++i) {
                auto r = conn->query("select * from t");
                std::size_t rows = 0;
                while (auto b = r->next_block()) rows += b->rows();
                CPPUNIT_ASSERT_EQUAL(std::size_t(50000), rows);
            }
            CPPUNIT_ASSERT_EQUAL(1, server.accepted());  // every body was read to its end: keep-alive
        }
    }
    void http_cut_mid_rows() {
        const std::string body = big_body(50000);
        for (bool chunked : {true, false}) {
            rest_test::TestServer server([&](const rest_test::Request& req, rest_test::Reply& reply) {
                if (req.body == "select server_version()") return reply.send(200, kVersionBody);
                const std::string part = body.substr(0, body.size() / 2);
                if (chunked) {
                    char size[32];
                    std::snprintf(size, sizeof size, "%zx\r\n", part.size());
                    reply.raw("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n" +
                              std::string(size) + part + "\r\n");
                } else {
                    reply.raw("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " +
                              std::to_string(body.size()) + "\r\n\r\n" + part);
                }
                reply.close();
            });
            auto conn = connect_rest(parse_dsn(dsn_for(server.port())));
            auto r = conn->query("select * from t");
            std::size_t rows = 0;
            try {
                while (auto b = r->next_block()) rows += b->rows();
                CPPUNIT_FAIL("no error");
            } catch (const ConnectionError& e) {
                CPPUNIT_ASSERT_EQUAL_MESSAGE(e.what(), code::BrokenLink, e.code());
            }
            CPPUNIT_ASSERT(rows < 50000);
            CPPUNIT_ASSERT_THROW(r->next_block(), ConnectionError);
        }
    }
    void http_result_closed_early() {
        const std::string body = big_body(50000);
        rest_test::TestServer server([&](const rest_test::Request& req, rest_test::Reply& reply) {
            reply.send_chunked(200, req.body == "select server_version()" ? kVersionBody : body, 16384);
        });
        auto conn = connect_rest(parse_dsn(dsn_for(server.port())));
        {
            auto r = conn->query("select * from t");
            CPPUNIT_ASSERT(r->next_block());
            r->close();  // the rest of the body is abandoned with its connection
        }
        auto r = conn->query("select * from t");
        std::size_t rows = 0;
        while (auto b = r->next_block()) rows += b->rows();
        CPPUNIT_ASSERT_EQUAL(std::size_t(50000), rows);
        CPPUNIT_ASSERT_EQUAL(2, server.accepted());
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(StreamingTest);
