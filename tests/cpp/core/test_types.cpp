// Types, DECIMAL formatting and error formatting.
#include <cppunit/extensions/HelperMacros.h>

#include <limits>

#include "taoslink/block.hpp"
#include "taoslink/error.hpp"
#include "taoslink/types.hpp"
#include "test_util.hpp"

using namespace taoslink;

class TypesTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(TypesTest);
    CPPUNIT_TEST(testSizesAndKinds);
    CPPUNIT_TEST(testNames);
    CPPUNIT_TEST(testDecimalNames);
    CPPUNIT_TEST(testPrecision);
    CPPUNIT_TEST_SUITE_END();

public:
    void testSizesAndKinds() {
        struct {
            TypeCode t;
            int size;
            bool var;
        } table[] = {
            {TypeCode::Bool, 1, false},      {TypeCode::TinyInt, 1, false},   {TypeCode::SmallInt, 2, false},
            {TypeCode::Int, 4, false},       {TypeCode::BigInt, 8, false},    {TypeCode::Float, 4, false},
            {TypeCode::Double, 8, false},    {TypeCode::VarChar, 0, true},    {TypeCode::Timestamp, 8, false},
            {TypeCode::NChar, 0, true},      {TypeCode::UTinyInt, 1, false},  {TypeCode::USmallInt, 2, false},
            {TypeCode::UInt, 4, false},      {TypeCode::UBigInt, 8, false},   {TypeCode::Json, 0, true},
            {TypeCode::VarBinary, 0, true},  {TypeCode::Decimal, 16, false},  {TypeCode::Blob, 0, true},
            {TypeCode::Geometry, 0, true},   {TypeCode::Decimal64, 8, false}, {TypeCode::Null, 0, false},
        };
        for (const auto& row : table) {
            const std::string name(type_name(row.t));
            CPPUNIT_ASSERT_EQUAL_MESSAGE(name, row.size, fixed_size(row.t));
            CPPUNIT_ASSERT_EQUAL_MESSAGE(name, row.var, is_var_type(row.t));
            CPPUNIT_ASSERT_MESSAGE(name, is_known_type(static_cast<int>(row.t)));
        }
        CPPUNIT_ASSERT(!is_known_type(19));
        CPPUNIT_ASSERT(!is_known_type(22));
        CPPUNIT_ASSERT(!is_known_type(-1));
        CPPUNIT_ASSERT(!is_known_type(255));
    }

    void testNames() {
        const char* names[] = {"NULL",     "BOOL",      "TINYINT", "SMALLINT",         "INT",
                               "BIGINT",   "FLOAT",     "DOUBLE",  "VARCHAR",          "TIMESTAMP",
                               "NCHAR",    "TINYINT UNSIGNED", "SMALLINT UNSIGNED", "INT UNSIGNED",
                               "BIGINT UNSIGNED", "JSON", "VARBINARY", "DECIMAL", "BLOB", nullptr, "GEOMETRY",
                               "DECIMAL"};
        for (int code = 0; code <= 21; ++code) {
            if (!names[code]) continue;
            auto t = static_cast<TypeCode>(code);
            CPPUNIT_ASSERT_EQUAL_MESSAGE(std::to_string(code), std::string(names[code]), std::string(type_name(t)));
            auto back = type_from_name(names[code]);
            CPPUNIT_ASSERT_MESSAGE(names[code], back.has_value());
            // Both DECIMAL codes print "DECIMAL"; the bare name reads back as the 128-bit type.
            const TypeCode expected = t == TypeCode::Decimal64 ? TypeCode::Decimal : t;
            CPPUNIT_ASSERT_MESSAGE(names[code], *back == expected);
        }
        CPPUNIT_ASSERT(type_from_name("BINARY") == TypeCode::VarChar);
        CPPUNIT_ASSERT(type_from_name("int unsigned") == TypeCode::UInt);
        CPPUNIT_ASSERT(type_from_name(" BIGINT  UNSIGNED ") == TypeCode::UBigInt);
        CPPUNIT_ASSERT(!type_from_name("FOO"));
        CPPUNIT_ASSERT(!type_from_name(""));
        CPPUNIT_ASSERT(!type_from_name("INTUNSIGNED"));
    }

    void testDecimalNames() {
        CPPUNIT_ASSERT(type_from_name("DECIMAL(10,2)") == TypeCode::Decimal64);
        CPPUNIT_ASSERT(type_from_name("DECIMAL(18,0)") == TypeCode::Decimal64);
        CPPUNIT_ASSERT(type_from_name("DECIMAL(19,2)") == TypeCode::Decimal);
        CPPUNIT_ASSERT(type_from_name("decimal(38, 10)") == TypeCode::Decimal);
        CPPUNIT_ASSERT(type_from_name("DECIMAL(5)") == TypeCode::Decimal64);
        CPPUNIT_ASSERT(!type_from_name("DECIMAL("));
        CPPUNIT_ASSERT(!type_from_name("DECIMAL()"));
        CPPUNIT_ASSERT(!type_from_name("DECIMAL(x,2)"));
        CPPUNIT_ASSERT(!type_from_name("DECIMAL(10,)"));
        CPPUNIT_ASSERT(!type_from_name("DECIMAL(10,2"));
        CPPUNIT_ASSERT(!type_from_name("DECIMAL(0,0)"));
        CPPUNIT_ASSERT(!type_from_name("DECIMALS"));
    }

    void testPrecision() {
        CPPUNIT_ASSERT_EQUAL(std::int64_t{1000}, ticks_per_second(Precision::Milli));
        CPPUNIT_ASSERT_EQUAL(std::int64_t{1000000}, ticks_per_second(Precision::Micro));
        CPPUNIT_ASSERT_EQUAL(std::int64_t{1000000000}, ticks_per_second(Precision::Nano));
        CPPUNIT_ASSERT_EQUAL(std::string("ms"), std::string(precision_name(Precision::Milli)));
        CPPUNIT_ASSERT_EQUAL(std::string("us"), std::string(precision_name(Precision::Micro)));
        CPPUNIT_ASSERT_EQUAL(std::string("ns"), std::string(precision_name(Precision::Nano)));
        CPPUNIT_ASSERT(precision_from_name("ms") == Precision::Milli);
        CPPUNIT_ASSERT(precision_from_name("us") == Precision::Micro);
        CPPUNIT_ASSERT(precision_from_name("u") == Precision::Micro);
        CPPUNIT_ASSERT(precision_from_name("ns") == Precision::Nano);
        CPPUNIT_ASSERT(!precision_from_name("s"));
        CPPUNIT_ASSERT(!precision_from_name(""));
    }
};

class DecimalTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(DecimalTest);
    CPPUNIT_TEST(testFormat);
    CPPUNIT_TEST(testDescriptor);
    CPPUNIT_TEST_SUITE_END();

    static std::string fmt(__int128 v, int scale) {
        auto u = static_cast<unsigned __int128>(v);
        return format_decimal(static_cast<std::uint64_t>(u), static_cast<std::int64_t>(u >> 64),
                              static_cast<std::uint8_t>(scale));
    }

public:
    void testFormat() {
        CPPUNIT_ASSERT_EQUAL(std::string("12.3400"), fmt(123400, 4));
        CPPUNIT_ASSERT_EQUAL(std::string("-12.3400"), fmt(-123400, 4));
        CPPUNIT_ASSERT_EQUAL(std::string("0.00"), fmt(0, 2));
        CPPUNIT_ASSERT_EQUAL(std::string("0"), fmt(0, 0));
        CPPUNIT_ASSERT_EQUAL(std::string("42"), fmt(42, 0));
        CPPUNIT_ASSERT_EQUAL(std::string("-42"), fmt(-42, 0));
        CPPUNIT_ASSERT_EQUAL(std::string("0.005"), fmt(5, 3));
        CPPUNIT_ASSERT_EQUAL(std::string("-0.005"), fmt(-5, 3));
        CPPUNIT_ASSERT_EQUAL(std::string("1.000"), fmt(1000, 3));
        const auto max128 = static_cast<__int128>((static_cast<unsigned __int128>(1) << 127) - 1);
        CPPUNIT_ASSERT_EQUAL(std::string("170141183460469231731687303715884105727"), fmt(max128, 0));
        CPPUNIT_ASSERT_EQUAL(std::string("-170141183460469231731687303715884105728"), fmt(-max128 - 1, 0));
        __int128 nines = 0;
        for (int i = 0; i < 38; ++i) nines = nines * 10 + 9;
        CPPUNIT_ASSERT_EQUAL(std::string("0.99999999999999999999999999999999999999"), fmt(nines, 38));
        CPPUNIT_ASSERT_EQUAL(std::string("-9999999999999999999999999999.9999999999"), fmt(-nines, 10));
        // A DECIMAL64 value sign-extended the way a reader does it.
        const std::int64_t d64 = std::numeric_limits<std::int64_t>::min();
        CPPUNIT_ASSERT_EQUAL(std::string("-9223372036854775.808"),
                             format_decimal(static_cast<std::uint64_t>(d64), -1, 3));
    }

    void testDescriptor() {
        // protocol.md §4.6: DECIMAL(20,4) -> bytes 04 14 00 10.
        const std::int32_t d = decimal_descriptor(20, 4, 16);
        std::string bytes(reinterpret_cast<const char*>(&d), 4);
        CPPUNIT_ASSERT_EQUAL(std::string("04140010"), test::hex(bytes));
        const std::int32_t d64 = decimal_descriptor(18, 2, 8);
        CPPUNIT_ASSERT_EQUAL(std::string("02120008"), test::hex(std::string(reinterpret_cast<const char*>(&d64), 4)));
    }
};

class ErrorTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(ErrorTest);
    CPPUNIT_TEST(testFormat);
    CPPUNIT_TEST(testCodesAndHierarchy);
    CPPUNIT_TEST_SUITE_END();

public:
    void testFormat() {
        CPPUNIT_ASSERT_EQUAL(std::string("[0x2600]: syntax error"), format_error(0x2600, "syntax error"));
        CPPUNIT_ASSERT_EQUAL(std::string("[0x000b]: Unable to establish connection"),
                             format_error(code::NetworkUnavailable, "Unable to establish connection"));
        // Native codes are 0x8000xxxx (negative); taospy prints the low 16 bits.
        CPPUNIT_ASSERT_EQUAL(std::string("[0x2600]: x"), format_error(static_cast<int>(0x80002600u), "x"));
        CPPUNIT_ASSERT_EQUAL(std::string("[0xe000]: bad dsn"), format_error(code::DsnError, "bad dsn"));
        CPPUNIT_ASSERT_EQUAL(std::string("[0xffff]: generic"), format_error(code::Generic, "generic"));
    }

    void testCodesAndHierarchy() {
        ServerError native(static_cast<int>(0x80000357u), "Authentication failure");
        CPPUNIT_ASSERT_EQUAL(0x0357, native.code());
        CPPUNIT_ASSERT_EQUAL(std::string("Authentication failure"), native.message());
        CPPUNIT_ASSERT_EQUAL(std::string("[0x0357]: Authentication failure"), std::string(native.what()));
        CPPUNIT_ASSERT_EQUAL(0, native.http_status());

        ConnectionError http(code::Generic, "bad gateway", 502);
        CPPUNIT_ASSERT_EQUAL(502, http.http_status());

        DsnError dsn("invalid port \"0\" in DSN");
        CPPUNIT_ASSERT_EQUAL(code::DsnError, dsn.code());
        const UsageError& as_usage = dsn;
        CPPUNIT_ASSERT_EQUAL(std::string("[0xe000]: invalid port \"0\" in DSN"), std::string(as_usage.what()));
        CPPUNIT_ASSERT_EQUAL(code::PluginError, PluginError("x").code());
        CPPUNIT_ASSERT_EQUAL(code::ProtocolError, ProtocolError("x").code());
        CPPUNIT_ASSERT_EQUAL(code::NotSupported, NotSupportedError("x").code());
        CPPUNIT_ASSERT_EQUAL(code::Interrupted, InterruptedError().code());
        try {
            throw TimeoutError(code::RpcTimeout, "Conn read timeout");
        } catch (const ConnectionError& e) {
            CPPUNIT_ASSERT_EQUAL(code::RpcTimeout, e.code());
        }
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(TypesTest);
CPPUNIT_TEST_SUITE_REGISTRATION(DecimalTest);
CPPUNIT_TEST_SUITE_REGISTRATION(ErrorTest);
