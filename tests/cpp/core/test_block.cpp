// Raw block decoding (protocol.md §4) and BlockBuilder: the §4.7 worked example, every type,
// and corrupt input that must throw ProtocolError, never crash.
#include <cppunit/extensions/HelperMacros.h>

#include <cmath>
#include <limits>
#include <random>

#include "taoslink/block.hpp"
#include "taoslink/error.hpp"
#include "test_util.hpp"

using namespace taoslink;

namespace {

// protocol.md §4.7: 2 rows of (INT, VARCHAR(10), TIMESTAMP ms).
const std::string kExample = test::unhex(
    "0100000062000000020000000300000000000080000000000000000004040000"
    "00080c0000000908000000080000000900000010000000400100000000000000"
    "000000000400000002006162030078797a000068e5cf8b0100000168e5cf8b01"
    "0000");

// §4.7 variant: row 1 of the VARCHAR column NULL, the INT present.
const std::string kVarNullVariant = test::unhex(
    "01000000" "5d000000" "02000000" "03000000" "00000080" "0000000000000000"
    "0404000000" "080c000000" "0908000000"
    "08000000" "04000000" "10000000"
    "00" "01000000" "07000000"
    "00000000" "ffffffff" "02006162"
    "00" "0068e5cf8b010000" "0168e5cf8b010000");

// §4.7 as NCHAR(10), UCS-4 payloads.
const std::string kNcharVariant = test::unhex(
    "01000000" "71000000" "02000000" "03000000" "00000080" "0000000000000000"
    "0404000000" "0a2a000000" "0908000000"
    "08000000" "18000000" "10000000"
    "40" "01000000" "00000000"
    "00000000" "0a000000"
    "0800" "6100000062000000"
    "0c00" "78000000790000007a000000"
    "00" "0068e5cf8b010000" "0168e5cf8b010000");

std::shared_ptr<const Block> decode(const std::string& bytes, TextEncoding enc = TextEncoding::Ucs4) {
    return Block::decode_copy(bytes, enc);
}

// `bytes` with the int32 at `at` set to `v` (patched32) or the byte at `at` set to `v` (patched8).
std::string patched32(std::string bytes, std::size_t at, std::int32_t v) {
    bytes.replace(at, 4, reinterpret_cast<const char*>(&v), 4);
    return bytes;
}
std::string patched8(std::string bytes, std::size_t at, int v) {
    bytes[at] = static_cast<char>(v);
    return bytes;
}

// Touches every value of every column, so a decoder that let a bad offset through would read out
// of bounds here (and ASan would report it).
std::size_t walk(const Block& b) {
    std::size_t sum = 0;
    for (std::size_t c = 0; c < b.columns(); ++c) {
        const ColumnView& col = b.column(c);
        for (std::size_t r = 0; r < col.rows(); ++r) {
            if (col.is_null(r)) continue;
            if (col.is_var()) {
                for (char ch : col.bytes(r)) sum += static_cast<unsigned char>(ch);
            } else {
                const int w = fixed_size(col.type());
                const std::uint8_t* p = col.fixed_data() + r * static_cast<std::size_t>(w);
                for (int i = 0; i < w; ++i) sum += p[i];
            }
        }
    }
    return sum;
}

// Decodes `bytes`; returns true if it decoded, false on ProtocolError; anything else fails the test.
bool decodes(const std::string& bytes) {
    try {
        auto b = Block::decode(nullptr, reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
        walk(*b);
        return true;
    } catch (const ProtocolError& e) {
        CPPUNIT_ASSERT(test::contains(e.what(), "corrupt raw block: "));
        return false;
    }
}

}  // namespace

class BlockDecodeTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(BlockDecodeTest);
    CPPUNIT_TEST(testWorkedExample);
    CPPUNIT_TEST(testVarNullVariant);
    CPPUNIT_TEST(testNcharVariant);
    CPPUNIT_TEST(testTrailingBytesAllowed);
    CPPUNIT_TEST(testEmptyBlocks);
    CPPUNIT_TEST(testEveryTruncation);
    CPPUNIT_TEST(testHeaderFields);
    CPPUNIT_TEST(testColumnInfoAndLengths);
    CPPUNIT_TEST(testOffsets);
    CPPUNIT_TEST(testDecimalDescriptor);
    CPPUNIT_TEST(testHugeCounts);
    CPPUNIT_TEST(testRandomMutations);
    CPPUNIT_TEST_SUITE_END();

public:
    void testWorkedExample() {
        CPPUNIT_ASSERT_EQUAL(std::size_t{98}, kExample.size());
        auto b = decode(kExample);
        CPPUNIT_ASSERT_EQUAL(std::size_t{2}, b->rows());
        CPPUNIT_ASSERT_EQUAL(std::size_t{3}, b->columns());
        CPPUNIT_ASSERT_EQUAL(std::uint64_t{0}, b->group_id());
        CPPUNIT_ASSERT(b->raw() == kExample);

        const ColumnView& i = b->column(0);
        CPPUNIT_ASSERT(i.type() == TypeCode::Int);
        CPPUNIT_ASSERT(!i.is_var());
        CPPUNIT_ASSERT(!i.is_null(0));
        CPPUNIT_ASSERT(i.is_null(1));
        CPPUNIT_ASSERT_EQUAL(std::int32_t{1}, i.get<std::int32_t>(0));
        CPPUNIT_ASSERT_EQUAL(std::uint8_t{0x40}, i.null_bitmap()[0]);

        const ColumnView& s = b->column(1);
        CPPUNIT_ASSERT(s.type() == TypeCode::VarChar);
        CPPUNIT_ASSERT(s.is_var());
        CPPUNIT_ASSERT(s.fixed_data() == nullptr);
        CPPUNIT_ASSERT(!s.is_null(0) && !s.is_null(1));
        CPPUNIT_ASSERT_EQUAL(std::string("ab"), std::string(s.bytes(0)));
        CPPUNIT_ASSERT_EQUAL(std::string("xyz"), std::string(s.bytes(1)));

        const ColumnView& t = b->column(2);
        CPPUNIT_ASSERT(t.type() == TypeCode::Timestamp);
        CPPUNIT_ASSERT(!t.is_null(0) && !t.is_null(1));
        CPPUNIT_ASSERT_EQUAL(std::int64_t{1700000000000}, t.get<std::int64_t>(0));
        CPPUNIT_ASSERT_EQUAL(std::int64_t{1700000000001}, t.get<std::int64_t>(1));
        CPPUNIT_ASSERT_THROW(b->column(3), std::out_of_range);
    }

    void testVarNullVariant() {
        CPPUNIT_ASSERT_EQUAL(std::size_t{93}, kVarNullVariant.size());
        auto b = decode(kVarNullVariant);
        CPPUNIT_ASSERT(!b->column(0).is_null(1));
        CPPUNIT_ASSERT_EQUAL(std::int32_t{7}, b->column(0).get<std::int32_t>(1));
        CPPUNIT_ASSERT_EQUAL(std::string("ab"), std::string(b->column(1).bytes(0)));
        CPPUNIT_ASSERT(b->column(1).is_null(1));
        CPPUNIT_ASSERT(b->column(1).bytes(1).empty());
    }

    void testNcharVariant() {
        CPPUNIT_ASSERT_EQUAL(std::size_t{113}, kNcharVariant.size());
        auto b = decode(kNcharVariant);
        const ColumnView& n = b->column(1);
        CPPUNIT_ASSERT(n.type() == TypeCode::NChar);
        CPPUNIT_ASSERT(n.text_encoding() == TextEncoding::Ucs4);
        CPPUNIT_ASSERT_EQUAL(std::string("6100000062000000"), test::hex(n.bytes(0)));
        CPPUNIT_ASSERT_EQUAL(std::string("78000000790000007a000000"), test::hex(n.bytes(1)));
        CPPUNIT_ASSERT(decode(kNcharVariant, TextEncoding::Utf8)->column(1).text_encoding() == TextEncoding::Utf8);
    }

    void testTrailingBytesAllowed() {
        // A buffer longer than the block is fine; the block's extent is its total length.
        auto b = decode(kExample + std::string("garbage"));
        CPPUNIT_ASSERT_EQUAL(std::size_t{98}, b->raw().size());
        CPPUNIT_ASSERT_EQUAL(std::string("xyz"), std::string(b->column(1).bytes(1)));
    }

    void testEmptyBlocks() {
        auto none = decode(test::unhex("01000000 1c000000 00000000 00000000 00000080 0000000000000000"));
        CPPUNIT_ASSERT_EQUAL(std::size_t{0}, none->rows());
        CPPUNIT_ASSERT_EQUAL(std::size_t{0}, none->columns());
        // 0 rows, 2 columns (INT, VARCHAR): empty sections.
        auto zero = decode(test::unhex("01000000 2e000000 00000000 02000000 00000080 0000000000000000"
                                       "0404000000 080c000000 00000000 00000000"));
        CPPUNIT_ASSERT_EQUAL(std::size_t{0}, zero->rows());
        CPPUNIT_ASSERT_EQUAL(std::size_t{2}, zero->columns());
        CPPUNIT_ASSERT_EQUAL(std::size_t{0}, zero->column(1).rows());
    }

    void testEveryTruncation() {
        for (std::size_t len = 0; len < kExample.size(); ++len) {
            const std::string cut = kExample.substr(0, len);
            bool threw = false;
            try {
                Block::decode(nullptr, reinterpret_cast<const std::uint8_t*>(cut.data()), cut.size());
            } catch (const ProtocolError&) {
                threw = true;
            }
            CPPUNIT_ASSERT_MESSAGE("truncated to " + std::to_string(len), threw);
        }
        CPPUNIT_ASSERT_THROW(Block::decode(nullptr, nullptr, 0), ProtocolError);
        // Truncated and with the total length patched to match: still corrupt.
        for (std::size_t len = 28; len < kExample.size(); ++len) {
            CPPUNIT_ASSERT_MESSAGE("patched truncation to " + std::to_string(len),
                                   !decodes(patched32(kExample.substr(0, len), 4, static_cast<std::int32_t>(len))));
        }
    }

    void testHeaderFields() {
        struct {
            std::size_t at;
            std::int32_t value;
            const char* what;
        } table[] = {
            {0, 0, "version 0"},         {0, 3, "version 3"},          {0, -1, "version -1"},
            {4, 27, "total length 27"},  {4, 99, "total length 99"},   {4, 97, "block has 97"},
            {4, -1, "total length -1"},  {4, 0, "total length 0"},     {8, -1, "negative row count"},
            {8, 3, "data length"},       {8, 1, "data length"},        {8, 0, "data length"},
            {12, -1, "negative column count"}, {12, 0, "total length"}, {12, 2, ""},
            {12, 4, ""},                 {12, 11, "columns need"},
        };
        for (const auto& row : table) {
            EXPECT_THROW_AS(ProtocolError, decode(patched32(kExample, row.at, row.value)), e,
                            CPPUNIT_ASSERT_MESSAGE(std::string(row.what) + " vs " + e.what(),
                                                   test::contains(e.what(), row.what)));
        }
        // The flag and group id are not validated; the group id is reported.
        CPPUNIT_ASSERT(decodes(patched32(kExample, 16, 0)));
        CPPUNIT_ASSERT_EQUAL(std::uint64_t{42}, decode(patched32(kExample, 20, 42))->group_id());
    }

    void testColumnInfoAndLengths() {
        // Type codes: unknown, NULL, reserved MEDIUMBLOB, negative.
        for (int code : {0, 19, 22, 127, -1, -128}) {
            EXPECT_THROW_AS(ProtocolError, decode(patched8(kExample, 28, code)), e,
                            CPPUNIT_ASSERT_MESSAGE(e.what(), test::contains(e.what(), "unknown type code")));
        }
        // A fixed type of another width where INT was: the length no longer matches.
        for (int code : {1, 2, 3, 5, 7, 17, 21}) {
            CPPUNIT_ASSERT_MESSAGE(std::to_string(code), !decodes(patched8(kExample, 28, code)));
        }
        // Same width (UINT, FLOAT): decodes. The "bytes" of fixed types is not used.
        for (int code : {6, 13}) CPPUNIT_ASSERT(decodes(patched8(kExample, 28, code)));
        CPPUNIT_ASSERT(decodes(patched32(kExample, 29, 0)));
        // VARCHAR column turned fixed-width, TIMESTAMP turned var-width.
        CPPUNIT_ASSERT(!decodes(patched8(kExample, 33, 4)));
        CPPUNIT_ASSERT(!decodes(patched8(kExample, 38, 8)));
        // Every data length, altered.
        for (std::size_t c = 0; c < 3; ++c) {
            std::int32_t len;
            std::memcpy(&len, &kExample[43 + 4 * c], 4);
            for (std::int32_t delta : {-100, -2, -1, 1, 2, 100, 1 << 30}) {
                CPPUNIT_ASSERT_MESSAGE("column " + std::to_string(c) + " length " + std::to_string(len + delta),
                                       !decodes(patched32(kExample, 43 + 4 * c, len + delta)));
            }
            CPPUNIT_ASSERT(!decodes(patched32(kExample, 43 + 4 * c, std::numeric_limits<std::int32_t>::min())));
        }
    }

    void testOffsets() {
        // Row 0 offset at 64, row 1 at 68 (data area of 9 bytes: 02 00 'a' 'b' 03 00 'x' 'y' 'z').
        for (std::int32_t o = -5; o <= 12; ++o) {
            const bool ok = o == -1 || o == 0 || o == 4;
            CPPUNIT_ASSERT_EQUAL_MESSAGE("offset " + std::to_string(o), ok, decodes(patched32(kExample, 68, o)));
        }
        for (std::int32_t o : {std::numeric_limits<std::int32_t>::max(), std::numeric_limits<std::int32_t>::min()})
            CPPUNIT_ASSERT(!decodes(patched32(kExample, 64, o)));
        // Offsets may repeat and need not be in row order.
        auto b = decode(patched32(patched32(kExample, 64, 4), 68, 0));
        CPPUNIT_ASSERT_EQUAL(std::string("xyz"), std::string(b->column(1).bytes(0)));
        CPPUNIT_ASSERT_EQUAL(std::string("ab"), std::string(b->column(1).bytes(1)));
        // A length prefix that overruns the data area.
        CPPUNIT_ASSERT(!decodes(patched8(kExample, 76, 4)));
        CPPUNIT_ASSERT_EQUAL(std::string("xy"), std::string(decode(patched8(kExample, 76, 2))->column(1).bytes(1)));
    }

    void testDecimalDescriptor() {
        Fields f{{"d", TypeCode::Decimal, 16, 20, 4}};
        BlockBuilder builder(f);
        builder.append_int(0, -123400);
        const std::string good(builder.finish()->raw());
        CPPUNIT_ASSERT_EQUAL(std::string("04140010"), test::hex(good.substr(29, 4)));
        auto b = decode(good);
        CPPUNIT_ASSERT_EQUAL(std::uint8_t{4}, b->column(0).decimal_scale());
        // Wrong size byte, precision 0, precision 39, scale > precision.
        for (std::int32_t d : {decimal_descriptor(20, 4, 8), decimal_descriptor(0, 0, 16),
                               decimal_descriptor(39, 4, 16), decimal_descriptor(20, 21, 16)}) {
            EXPECT_THROW_AS(ProtocolError, decode(patched32(good, 29, d)), e,
                            CPPUNIT_ASSERT(test::contains(e.what(), "DECIMAL")));
        }
    }

    void testHugeCounts() {
        // Large row and column counts must be rejected by arithmetic that cannot wrap.
        for (std::int32_t rows : {std::numeric_limits<std::int32_t>::max(), 1 << 29, 1 << 30})
            CPPUNIT_ASSERT(!decodes(patched32(kExample, 8, rows)));
        for (std::int32_t cols : {std::numeric_limits<std::int32_t>::max(), 1 << 29, 477218589})
            CPPUNIT_ASSERT(!decodes(patched32(kExample, 12, cols)));
        // Rows so large that 4*rows + len would wrap 32 bits in a careless reader.
        CPPUNIT_ASSERT(!decodes(patched32(patched32(kExample, 8, 0x40000000), 47, 0)));
    }

    void testRandomMutations() {
        std::mt19937 rng(20240601);
        const std::string seeds[] = {kExample, kVarNullVariant, kNcharVariant};
        int decoded = 0, rejected = 0;
        for (int iter = 0; iter < 6000; ++iter) {
            std::string bytes = seeds[iter % 3];
            const int edits = 1 + static_cast<int>(rng() % 4);
            for (int k = 0; k < edits; ++k) {
                const std::size_t at = rng() % bytes.size();
                switch (rng() % 4) {
                    case 0: bytes[at] = static_cast<char>(rng()); break;          // random byte
                    case 1: bytes[at] = static_cast<char>(bytes[at] ^ (1 << (rng() % 8))); break;  // bit flip
                    case 2: bytes[at] = static_cast<char>(bytes[at] + 1); break;   // off by one
                    default: bytes.resize(bytes.size() - rng() % 4); break;        // truncate
                }
                if (bytes.empty()) break;
            }
            (decodes(bytes) ? decoded : rejected)++;
        }
        // Both outcomes happen: mutations of payload bytes decode, of lengths do not.
        CPPUNIT_ASSERT(decoded > 100);
        CPPUNIT_ASSERT(rejected > 100);
    }
};

class BlockBuilderTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(BlockBuilderTest);
    CPPUNIT_TEST(testReproducesWorkedExample);
    CPPUNIT_TEST(testEveryType);
    CPPUNIT_TEST(testBitmapIsMsbFirst);
    CPPUNIT_TEST(testRangeChecks);
    CPPUNIT_TEST(testWrongKind);
    CPPUNIT_TEST(testLengthsAndRows);
    CPPUNIT_TEST(testReuseAndEmpty);
    CPPUNIT_TEST_SUITE_END();

public:
    void testReproducesWorkedExample() {
        Fields f{{"i", TypeCode::Int, 4}, {"s", TypeCode::VarChar, 10}, {"ts", TypeCode::Timestamp, 8}};
        BlockBuilder b(f, TextEncoding::Ucs4);
        b.reserve(2);
        b.append_int(0, 1);
        b.append_bytes(1, "ab");
        b.append_int(2, 1700000000000);
        b.append_null(0);
        b.append_bytes(1, "xyz");
        b.append_int(2, 1700000000001);
        CPPUNIT_ASSERT_EQUAL(std::size_t{2}, b.rows());
        auto block = b.finish();
        CPPUNIT_ASSERT_EQUAL(test::hex(kExample), test::hex(block->raw()));

        BlockBuilder nchar({{"i", TypeCode::Int, 4}, {"n", TypeCode::NChar, 10}, {"ts", TypeCode::Timestamp, 8}},
                           TextEncoding::Ucs4);
        nchar.append_int(0, 1);
        nchar.append_bytes(1, test::unhex("6100000062000000"));
        nchar.append_int(2, 1700000000000);
        nchar.append_null(0);
        nchar.append_bytes(1, test::unhex("78000000790000007a000000"));
        nchar.append_int(2, 1700000000001);
        CPPUNIT_ASSERT_EQUAL(test::hex(kNcharVariant), test::hex(nchar.finish()->raw()));
    }

    void testEveryType() {
        const Fields fields{
            {"bool", TypeCode::Bool, 1},          {"i8", TypeCode::TinyInt, 1},
            {"i16", TypeCode::SmallInt, 2},       {"i32", TypeCode::Int, 4},
            {"i64", TypeCode::BigInt, 8},         {"f32", TypeCode::Float, 4},
            {"f64", TypeCode::Double, 8},         {"vc", TypeCode::VarChar, 20},
            {"ts", TypeCode::Timestamp, 8},       {"nc", TypeCode::NChar, 5},
            {"u8", TypeCode::UTinyInt, 1},        {"u16", TypeCode::USmallInt, 2},
            {"u32", TypeCode::UInt, 4},           {"u64", TypeCode::UBigInt, 8},
            {"js", TypeCode::Json, 4095},         {"vb", TypeCode::VarBinary, 8},
            {"dec", TypeCode::Decimal, 16, 38, 10}, {"blob", TypeCode::Blob, 0},
            {"geo", TypeCode::Geometry, 32},      {"d64", TypeCode::Decimal64, 8, 18, 2},
        };
        BlockBuilder b(fields);
        using L = std::numeric_limits<std::int64_t>;
        const std::string big_blob(70000, 'z');
        // Row 0: minimums / first values; row 1: maximums; row 2: NULL everywhere.
        for (int row = 0; row < 2; ++row) {
            const bool lo = row == 0;
            b.append_int(0, lo ? 0 : 1);
            b.append_int(1, lo ? -128 : 127);
            b.append_int(2, lo ? -32768 : 32767);
            b.append_int(3, lo ? std::numeric_limits<std::int32_t>::min() : std::numeric_limits<std::int32_t>::max());
            b.append_int(4, lo ? L::min() : L::max());
            b.append_double(5, lo ? -1.5 : 3.25);
            b.append_double(6, lo ? -std::numeric_limits<double>::max() : 1e300);
            b.append_bytes(7, lo ? "" : "héllo");
            b.append_int(8, lo ? -1 : 1700000000000);
            b.append_bytes(9, lo ? "日本" : "abc");
            b.append_uint(10, lo ? 0 : 255);
            b.append_uint(11, lo ? 0 : 65535);
            b.append_uint(12, lo ? 0 : 4294967295u);
            b.append_uint(13, lo ? 0 : std::numeric_limits<std::uint64_t>::max());
            b.append_bytes(14, lo ? "{\"k\":1}" : "null");
            b.append_bytes(15, lo ? std::string("\x00\x01", 2) : std::string("\xff"));
            if (lo)
                b.append_int128(16, 0, std::numeric_limits<std::int64_t>::min());
            else
                b.append_int(16, -5);
            b.append_bytes(17, lo ? std::string_view() : std::string_view(big_blob));
            b.append_bytes(18, test::unhex("0101000000000000000000594000000000000059 40"));
            b.append_int(19, lo ? -999 : 12345);
        }
        for (std::size_t c = 0; c < fields.size(); ++c) b.append_null(c);
        CPPUNIT_ASSERT_EQUAL(std::size_t{3}, b.rows());
        auto block = b.finish();
        CPPUNIT_ASSERT_EQUAL(std::size_t{0}, b.rows());

        // Re-decode the encoded bytes independently of the builder's own decode.
        auto again = Block::decode_copy(block->raw(), TextEncoding::Utf8);
        for (const auto* blk : {block.get(), again.get()}) {
            CPPUNIT_ASSERT_EQUAL(std::size_t{3}, blk->rows());
            CPPUNIT_ASSERT_EQUAL(fields.size(), blk->columns());
            for (std::size_t c = 0; c < fields.size(); ++c) {
                CPPUNIT_ASSERT_MESSAGE(fields[c].name, blk->column(c).type() == fields[c].type);
                CPPUNIT_ASSERT_MESSAGE(fields[c].name, !blk->column(c).is_null(0));
                CPPUNIT_ASSERT_MESSAGE(fields[c].name, !blk->column(c).is_null(1));
                CPPUNIT_ASSERT_MESSAGE(fields[c].name, blk->column(c).is_null(2));
                CPPUNIT_ASSERT_EQUAL_MESSAGE(fields[c].name, is_var_type(fields[c].type), blk->column(c).is_var());
            }
            auto& col = *blk;
            CPPUNIT_ASSERT_EQUAL(std::uint8_t{1}, col.column(0).get<std::uint8_t>(1));
            CPPUNIT_ASSERT_EQUAL(std::int8_t{-128}, col.column(1).get<std::int8_t>(0));
            CPPUNIT_ASSERT_EQUAL(std::int16_t{32767}, col.column(2).get<std::int16_t>(1));
            CPPUNIT_ASSERT_EQUAL(std::numeric_limits<std::int32_t>::min(), col.column(3).get<std::int32_t>(0));
            CPPUNIT_ASSERT_EQUAL(L::max(), col.column(4).get<std::int64_t>(1));
            CPPUNIT_ASSERT_EQUAL(-1.5f, col.column(5).get<float>(0));
            CPPUNIT_ASSERT_EQUAL(1e300, col.column(6).get<double>(1));
            CPPUNIT_ASSERT_EQUAL(std::string(""), std::string(col.column(7).bytes(0)));
            CPPUNIT_ASSERT_EQUAL(std::string("héllo"), std::string(col.column(7).bytes(1)));
            CPPUNIT_ASSERT_EQUAL(std::int64_t{1700000000000}, col.column(8).get<std::int64_t>(1));
            CPPUNIT_ASSERT_EQUAL(std::string("日本"), std::string(col.column(9).bytes(0)));
            CPPUNIT_ASSERT(col.column(9).text_encoding() == TextEncoding::Utf8);
            CPPUNIT_ASSERT_EQUAL(std::uint8_t{255}, col.column(10).get<std::uint8_t>(1));
            CPPUNIT_ASSERT_EQUAL(std::uint16_t{65535}, col.column(11).get<std::uint16_t>(1));
            CPPUNIT_ASSERT_EQUAL(std::uint32_t{4294967295u}, col.column(12).get<std::uint32_t>(1));
            CPPUNIT_ASSERT_EQUAL(std::numeric_limits<std::uint64_t>::max(), col.column(13).get<std::uint64_t>(1));
            CPPUNIT_ASSERT_EQUAL(std::string("{\"k\":1}"), std::string(col.column(14).bytes(0)));
            CPPUNIT_ASSERT_EQUAL(std::string("\x00\x01", 2), std::string(col.column(15).bytes(0)));
            const ColumnView& dec = col.column(16);
            CPPUNIT_ASSERT_EQUAL(std::uint8_t{10}, dec.decimal_scale());
            const std::uint8_t* p = dec.fixed_data() + 16;
            std::uint64_t low;
            std::int64_t high;
            std::memcpy(&low, p, 8);
            std::memcpy(&high, p + 8, 8);
            CPPUNIT_ASSERT_EQUAL(std::string("-0.0000000005"), format_decimal(low, high, dec.decimal_scale()));
            CPPUNIT_ASSERT_EQUAL(std::int64_t{0}, dec.get<std::int64_t>(0));
            CPPUNIT_ASSERT_EQUAL(big_blob, std::string(col.column(17).bytes(1)));
            CPPUNIT_ASSERT_EQUAL(std::size_t{0}, col.column(17).bytes(0).size());
            CPPUNIT_ASSERT_EQUAL(std::string("0101000000000000000000594000000000000059" "40"),
                                 test::hex(col.column(18).bytes(1)));
            const ColumnView& d64 = col.column(19);
            CPPUNIT_ASSERT_EQUAL(std::uint8_t{2}, d64.decimal_scale());
            CPPUNIT_ASSERT_EQUAL(std::int64_t{12345}, d64.get<std::int64_t>(1));
            CPPUNIT_ASSERT_EQUAL(std::string("-9.99"),
                                 format_decimal(static_cast<std::uint64_t>(d64.get<std::int64_t>(0)), -1, 2));
        }
        // Column info "bytes" per §4.3 / §5.2.
        const std::string raw(block->raw());
        auto info_bytes = [&](std::size_t c) {
            std::int32_t v;
            std::memcpy(&v, raw.data() + 28 + 5 * c + 1, 4);
            return v;
        };
        CPPUNIT_ASSERT_EQUAL(std::int32_t{4}, info_bytes(3));
        CPPUNIT_ASSERT_EQUAL(std::int32_t{22}, info_bytes(7));    // VARCHAR(20)
        CPPUNIT_ASSERT_EQUAL(std::int32_t{22}, info_bytes(9));    // NCHAR(5)
        CPPUNIT_ASSERT_EQUAL(std::int32_t{16384}, info_bytes(14));  // JSON
        CPPUNIT_ASSERT_EQUAL(decimal_descriptor(38, 10, 16), info_bytes(16));
        CPPUNIT_ASSERT_EQUAL(decimal_descriptor(18, 2, 8), info_bytes(19));
        // The BLOB prefix is 4 bytes: row 1 (70000 bytes) at offset 4 after the empty row 0.
        CPPUNIT_ASSERT_EQUAL(std::size_t{70000}, again->column(17).bytes(1).size());
    }

    void testBitmapIsMsbFirst() {
        BlockBuilder b({{"v", TypeCode::SmallInt, 2}});
        for (int r = 0; r < 17; ++r) {
            if (r == 0 || r == 7 || r == 8 || r == 16)
                b.append_null(0);
            else
                b.append_int(0, r);
        }
        auto block = b.finish();
        const std::uint8_t* bm = block->column(0).null_bitmap();
        CPPUNIT_ASSERT_EQUAL(0x81, int{bm[0]});
        CPPUNIT_ASSERT_EQUAL(0x80, int{bm[1]});
        CPPUNIT_ASSERT_EQUAL(0x80, int{bm[2]});
        CPPUNIT_ASSERT_EQUAL(std::int16_t{9}, block->column(0).get<std::int16_t>(9));
    }

    void testRangeChecks() {
        struct {
            TypeCode type;
            std::int64_t ok_lo, ok_hi;
        } table[] = {
            {TypeCode::Bool, 0, 1},
            {TypeCode::TinyInt, -128, 127},
            {TypeCode::SmallInt, -32768, 32767},
            {TypeCode::Int, std::numeric_limits<std::int32_t>::min(), std::numeric_limits<std::int32_t>::max()},
            {TypeCode::UTinyInt, 0, 255},
            {TypeCode::USmallInt, 0, 65535},
            {TypeCode::UInt, 0, 4294967295ll},
            {TypeCode::UBigInt, 0, std::numeric_limits<std::int64_t>::max()},
        };
        for (const auto& row : table) {
            BlockBuilder b({{"c", row.type, fixed_size(row.type)}});
            const std::string name(type_name(row.type));
            b.append_int(0, row.ok_lo);
            b.append_int(0, row.ok_hi);
            EXPECT_THROW_AS(UsageError, b.append_int(0, row.ok_lo - 1), e, {
                CPPUNIT_ASSERT_EQUAL(code::InvalidArgument, e.code());
                CPPUNIT_ASSERT_MESSAGE(e.what(), test::contains(e.what(), name + " column 0"));
            });
            if (row.type != TypeCode::UBigInt) {
                EXPECT_THROW_AS(UsageError, b.append_int(0, row.ok_hi + 1), e,
                                CPPUNIT_ASSERT_MESSAGE(e.what(), test::contains(e.what(), name)));
                EXPECT_THROW_AS(UsageError, b.append_uint(0, static_cast<std::uint64_t>(row.ok_hi) + 1), e,
                                CPPUNIT_ASSERT_MESSAGE(e.what(), test::contains(e.what(), name)));
            }
            if (row.type == TypeCode::UBigInt) {
                b.append_uint(0, std::numeric_limits<std::uint64_t>::max() - 1);  // the full range fits
                CPPUNIT_ASSERT_EQUAL(std::size_t{3}, b.rows());
            } else {
                EXPECT_THROW_AS(UsageError, b.append_uint(0, std::numeric_limits<std::uint64_t>::max() - 1), e,
                                CPPUNIT_ASSERT(test::contains(e.what(), name)));
                CPPUNIT_ASSERT_EQUAL(std::size_t{2}, b.rows());  // failed appends add nothing
            }
            CPPUNIT_ASSERT(b.finish()->column(0).type() == row.type);
        }
    }

    void testWrongKind() {
        BlockBuilder b({{"i", TypeCode::Int, 4}, {"s", TypeCode::VarChar, 4}, {"f", TypeCode::Float, 4},
                        {"d", TypeCode::Decimal, 16, 20, 2}, {"d64", TypeCode::Decimal64, 8, 10, 2}});
        EXPECT_THROW_AS(UsageError, b.append_bytes(0, "x"), e,
                        CPPUNIT_ASSERT(test::contains(e.what(), "INT column 0")));
        EXPECT_THROW_AS(UsageError, b.append_int(1, 1), e,
                        CPPUNIT_ASSERT(test::contains(e.what(), "VARCHAR column 1")));
        EXPECT_THROW_AS(UsageError, b.append_double(1, 1), e, (void)e);
        EXPECT_THROW_AS(UsageError, b.append_double(0, 1.0), e,
                        CPPUNIT_ASSERT(test::contains(e.what(), "INT column 0")));
        EXPECT_THROW_AS(UsageError, b.append_int(2, 1), e,
                        CPPUNIT_ASSERT(test::contains(e.what(), "FLOAT column 2")));
        EXPECT_THROW_AS(UsageError, b.append_int128(0, 1, 0), e, (void)e);
        EXPECT_THROW_AS(UsageError, b.append_int128(4, 0, 1), e,
                        CPPUNIT_ASSERT(test::contains(e.what(), "out of range")));
        EXPECT_THROW_AS(UsageError, b.append_null(5), e,
                        CPPUNIT_ASSERT(test::contains(e.what(), "out of range")));
        EXPECT_THROW_AS(UsageError, b.append_int(99, 1), e, (void)e);
        b.append_int128(4, static_cast<std::uint64_t>(-7), -1);  // fits DECIMAL64
        CPPUNIT_ASSERT_THROW(BlockBuilder({{"n", TypeCode::Null, 0}}), UsageError);
        CPPUNIT_ASSERT_THROW(BlockBuilder({{"m", TypeCode::MediumBlob, 0}}), UsageError);
        CPPUNIT_ASSERT_THROW(BlockBuilder({{"x", static_cast<TypeCode>(99), 0}}), UsageError);
        CPPUNIT_ASSERT_THROW(BlockBuilder({{"d", TypeCode::Decimal64, 8, 19, 2}}), UsageError);
        CPPUNIT_ASSERT_THROW(BlockBuilder({{"d", TypeCode::Decimal, 16, 20, 21}}), UsageError);
    }

    void testLengthsAndRows() {
        BlockBuilder b({{"s", TypeCode::VarChar, 0}, {"blob", TypeCode::Blob, 0}, {"i", TypeCode::Int, 4}});
        const std::string too_long(65536, 'x');
        EXPECT_THROW_AS(UsageError, b.append_bytes(0, too_long), e,
                        CPPUNIT_ASSERT(test::contains(e.what(), "too long")));
        b.append_bytes(0, std::string_view(too_long).substr(1));  // 65535 fits the u16 prefix
        b.append_bytes(1, too_long);                               // BLOB has a u32 prefix
        EXPECT_THROW_AS(UsageError, b.finish(), e,
                        CPPUNIT_ASSERT_MESSAGE(e.what(), test::contains(e.what(), "column 2 has 0 rows")));
        b.append_int(2, 5);
        auto block = b.finish();
        CPPUNIT_ASSERT_EQUAL(std::size_t{65535}, block->column(0).bytes(0).size());
        CPPUNIT_ASSERT_EQUAL(std::size_t{65536}, block->column(1).bytes(0).size());
    }

    void testReuseAndEmpty() {
        BlockBuilder b({{"i", TypeCode::Int, 4}, {"s", TypeCode::VarChar, 4}});
        auto empty = b.finish();
        CPPUNIT_ASSERT_EQUAL(std::size_t{0}, empty->rows());
        CPPUNIT_ASSERT_EQUAL(std::size_t{2}, empty->columns());
        b.append_int(0, 1);
        b.append_bytes(1, "one");
        auto first = b.finish();
        b.append_int(0, 2);
        b.append_null(1);
        auto second = b.finish();
        CPPUNIT_ASSERT_EQUAL(std::int32_t{1}, first->column(0).get<std::int32_t>(0));
        CPPUNIT_ASSERT_EQUAL(std::string("one"), std::string(first->column(1).bytes(0)));
        CPPUNIT_ASSERT_EQUAL(std::size_t{1}, second->rows());
        CPPUNIT_ASSERT_EQUAL(std::int32_t{2}, second->column(0).get<std::int32_t>(0));
        CPPUNIT_ASSERT(second->column(1).is_null(0));
        auto none = BlockBuilder(Fields{}).finish();
        CPPUNIT_ASSERT_EQUAL(std::size_t{0}, none->columns());
        CPPUNIT_ASSERT_EQUAL(std::size_t{28}, none->raw().size());
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(BlockDecodeTest);
CPPUNIT_TEST_SUITE_REGISTRATION(BlockBuilderTest);
