// The stmt2 bind payload and frame (protocol.md §2.10) byte for byte, and the encoder's checks.
#include <cstring>
#include <string>
#include <vector>

#include <cppunit/extensions/HelperMacros.h>

#include "connection.hpp"
#include "options.hpp"
#include "stmt2_payload.hpp"
#include "taoslink/error.hpp"
#include "ws_test_util.hpp"

using namespace taoslink;
using namespace taoslink::ws;
using ws_test::fixed;
using ws_test::var;

namespace {

std::string hex(const std::string& s) {
    static const char* d = "0123456789abcdef";
    std::string out;
    for (unsigned char c : s) {
        out += d[c >> 4];
        out += d[c & 15];
    }
    return out;
}


}  // namespace

class Stmt2PayloadTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(Stmt2PayloadTest);
    CPPUNIT_TEST(worked_example_of_the_protocol);
    CPPUNIT_TEST(var_columns_and_nulls);
    CPPUNIT_TEST(two_tables_and_query_shape);
    CPPUNIT_TEST(rejects_bad_input);
    CPPUNIT_TEST(one_pass_frame_equals_payload_and_header);
    CPPUNIT_TEST(dsn_stmt_parameter);
    CPPUNIT_TEST_SUITE_END();

public:
    void worked_example_of_the_protocol() {
        // §2.10.2: insert into ? using stb tags(?) values(?,?); d1, tag INT 7, ts [..00, ..01], INT [5, NULL]
        Stmt2Table t;
        t.has_name = true;
        t.name = "d1";
        t.tags = {fixed<std::int32_t>(TypeCode::Int, {7})};
        t.columns = {fixed<std::int64_t>(TypeCode::Timestamp, {1700000000000, 1700000000001}),
                     fixed<std::int32_t>(TypeCode::Int, {5, 0}, {0, 1})};
        const std::string p = encode_stmt2_payload({t});
        CPPUNIT_ASSERT_EQUAL(std::size_t(125), p.size());
        CPPUNIT_ASSERT_EQUAL(std::string("7d000000" "01000000" "01000000" "02000000" "1c000000" "21000000" "3b000000"
                                         "0300" "643100"
                                         "16000000" "16000000" "04000000" "01000000" "00" "00" "04000000" "07000000"
                                         "3e000000"
                                         "23000000" "09000000" "02000000" "0000" "00" "10000000"
                                         "0068e5cf8b010000" "0168e5cf8b010000"
                                         "1b000000" "04000000" "02000000" "0001" "00" "08000000" "0500000000000000"),
                             hex(p));
        CPPUNIT_ASSERT_EQUAL(std::string("2100000000000000" "0100000000000000" "0900000000000000" "0100" "ffffffff"),
                             hex(stmt2_bind_frame(0x21, 1, p).substr(0, 30)));
        CPPUNIT_ASSERT_EQUAL(std::size_t(155), stmt2_bind_frame(0x21, 1, p).size());
    }

    void var_columns_and_nulls() {
        // UTF-8 NCHAR with lengths; a NULL row contributes no bytes (its data is skipped); an
        // all-NULL fixed column has buffer_length 0.
        Stmt2Table t;
        t.columns = {var(TypeCode::NChar, {"hé"}), fixed<std::int32_t>(TypeCode::Int, {0}, {1})};
        const std::string p = encode_stmt2_payload({t});
        // header: no names, no tags, cols at 28
        CPPUNIT_ASSERT_EQUAL(std::string("00000000" "00000000" "1c000000"), hex(p.substr(16, 12)));
        // column section: table length, NCHAR record (have_length 1, length 3, buffer "hé")
        CPPUNIT_ASSERT_EQUAL(std::string("0a000000" "01000000" "00" "01" "03000000" "03000000" "68c3a9"),
                             hex(p.substr(36, 21)));
        // INT record: all NULL -> buffer_length 0
        CPPUNIT_ASSERT_EQUAL(std::string("12000000" "04000000" "01000000" "01" "00" "00000000"), hex(p.substr(57)));

        Stmt2Table v;
        v.columns = {var(TypeCode::VarChar, {"ab", "zz", "c"}, {0, 1, 0})};
        const std::string q = encode_stmt2_payload({v});
        CPPUNIT_ASSERT_EQUAL(std::string("000100" "01" "020000000000000001000000" "03000000" "616263"), hex(q.substr(44)));
    }

    void two_tables_and_query_shape() {
        Stmt2Table a, b;
        a.has_name = b.has_name = true;
        a.name = "t1";
        b.name = "db.t22";
        a.columns = {fixed<std::int64_t>(TypeCode::Timestamp, {1})};
        b.columns = {fixed<std::int64_t>(TypeCode::Timestamp, {2, 3})};
        const std::string p = encode_stmt2_payload({a, b});
        CPPUNIT_ASSERT_EQUAL(std::string("02000000" "00000000" "01000000" "1c000000" "00000000" "2a000000"), hex(p.substr(4, 24)));
        CPPUNIT_ASSERT_EQUAL(std::string("0300" "0700" "743100" "64622e74323200"), hex(p.substr(28, 14)));
        // per-table column lengths: 1 row = 4+4+4+1+1+4+8 = 26, 2 rows = 35
        CPPUNIT_ASSERT_EQUAL(std::string("1a000000" "23000000"), hex(p.substr(42, 8)));
        CPPUNIT_ASSERT_EQUAL(p.size(), std::size_t(42 + 8 + 26 + 35));
    }

    void one_pass_frame_equals_payload_and_header() {
        // encode_stmt2_bind_frame writes header and payload in one buffer; byte for byte the
        // same as the two-step frame, whatever the lent buffer held before.
        Stmt2Table a, b;
        a.has_name = b.has_name = true;
        a.name = "d1";
        b.name = "d2";
        a.tags = b.tags = {fixed<std::int32_t>(TypeCode::Int, {7})};
        a.columns = {fixed<std::int64_t>(TypeCode::Timestamp, {1, 2, 3}), var(TypeCode::VarChar, {"ab", "", "xyz"}),
                     var(TypeCode::NChar, {"é", "q", "r"}, {0, 1, 0}), fixed<std::int32_t>(TypeCode::Int, {1, 2, 3}, {1, 1, 1})};
        b.columns = {fixed<std::int64_t>(TypeCode::Timestamp, {4}), var(TypeCode::VarChar, {"z"}),
                     var(TypeCode::NChar, {"w"}), fixed<std::int32_t>(TypeCode::Int, {9})};
        const std::vector<Stmt2Table> tables{a, b};
        const std::string expected = stmt2_bind_frame(0x1234, 77, encode_stmt2_payload(tables));
        std::string lent(4096, 'x');
        lent.resize(3);
        std::string frame = encode_stmt2_bind_frame(77, tables, -1, std::move(lent));
        set_request_id(frame, 0x1234);
        CPPUNIT_ASSERT_EQUAL(hex(expected), hex(frame));
        CPPUNIT_ASSERT_EQUAL(hex(expected), hex([&] {
                                 std::string f = encode_stmt2_bind_frame(77, tables);
                                 set_request_id(f, 0x1234);
                                 return f;
                             }()));
    }

    void rejects_bad_input() {
        auto throws = [](std::vector<Stmt2Table> t) {
            try {
                encode_stmt2_payload(t);
            } catch (const UsageError&) {
                return true;
            }
            return false;
        };
        CPPUNIT_ASSERT(throws({}));
        Stmt2Table ok;
        ok.columns = {fixed<std::int32_t>(TypeCode::Int, {1, 2})};
        Stmt2Table t = ok;
        t.columns[0].data.pop_back();
        CPPUNIT_ASSERT(throws({t}));  // data size
        t = ok;
        t.columns.push_back(fixed<std::int32_t>(TypeCode::Int, {1}));
        CPPUNIT_ASSERT(throws({t}));  // row counts differ
        t = ok;
        t.columns[0].is_null = {0};
        CPPUNIT_ASSERT(throws({t}));  // is_null size
        t = ok;
        t.has_name = true;
        CPPUNIT_ASSERT(throws({t}));  // empty name
        Stmt2Table named = ok;
        named.has_name = true;
        named.name = "x";
        CPPUNIT_ASSERT(throws({named, ok}));  // names for some tables only
        t = named;
        t.tags = {fixed<std::int32_t>(TypeCode::Int, {1, 2})};
        CPPUNIT_ASSERT(throws({t}));  // a tag with two rows
        t = ok;
        t.columns = {var(TypeCode::VarChar, {"ab"})};
        t.columns[0].lengths = {5};
        CPPUNIT_ASSERT(throws({t}));  // lengths beyond the data
        t.columns[0].lengths = {};
        CPPUNIT_ASSERT(throws({t}));  // no lengths
        t.columns = {fixed<std::int64_t>(TypeCode::Decimal64, {1})};
        CPPUNIT_ASSERT(throws({t}));  // DECIMAL must be text
    }

    void dsn_stmt_parameter() {
        CPPUNIT_ASSERT(options_from_dsn(parse_dsn("ws://h")).stmt == StmtApi::Auto);
        CPPUNIT_ASSERT(options_from_dsn(parse_dsn("ws://h?stmt=v1")).stmt == StmtApi::V1);
        CPPUNIT_ASSERT(options_from_dsn(parse_dsn("ws://h?stmt=v2")).stmt == StmtApi::V2);
        CPPUNIT_ASSERT_THROW(options_from_dsn(parse_dsn("ws://h?stmt=v3")), DsnError);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(Stmt2PayloadTest);
