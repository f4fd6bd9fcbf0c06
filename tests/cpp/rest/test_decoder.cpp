// taos-rest: codecs and the /rest/sql JSON decoder (no network).
#include <cmath>
#include <cstring>
#include <limits>
#include <string>

#include <cppunit/extensions/HelperMacros.h>

#include "codec.hpp"
#include "errors.hpp"
#include "result.hpp"
#include "taoslink/error.hpp"

using namespace taoslink;
using namespace taoslink::rest;

namespace {

std::string body(const std::string& meta, const std::string& data) {
    return R"({"code":0,"column_meta":[)" + meta + R"(],"data":[)" + data + R"(]})";  // no "rows": not checked
}

std::shared_ptr<const Block> one_block(const std::string& b, Precision* p = nullptr) {
    auto r = decode_sql_response(b);
    if (p) *p = r->precision();
    auto blk = r->next_block();
    CPPUNIT_ASSERT(blk);
    CPPUNIT_ASSERT(r->next_block() == nullptr);
    return blk;
}

template <class E>
std::string expect_throw(const std::string& b) {
    try {
        auto r = decode_sql_response(b);
        while (r->next_block()) {
        }
    } catch (const E& e) {
        return e.what();
    } catch (const std::exception& e) {
        CPPUNIT_FAIL(std::string("wrong exception: ") + e.what());
    }
    CPPUNIT_FAIL("no exception for: " + b);
    return {};
}

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

}  // namespace

class CodecTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(CodecTest);
    CPPUNIT_TEST(timestamps);
    CPPUNIT_TEST(bad_timestamps);
    CPPUNIT_TEST(ticks);
    CPPUNIT_TEST(hex);
    CPPUNIT_TEST(decimals);
    CPPUNIT_TEST(base64_and_url);
    CPPUNIT_TEST(use_statement);
    CPPUNIT_TEST(error_bodies);
    CPPUNIT_TEST_SUITE_END();

public:
    void timestamps() {
        ParsedTime t;
        CPPUNIT_ASSERT(parse_rfc3339("1970-01-01T00:00:00.000Z", t));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(0), t.seconds);
        CPPUNIT_ASSERT_EQUAL(3, t.digits);
        CPPUNIT_ASSERT(parse_rfc3339("2023-11-15T06:13:20.001+08:00", t));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(1700000000), t.seconds);
        CPPUNIT_ASSERT_EQUAL(std::uint32_t(1000000), t.nanos);
        CPPUNIT_ASSERT(parse_rfc3339("2023-11-14T22:13:20.123456789Z", t));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(1700000000), t.seconds);
        CPPUNIT_ASSERT_EQUAL(std::uint32_t(123456789), t.nanos);
        CPPUNIT_ASSERT_EQUAL(9, t.digits);
        CPPUNIT_ASSERT(parse_rfc3339("2023-11-14T17:13:20.5-05:00", t));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(1700000000), t.seconds);
        CPPUNIT_ASSERT(parse_rfc3339("1969-12-31T23:59:59.999Z", t));  // pre-1970
        CPPUNIT_ASSERT_EQUAL(std::int64_t(-1), t.seconds);
        CPPUNIT_ASSERT(parse_rfc3339("2024-02-29T00:00:00Z", t));  // leap day, no fraction
        CPPUNIT_ASSERT_EQUAL(0, t.digits);
    }
    void bad_timestamps() {
        ParsedTime t;
        for (const char* s : {"", "2023-11-15", "2023-11-15T06:13:20.000", "2023-13-01T00:00:00Z", "2023-02-29T00:00:00Z",
                              "2023-11-15T24:00:00Z", "2023-11-15T06:13:20.Z", "2023-11-15T06:13:20.0000000001Z",
                              "2023-11-15T06:13:20.000+0800", "2023-11-15T06:13:20.000Zjunk", "abcd-11-15T06:13:20Z"}) {
            CPPUNIT_ASSERT_MESSAGE(s, !parse_rfc3339(s, t));
        }
    }
    void ticks() {
        ParsedTime t;
        std::int64_t v;
        CPPUNIT_ASSERT(parse_rfc3339("1969-12-31T23:59:59.999Z", t));
        CPPUNIT_ASSERT(to_ticks(t, Precision::Milli, v));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(-1), v);
        CPPUNIT_ASSERT(parse_rfc3339("1969-12-31T23:59:59.999999999Z", t));
        CPPUNIT_ASSERT(to_ticks(t, Precision::Nano, v));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(-1), v);
        CPPUNIT_ASSERT(!to_ticks(t, Precision::Milli, v));  // would lose digits
        CPPUNIT_ASSERT(parse_rfc3339("2023-11-15T06:13:20.123+08:00", t));
        CPPUNIT_ASSERT(to_ticks(t, Precision::Micro, v));  // fewer digits scale up
        CPPUNIT_ASSERT_EQUAL(std::int64_t(1700000000123000), v);
        CPPUNIT_ASSERT(parse_rfc3339("2263-01-01T00:00:00.000000000Z", t));
        CPPUNIT_ASSERT(!to_ticks(t, Precision::Nano, v));  // beyond int64 nanoseconds
        CPPUNIT_ASSERT_EQUAL(Precision::Micro, precision_for_digits(6));
    }
    void hex() {
        std::string out;
        CPPUNIT_ASSERT(decode_hex("00ff7fAB", out));
        CPPUNIT_ASSERT_EQUAL(std::string("\x00\xff\x7f\xab", 4), out);
        CPPUNIT_ASSERT(decode_hex("", out));
        CPPUNIT_ASSERT(out.empty());
        CPPUNIT_ASSERT(!decode_hex("abc", out));
        CPPUNIT_ASSERT(!decode_hex("zz", out));
    }
    void decimals() {
        __int128 v;
        CPPUNIT_ASSERT(parse_decimal("-12.3400", 10, 4, v));
        CPPUNIT_ASSERT(v == -123400);
        CPPUNIT_ASSERT(parse_decimal("0.05", 10, 4, v));
        CPPUNIT_ASSERT(v == 500);
        CPPUNIT_ASSERT(parse_decimal("7", 5, 2, v));
        CPPUNIT_ASSERT(v == 700);
        CPPUNIT_ASSERT(parse_decimal("-0.0001", 4, 4, v));
        CPPUNIT_ASSERT(v == -1);
        CPPUNIT_ASSERT(parse_decimal("99999999999999999999999999999999999999", 38, 0, v));
        CPPUNIT_ASSERT(!parse_decimal("1.23456", 10, 4, v));  // too many fraction digits
        CPPUNIT_ASSERT(!parse_decimal("123456789.00", 10, 2, v));  // 11 digits > precision 10
        CPPUNIT_ASSERT(!parse_decimal("1e5", 10, 2, v));
        CPPUNIT_ASSERT(!parse_decimal("", 10, 2, v));
        CPPUNIT_ASSERT(!parse_decimal("-", 10, 2, v));
        CPPUNIT_ASSERT(!parse_decimal("1.", 10, 2, v));
    }
    void base64_and_url() {
        CPPUNIT_ASSERT_EQUAL(std::string("cm9vdDp0YW9zZGF0YQ=="), base64_encode("root:taosdata"));
        CPPUNIT_ASSERT_EQUAL(std::string("YQ=="), base64_encode("a"));
        CPPUNIT_ASSERT_EQUAL(std::string("YWI="), base64_encode("ab"));
        CPPUNIT_ASSERT_EQUAL(std::string("YWJj"), base64_encode("abc"));
        CPPUNIT_ASSERT_EQUAL(std::string("Asia%2FShanghai"), url_encode("Asia/Shanghai"));
        CPPUNIT_ASSERT_EQUAL(std::string("a%20b%2B%26%3D%3F%25-_.~"), url_encode("a b+&=?%-_.~"));
    }
    void use_statement() {
        CPPUNIT_ASSERT_EQUAL(std::string("power"), parse_use_statement("use power"));
        CPPUNIT_ASSERT_EQUAL(std::string("power"), parse_use_statement("  USE   power ;  "));
        CPPUNIT_ASSERT_EQUAL(std::string("my db"), parse_use_statement("Use `my db`;"));
        CPPUNIT_ASSERT_EQUAL(std::string(), parse_use_statement("user_table"));
        CPPUNIT_ASSERT_EQUAL(std::string(), parse_use_statement("use"));
        CPPUNIT_ASSERT_EQUAL(std::string(), parse_use_statement("use a; drop database b"));
        CPPUNIT_ASSERT_EQUAL(std::string(), parse_use_statement("select * from use_x"));
    }
    void error_bodies() {
        auto e = parse_error_body(R"({"code":9728,"desc":"syntax error","timing":1})");
        CPPUNIT_ASSERT(e.shape == ErrorBody::Shape::Object);
        CPPUNIT_ASSERT_EQUAL(9728LL, *e.code);
        CPPUNIT_ASSERT_EQUAL(std::string("syntax error"), e.message);
        e = parse_error_body(R"({"code":"illegal param","message":"bad line"})");
        CPPUNIT_ASSERT_EQUAL(std::string("illegal param"), e.code_text);
        CPPUNIT_ASSERT_EQUAL(std::string("bad line"), e.message);
        e = parse_error_body(R"("memory exceeds threshold")");
        CPPUNIT_ASSERT(e.shape == ErrorBody::Shape::BareString);
        CPPUNIT_ASSERT(parse_error_body("<html>oops</html>").shape == ErrorBody::Shape::None);
        CPPUNIT_ASSERT_EQUAL(0x3002, *code_from_message("[0x3002] invalid data"));
        CPPUNIT_ASSERT(!code_from_message("invalid data"));
    }
};

class DecoderTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(DecoderTest);
    CPPUNIT_TEST(integers);
    CPPUNIT_TEST(floats_and_bool);
    CPPUNIT_TEST(strings);
    CPPUNIT_TEST(json_column);
    CPPUNIT_TEST(binary_types);
    CPPUNIT_TEST(decimal_columns);
    CPPUNIT_TEST(timestamps_ms_us_ns);
    CPPUNIT_TEST(precision_from_later_row);
    CPPUNIT_TEST(affected_rows_shape);
    CPPUNIT_TEST(zero_rows);
    CPPUNIT_TEST(blocks_of_4096);
    CPPUNIT_TEST(server_error_body);
    CPPUNIT_TEST(auth_error_body);
    CPPUNIT_TEST(v2_body);
    CPPUNIT_TEST(malformed_bodies);
    CPPUNIT_TEST(malformed_values);
    CPPUNIT_TEST_SUITE_END();

public:
    void integers() {
        auto b = one_block(body(R"(["a","TINYINT",1],["b","SMALLINT",2],["c","INT",4],["d","BIGINT",8],)"
                                R"(["e","TINYINT UNSIGNED",1],["f","SMALLINT UNSIGNED",2],["g","INT UNSIGNED",4],["h","BIGINT UNSIGNED",8])",
                                R"([-128,-32768,-2147483648,-9223372036854775808,255,65535,4294967295,18446744073709551615],)"
                                R"([127,32767,2147483647,9223372036854775807,0,0,0,0],)"
                                R"([null,null,null,null,null,null,null,null])"));
        CPPUNIT_ASSERT_EQUAL(std::size_t(3), b->rows());
        CPPUNIT_ASSERT_EQUAL(std::int8_t(-128), b->column(0).get<std::int8_t>(0));
        CPPUNIT_ASSERT_EQUAL(std::int16_t(-32768), b->column(1).get<std::int16_t>(0));
        CPPUNIT_ASSERT_EQUAL(std::numeric_limits<std::int32_t>::min(), b->column(2).get<std::int32_t>(0));
        CPPUNIT_ASSERT_EQUAL(std::numeric_limits<std::int64_t>::min(), b->column(3).get<std::int64_t>(0));
        CPPUNIT_ASSERT_EQUAL(std::numeric_limits<std::int64_t>::max(), b->column(3).get<std::int64_t>(1));
        CPPUNIT_ASSERT_EQUAL(std::uint8_t(255), b->column(4).get<std::uint8_t>(0));
        CPPUNIT_ASSERT_EQUAL(std::uint16_t(65535), b->column(5).get<std::uint16_t>(0));
        CPPUNIT_ASSERT_EQUAL(std::uint32_t(4294967295u), b->column(6).get<std::uint32_t>(0));
        CPPUNIT_ASSERT_EQUAL(std::numeric_limits<std::uint64_t>::max(), b->column(7).get<std::uint64_t>(0));
        for (std::size_t c = 0; c < 8; ++c) {
            CPPUNIT_ASSERT(!b->column(c).is_null(0));
            CPPUNIT_ASSERT(b->column(c).is_null(2));
        }
    }
    void floats_and_bool() {
        auto b = one_block(body(R"(["f","FLOAT",4],["d","DOUBLE",8],["b","BOOL",1])",
                                R"([10.123,1.7976931348623157e308,true],[null,-0.5,false],[3,2,null])"));
        CPPUNIT_ASSERT_EQUAL(10.123f, b->column(0).get<float>(0));
        CPPUNIT_ASSERT_EQUAL(1.7976931348623157e308, b->column(1).get<double>(0));
        CPPUNIT_ASSERT(b->column(0).is_null(1));  // NaN/Inf arrive as null
        CPPUNIT_ASSERT_EQUAL(-0.5, b->column(1).get<double>(1));
        CPPUNIT_ASSERT_EQUAL(3.0f, b->column(0).get<float>(2));
        CPPUNIT_ASSERT_EQUAL(std::uint8_t(1), b->column(2).get<std::uint8_t>(0));
        CPPUNIT_ASSERT_EQUAL(std::uint8_t(0), b->column(2).get<std::uint8_t>(1));
        CPPUNIT_ASSERT(b->column(2).is_null(2));
    }
    void strings() {
        auto b = one_block(body(R"(["v","VARCHAR",20],["n","NCHAR",10])",
                                R"(["a\"b\\c\n\t\u0001","\u4e2d\u6587"],["caf\u00e9","\ud83d\ude00 emoji"],)"
                                R"(["",null],[null,"北京"])"));
        CPPUNIT_ASSERT_EQUAL(std::string("a\"b\\c\n\t\x01"), std::string(b->column(0).bytes(0)));
        CPPUNIT_ASSERT_EQUAL(std::string("中文"), std::string(b->column(1).bytes(0)));
        CPPUNIT_ASSERT_EQUAL(std::string("café"), std::string(b->column(0).bytes(1)));
        CPPUNIT_ASSERT_EQUAL(std::string("\xF0\x9F\x98\x80 emoji"), std::string(b->column(1).bytes(1)));  // surrogate pair
        CPPUNIT_ASSERT(!b->column(0).is_null(2));
        CPPUNIT_ASSERT_EQUAL(std::string(), std::string(b->column(0).bytes(2)));
        CPPUNIT_ASSERT(b->column(1).is_null(2));
        CPPUNIT_ASSERT(b->column(0).is_null(3));
        CPPUNIT_ASSERT_EQUAL(std::string("北京"), std::string(b->column(1).bytes(3)));
        CPPUNIT_ASSERT(b->column(1).text_encoding() == TextEncoding::Utf8);
    }
    void json_column() {
        auto b = one_block(body(R"(["t","JSON",4095])",
                                R"([{"table":"t1","n":[1,2,{"x":null}]}],["t1"],[12.5],[null],[true])"));
        CPPUNIT_ASSERT_EQUAL(std::string(R"({"table":"t1","n":[1,2,{"x":null}]})"), std::string(b->column(0).bytes(0)));
        CPPUNIT_ASSERT_EQUAL(std::string("\"t1\""), std::string(b->column(0).bytes(1)));
        CPPUNIT_ASSERT_EQUAL(std::string("12.5"), std::string(b->column(0).bytes(2)));
        CPPUNIT_ASSERT(b->column(0).is_null(3));
        CPPUNIT_ASSERT_EQUAL(std::string("true"), std::string(b->column(0).bytes(4)));
    }
    void binary_types() {
        auto b = one_block(body(R"(["vb","VARBINARY",10],["g","GEOMETRY",100],["bl","BLOB",4194304])",
                                R"(["aabbcc","010100000000000000000059400000000000005940",""],[null,null,"00ff"])"));
        CPPUNIT_ASSERT_EQUAL(std::string("\xaa\xbb\xcc"), std::string(b->column(0).bytes(0)));
        CPPUNIT_ASSERT_EQUAL(std::size_t(21), b->column(1).bytes(0).size());
        CPPUNIT_ASSERT_EQUAL(char(0x01), b->column(1).bytes(0)[0]);
        CPPUNIT_ASSERT_EQUAL(std::string(), std::string(b->column(2).bytes(0)));
        CPPUNIT_ASSERT(b->column(0).is_null(1));
        CPPUNIT_ASSERT_EQUAL(std::string("\x00\xff", 2), std::string(b->column(2).bytes(1)));
    }
    void decimal_columns() {
        auto r = decode_sql_response(body(R"J(["d64","DECIMAL(10,4)",8],["d128","DECIMAL(38,10)",16])J",
                                          R"(["-12.3400","4467440737095516.1230000000"],["0.0001","-0.0000000001"],)"
                                          R"([null,"-9999999999999999999999999999.9999999999"])"));
        const Fields& f = r->fields();
        CPPUNIT_ASSERT(f[0].type == TypeCode::Decimal64);
        CPPUNIT_ASSERT_EQUAL(std::uint8_t(10), f[0].decimal_precision);
        CPPUNIT_ASSERT_EQUAL(std::uint8_t(4), f[0].decimal_scale);
        CPPUNIT_ASSERT(f[1].type == TypeCode::Decimal);
        CPPUNIT_ASSERT_EQUAL(std::uint8_t(38), f[1].decimal_precision);
        auto b = r->next_block();
        CPPUNIT_ASSERT_EQUAL(std::int64_t(-123400), b->column(0).get<std::int64_t>(0));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(1), b->column(0).get<std::int64_t>(1));
        CPPUNIT_ASSERT(b->column(0).is_null(2));
        auto i128 = [&](std::size_t row) {
            std::uint64_t lo;
            std::int64_t hi;
            std::memcpy(&lo, b->column(1).fixed_data() + row * 16, 8);
            std::memcpy(&hi, b->column(1).fixed_data() + row * 16 + 8, 8);
            return std::make_pair(lo, hi);
        };
        CPPUNIT_ASSERT_EQUAL(std::string("4467440737095516.1230000000"),
                             format_decimal(i128(0).first, i128(0).second, 10));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(-1), i128(1).second);
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(0) - 1, i128(1).first);
        CPPUNIT_ASSERT_EQUAL(std::string("-9999999999999999999999999999.9999999999"),
                             format_decimal(i128(2).first, i128(2).second, 10));
    }
    void timestamps_ms_us_ns() {
        Precision p;
        auto b = one_block(body(R"(["ts","TIMESTAMP",8])",
                                R"(["2023-11-15T06:13:20.001+08:00"],["1969-12-31T23:59:59.999Z"],[null],["2023-11-14T22:13:20.5Z"])"),
                           &p);
        CPPUNIT_ASSERT(p == Precision::Milli);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(1700000000001), b->column(0).get<std::int64_t>(0));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(-1), b->column(0).get<std::int64_t>(1));
        CPPUNIT_ASSERT(b->column(0).is_null(2));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(1700000000500), b->column(0).get<std::int64_t>(3));

        b = one_block(body(R"(["ts","TIMESTAMP",8])", R"(["2023-11-14T22:13:20.000001Z"],["1970-01-01T08:00:00.000000+08:00"])"), &p);
        CPPUNIT_ASSERT(p == Precision::Micro);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(1700000000000001), b->column(0).get<std::int64_t>(0));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(0), b->column(0).get<std::int64_t>(1));

        b = one_block(body(R"(["ts","TIMESTAMP",8])", R"(["2023-11-14T17:13:20.123456789-05:00"],["1969-12-31T23:59:59.999999999Z"])"), &p);
        CPPUNIT_ASSERT(p == Precision::Nano);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(1700000000123456789), b->column(0).get<std::int64_t>(0));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(-1), b->column(0).get<std::int64_t>(1));
    }
    void precision_from_later_row() {
        std::string data;
        for (int i = 0; i < 5000; ++i) data += "[null,1],";
        data += R"(["2023-11-14T22:13:20.000000001Z",2])";
        auto r = decode_sql_response(body(R"(["ts","TIMESTAMP",8],["v","INT",4])", data));
        CPPUNIT_ASSERT(r->precision() == Precision::Nano);
        auto b1 = r->next_block();
        CPPUNIT_ASSERT_EQUAL(std::size_t(4096), b1->rows());
        CPPUNIT_ASSERT(b1->column(0).is_null(0));
        auto b2 = r->next_block();
        CPPUNIT_ASSERT_EQUAL(std::size_t(905), b2->rows());
        CPPUNIT_ASSERT_EQUAL(std::int64_t(1700000000000000001), b2->column(0).get<std::int64_t>(904));
        CPPUNIT_ASSERT(!r->next_block());
        // no timestamp values at all: milliseconds
        auto r2 = decode_sql_response(body(R"(["ts","TIMESTAMP",8])", "[null]"));
        CPPUNIT_ASSERT(r2->precision() == Precision::Milli);
    }
    void affected_rows_shape() {
        auto r = decode_sql_response(R"({"code":0,"column_meta":[["affected_rows","INT",4]],"data":[[42]],"rows":1})");
        CPPUNIT_ASSERT(r->fields().empty());
        CPPUNIT_ASSERT_EQUAL(std::int64_t(42), r->affected_rows());
        CPPUNIT_ASSERT(!r->next_block());
        auto q = decode_sql_response(body(R"(["v","INT",4])", "[1]"));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(-1), q->affected_rows());
    }
    void zero_rows() {
        auto r = decode_sql_response(R"({"code":0,"column_meta":[["ts","TIMESTAMP",8],["v","NCHAR",8]],"data":[],"rows":0})");
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), r->fields().size());
        CPPUNIT_ASSERT(r->fields()[1].type == TypeCode::NChar);
        CPPUNIT_ASSERT_EQUAL(std::int32_t(8), r->fields()[1].length);
        CPPUNIT_ASSERT(r->precision() == Precision::Milli);
        CPPUNIT_ASSERT(!r->next_block());
    }
    void blocks_of_4096() {
        std::string data;
        for (int i = 0; i < 10000; ++i) data += (i ? "," : "") + std::string("[") + std::to_string(i) + "]";
        auto r = decode_sql_response(body(R"(["v","BIGINT",8])", data));
        std::size_t total = 0, blocks = 0;
        while (auto b = r->next_block()) {
            CPPUNIT_ASSERT(b->rows() <= 4096);
            CPPUNIT_ASSERT_EQUAL(std::int64_t(total), b->column(0).get<std::int64_t>(0));
            total += b->rows();
            ++blocks;
        }
        CPPUNIT_ASSERT_EQUAL(std::size_t(10000), total);
        CPPUNIT_ASSERT_EQUAL(std::size_t(3), blocks);
        // members in another order than taosAdapter writes them
        auto o = decode_sql_response(R"({"rows":1,"data":[[7]],"code":0,"column_meta":[["v","INT",4]]})");
        CPPUNIT_ASSERT_EQUAL(std::int32_t(7), o->next_block()->column(0).get<std::int32_t>(0));
    }
    void server_error_body() {
        try {
            decode_sql_response(R"({"code":9728,"desc":"syntax error near \"selec\"","timing":1})");
            CPPUNIT_FAIL("no exception");
        } catch (const ServerError& e) {
            CPPUNIT_ASSERT_EQUAL(0x2600, e.code());
            CPPUNIT_ASSERT_EQUAL(std::string("syntax error near \"selec\""), e.message());
        }
    }
    void auth_error_body() {
        try {
            decode_sql_response(R"({"code":855,"desc":"Authentication failure"})");
            CPPUNIT_FAIL("no exception");
        } catch (const AuthError& e) {
            CPPUNIT_ASSERT_EQUAL(0x0357, e.code());
        }
    }
    void v2_body() {
        auto msg = expect_throw<NotSupportedError>(R"({"status":"succ","head":["ts"],"column_meta":[["ts",9,8]],"data":[],"rows":0})");
        CPPUNIT_ASSERT(contains(msg, "2.x"));
        expect_throw<NotSupportedError>(R"({"status":"error","code":534,"desc":"Syntax error in SQL"})");
    }
    void malformed_bodies() {
        expect_throw<ProtocolError>("");
        expect_throw<ProtocolError>("<html>502 Bad Gateway</html>");
        expect_throw<ProtocolError>(R"("memory exceeds threshold")");
        expect_throw<ProtocolError>("[1,2,3]");
        expect_throw<ProtocolError>(R"({"code":0,"data":[[1]]})");                                 // no column_meta
        expect_throw<ProtocolError>(R"({"code":0,"column_meta":[["v","INT",4]]})");                  // no data
        expect_throw<ProtocolError>(R"({"column_meta":[["v","INT",4]],"data":[]})");                 // no code
        expect_throw<ProtocolError>(R"({"code":"0","column_meta":[["v","INT",4]],"data":[]})");      // string code
        expect_throw<ProtocolError>(R"({"code":0,"column_meta":[["v","WIDGET",4]],"data":[]})");     // unknown type
        expect_throw<ProtocolError>(R"({"code":0,"column_meta":[["v","INT"]],"data":[]})");          // short meta
        expect_throw<ProtocolError>(R"({"code":0,"column_meta":[["v","INT",4]],"data":[[1],[2)");    // truncated
        expect_throw<ProtocolError>(R"({"code":0,"column_meta":[["v","INT",4]],"data":[[1,2]]})");   // too many values
        expect_throw<ProtocolError>(R"({"code":0,"column_meta":[["v","INT",4],["w","INT",4]],"data":[[1]]})");
        expect_throw<ProtocolError>(R"({"code":0,"column_meta":[["v","INT",4]],"data":[{"v":1}]})");  // row_with_meta
        expect_throw<ProtocolError>(std::string(R"({"code":0,"column_meta":[["v","VARCHAR",4]],"data":[[")") + "\xff\xfe" + "\"]]}");
        // A row broken while the precision is looked ahead for (tests/fuzz/regressions/rest_json).
        expect_throw<ProtocolError>(R"({"code":0,"column_meta":[["ts","TIMESTAMP",8]],"data":[[1,]x],"rows":1})");
    }
    void malformed_values() {
        auto msg = expect_throw<ProtocolError>(body(R"(["ok","INT",4],["c_int","INT",4])", R"([1,2],[3,"abc"])"));
        CPPUNIT_ASSERT_MESSAGE(msg, contains(msg, "c_int") && contains(msg, "row 1"));
        expect_throw<ProtocolError>(body(R"(["v","INT",4])", "[2147483648]"));
        expect_throw<ProtocolError>(body(R"(["v","TINYINT",1])", "[128]"));
        expect_throw<ProtocolError>(body(R"(["v","BIGINT",8])", "[1.5]"));
        expect_throw<ProtocolError>(body(R"(["v","BIGINT UNSIGNED",8])", "[-1]"));
        expect_throw<ProtocolError>(body(R"(["v","BIGINT UNSIGNED",8])", "[18446744073709551616]"));
        expect_throw<ProtocolError>(body(R"(["v","BOOL",1])", "[1]"));
        expect_throw<ProtocolError>(body(R"(["v","DOUBLE",8])", R"(["1.5"])"));
        expect_throw<ProtocolError>(body(R"(["v","VARCHAR",8])", "[12]"));
        msg = expect_throw<ProtocolError>(body(R"(["bin","VARBINARY",8])", R"(["abz0"])"));
        CPPUNIT_ASSERT(contains(msg, "bin"));
        expect_throw<ProtocolError>(body(R"(["v","VARBINARY",8])", R"(["abc"])"));
        msg = expect_throw<ProtocolError>(body(R"(["ts","TIMESTAMP",8])", R"(["2023-11-15 06:13"])"));
        CPPUNIT_ASSERT(contains(msg, "ts"));
        expect_throw<ProtocolError>(body(R"(["ts","TIMESTAMP",8])", "[1700000000000]"));
        // a later value more precise than the result's precision
        expect_throw<ProtocolError>(body(R"(["ts","TIMESTAMP",8])", R"(["2023-11-15T06:13:20.001Z"],["2023-11-15T06:13:20.000001Z"])"));
        expect_throw<ProtocolError>(body(R"J(["d","DECIMAL(5,2)",8])J", R"(["1234.5"])"));
        expect_throw<ProtocolError>(body(R"J(["d","DECIMAL(5,2)",8])J", R"(["1.234"])"));
        expect_throw<ProtocolError>(body(R"J(["d","DECIMAL(5,2)",8])J", R"(["abc"])"));
        // the error sticks: the result does not resume after a bad row
        auto r = decode_sql_response(body(R"(["v","INT",4])", R"([1],["x"])"));
        CPPUNIT_ASSERT_THROW(r->next_block(), ProtocolError);
        CPPUNIT_ASSERT_THROW(r->next_block(), ProtocolError);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(CodecTest);
CPPUNIT_TEST_SUITE_REGISTRATION(DecoderTest);
