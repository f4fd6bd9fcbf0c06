// The all-types table the end-to-end suites share (taos-ws and taos-native over the simulator):
// its schema, the two rows the query tests insert (every column set, then every column null), and
// the checks on what a `select * from st` brings back. Checks that differ by transport stay in
// each suite.
#pragma once

#include <cstdint>
#include <cstring>
#include <memory>
#include <string>

#include <cppunit/extensions/HelperMacros.h>

#include "taoslink/block.hpp"
#include "taoslink/connection.hpp"
#include "taoslink/types.hpp"
#include "ws_test_util.hpp"

namespace all_types {

/// Creates database `db` (microsecond precision, dropped first), selects it and creates stable
/// `st`: one column of every type after ts, and a JSON tag.
inline void create_table(taoslink::Connection& c, const std::string& db) {
    c.execute("drop database if exists " + db);
    c.execute("create database " + db + " precision 'us'");
    c.select_db(db);
    CPPUNIT_ASSERT_EQUAL(db, c.database());
    c.execute(
        "create stable st (ts timestamp, b bool, i8 tinyint, i16 smallint, i32 int, i64 bigint, u8 tinyint unsigned, "
        "u16 smallint unsigned, u32 int unsigned, u64 bigint unsigned, f float, d double, s varchar(20), n nchar(10), "
        "vb varbinary(10), g geometry(50), d64 decimal(10,2), d128 decimal(30,4)) tags (j json)");
}

/// Inserts the two rows check_block expects into t1 (tag {"k":1}).
inline const char* const kInsertRows =
    "insert into t1 using st tags ('{\"k\":1}') values (1700000000000000, true, -8, -16, -32, -64, 8, 16, 32, "
    "18446744073709551615, 1.5, 2.25, 'hello', '你好🙂', '\\x0a0b', 'POINT(1 2)', 12.34, -123456789012345.6789) "
    "(1700000000000001, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, "
    "null)";

/// The fields of `select * from st` that every transport reports alike.
inline void check_fields(const taoslink::Fields& f) {
    using taoslink::TypeCode;
    CPPUNIT_ASSERT_EQUAL(std::size_t(19), f.size());
    CPPUNIT_ASSERT(f[13].type == TypeCode::NChar);
    CPPUNIT_ASSERT_EQUAL(std::int32_t(10), f[13].length);
    CPPUNIT_ASSERT(f[16].type == TypeCode::Decimal64);
    CPPUNIT_ASSERT(f[17].type == TypeCode::Decimal);
    CPPUNIT_ASSERT(f[18].type == TypeCode::Json);
}

/// The block of `select * from st` over the two rows: the first with every value, the second null
/// in every column but ts and the tag.
inline void check_block(const taoslink::Block& b) {
    using ws_test::ucs4_to_utf8;
    CPPUNIT_ASSERT_EQUAL(std::size_t(2), b.rows());
    CPPUNIT_ASSERT_EQUAL(std::int64_t(1700000000000000), b.column(0).get<std::int64_t>(0));
    CPPUNIT_ASSERT_EQUAL(std::int64_t(1700000000000001), b.column(0).get<std::int64_t>(1));
    for (std::size_t col = 1; col <= 17; ++col) CPPUNIT_ASSERT(b.column(col).is_null(1));
    CPPUNIT_ASSERT_EQUAL(std::uint8_t(1), b.column(1).get<std::uint8_t>(0));
    CPPUNIT_ASSERT_EQUAL(std::int8_t(-8), b.column(2).get<std::int8_t>(0));
    CPPUNIT_ASSERT_EQUAL(std::int16_t(-16), b.column(3).get<std::int16_t>(0));
    CPPUNIT_ASSERT_EQUAL(std::int32_t(-32), b.column(4).get<std::int32_t>(0));
    CPPUNIT_ASSERT_EQUAL(std::int64_t(-64), b.column(5).get<std::int64_t>(0));
    CPPUNIT_ASSERT_EQUAL(std::uint8_t(8), b.column(6).get<std::uint8_t>(0));
    CPPUNIT_ASSERT_EQUAL(std::uint16_t(16), b.column(7).get<std::uint16_t>(0));
    CPPUNIT_ASSERT_EQUAL(std::uint32_t(32), b.column(8).get<std::uint32_t>(0));
    CPPUNIT_ASSERT_EQUAL(std::uint64_t(18446744073709551615ull), b.column(9).get<std::uint64_t>(0));
    CPPUNIT_ASSERT_EQUAL(1.5f, b.column(10).get<float>(0));
    CPPUNIT_ASSERT_EQUAL(2.25, b.column(11).get<double>(0));
    CPPUNIT_ASSERT_EQUAL(std::string("hello"), std::string(b.column(12).bytes(0)));
    CPPUNIT_ASSERT(b.column(13).text_encoding() == taoslink::TextEncoding::Ucs4);
    CPPUNIT_ASSERT_EQUAL(std::string("你好🙂"), ucs4_to_utf8(b.column(13).bytes(0)));
    CPPUNIT_ASSERT_EQUAL(std::string("\x0a\x0b"), std::string(b.column(14).bytes(0)));
    CPPUNIT_ASSERT_EQUAL(std::size_t(21), b.column(15).bytes(0).size());  // WKB point
    CPPUNIT_ASSERT_EQUAL(std::int64_t(1234), b.column(16).get<std::int64_t>(0));
    std::uint64_t lo;
    std::int64_t hi;
    std::memcpy(&lo, b.column(17).fixed_data(), 8);
    std::memcpy(&hi, b.column(17).fixed_data() + 8, 8);
    CPPUNIT_ASSERT_EQUAL(std::string("-123456789012345.6789"), taoslink::format_decimal(lo, hi, 4));
    CPPUNIT_ASSERT_EQUAL(std::string("{\"k\":1}"), std::string(b.column(18).bytes(0)));
}

/// What select_all read, for the checks a transport adds.
struct Selected {
    taoslink::Fields fields;
    std::shared_ptr<const taoslink::Block> block;
};

/// Runs `select * from st` over the two rows and checks what every transport returns alike: no
/// affected rows, microseconds, check_fields, and one block that passes check_block.
inline Selected select_all(taoslink::Connection& c) {
    auto r = c.query("select * from st");
    CPPUNIT_ASSERT_EQUAL(std::int64_t(-1), r->affected_rows());
    CPPUNIT_ASSERT(r->precision() == taoslink::Precision::Micro);
    check_fields(r->fields());
    auto blocks = ws_test::all_blocks(*r);
    CPPUNIT_ASSERT_EQUAL(std::size_t(1), blocks.size());
    check_block(*blocks[0]);
    CPPUNIT_ASSERT(r->next_block() == nullptr);
    return {r->fields(), blocks[0]};
}

}  // namespace all_types
