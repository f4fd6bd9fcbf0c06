// JSON parser choice for the taos-rest plugin: Poco::JSON (DOM of Poco::Dynamic::Var) versus our
// simdjson decoder, both producing the same taoslink Blocks from a taosAdapter /rest/sql body.
//
//   bench_json_parsers [rows=1000000] [runs=3] [which=abc]
//
// The body is generated in memory: 10 columns (TIMESTAMP ms, INT, BIGINT, FLOAT, DOUBLE, BOOL,
// VARCHAR(32), NCHAR(16), BIGINT UNSIGNED, SMALLINT), ~5% NULLs, exactly as taosAdapter renders
// them. Prints rows/s and MB/s (of body) for each contender, best of `runs`.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <random>
#include <string>

#include <Poco/Dynamic/Var.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <simdjson.h>

#include "codec.hpp"
#include "json_decoder.hpp"
#include "taoslink/block.hpp"
#include "taoslink/types.hpp"

using namespace taoslink;

namespace {

std::string make_body(std::size_t rows) {
    std::mt19937_64 rng(42);
    std::string b;
    b.reserve(rows * 150 + 1024);
    b += R"({"code":0,"column_meta":[["ts","TIMESTAMP",8],["c_int","INT",4],["c_bigint","BIGINT",8],)"
         R"(["c_float","FLOAT",4],["c_double","DOUBLE",8],["c_bool","BOOL",1],["c_varchar","VARCHAR",32],)"
         R"(["c_nchar","NCHAR",16],["c_ubigint","BIGINT UNSIGNED",8],["c_smallint","SMALLINT",2]],"data":[)";
    const std::int64_t base_ms = 1700000000000;
    char buf[512];
    for (std::size_t r = 0; r < rows; ++r) {
        if (r) b += ',';
        const std::int64_t ms = base_ms + static_cast<std::int64_t>(r);
        const std::time_t secs = ms / 1000;
        std::tm tm{};
        gmtime_r(&secs, &tm);
        auto null = [&] { return rng() % 20 == 0; };
        int n = std::snprintf(buf, sizeof buf, "[\"%04d-%02d-%02dT%02d:%02d:%02d.%03dZ\",", tm.tm_year + 1900, tm.tm_mon + 1,
                              tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms % 1000));
        b.append(buf, static_cast<std::size_t>(n));
        auto num = [&](const char* fmt, auto v) {
            if (null()) b += "null";
            else {
                int k = std::snprintf(buf, sizeof buf, fmt, v);
                b.append(buf, static_cast<std::size_t>(k));
            }
            b += ',';
        };
        num("%d", static_cast<int>(rng() % 2000000) - 1000000);
        num("%lld", static_cast<long long>(rng()));
        num("%.6g", static_cast<double>(rng() % 100000) / 7.0);
        num("%.17g", static_cast<double>(rng() % 100000000) / 3.0);
        if (null()) b += "null,";
        else b += (rng() & 1) ? "true," : "false,";
        if (null()) b += "null,";
        else {
            b += "\"device_";
            b += std::to_string(rng() % 100000);
            b += "_location\",";
        }
        if (null()) b += "null,";
        else b += "\"北京-" + std::to_string(rng() % 1000) + "\",";
        num("%llu", static_cast<unsigned long long>(rng()));
        if (null()) b += "null";
        else b += std::to_string(static_cast<int>(rng() % 60000) - 30000);
        b += ']';
    }
    b += "],\"rows\":" + std::to_string(rows) + "}";
    return b;
}

Fields bench_fields() {
    return {{"ts", TypeCode::Timestamp, 8},       {"c_int", TypeCode::Int, 4},        {"c_bigint", TypeCode::BigInt, 8},
            {"c_float", TypeCode::Float, 4},      {"c_double", TypeCode::Double, 8},  {"c_bool", TypeCode::Bool, 1},
            {"c_varchar", TypeCode::VarChar, 32}, {"c_nchar", TypeCode::NChar, 16},   {"c_ubigint", TypeCode::UBigInt, 8},
            {"c_smallint", TypeCode::SmallInt, 2}};
}

// (a) Poco::JSON::Parser to a DOM, then extraction of every value into blocks.
std::size_t run_poco(const std::string& body) {
    Poco::JSON::Parser parser;
    Poco::Dynamic::Var root = parser.parse(body);
    auto obj = root.extract<Poco::JSON::Object::Ptr>();
    if (obj->getValue<int>("code") != 0) std::abort();
    auto data = obj->getArray("data");
    const Fields fields = bench_fields();
    BlockBuilder builder(fields, TextEncoding::Utf8);
    std::size_t rows = 0, blocks = 0;
    for (std::size_t r = 0; r < data->size(); ++r) {
        auto row = data->getArray(static_cast<unsigned>(r));
        for (std::size_t c = 0; c < fields.size(); ++c) {
            const Poco::Dynamic::Var v = row->get(static_cast<unsigned>(c));
            if (v.isEmpty()) {
                builder.append_null(c);
                continue;
            }
            switch (fields[c].type) {
                case TypeCode::Timestamp: {
                    rest::ParsedTime t;
                    std::int64_t ticks;
                    if (!rest::parse_rfc3339(v.extract<std::string>(), t) || !rest::to_ticks(t, Precision::Milli, ticks)) std::abort();
                    builder.append_int(c, ticks);
                    break;
                }
                case TypeCode::Bool: builder.append_int(c, v.convert<bool>() ? 1 : 0); break;
                case TypeCode::UBigInt: builder.append_uint(c, v.convert<Poco::UInt64>()); break;
                case TypeCode::Float:
                case TypeCode::Double: builder.append_double(c, v.convert<double>()); break;
                case TypeCode::VarChar:
                case TypeCode::NChar: builder.append_bytes(c, v.extract<std::string>()); break;
                default: builder.append_int(c, v.convert<Poco::Int64>()); break;
            }
        }
        if (++rows % 4096 == 0) {
            builder.finish();
            ++blocks;
        }
    }
    if (builder.rows() > 0) builder.finish();
    return rows;
}

// (b) The taos-rest decoder (simdjson On-Demand), blocks of 4096 rows.
std::size_t run_ours(const std::string& body) {
    rest::SqlResponseDecoder dec(body);
    std::size_t rows = 0;
    while (auto b = dec.next_block()) rows += b->rows();
    return rows;
}

// (c) For reference: simdjson DOM parse alone (runtime-dispatched SIMD kernel), no extraction.
std::size_t run_dom_parse_only(const std::string& body) {
    static simdjson::dom::parser parser;
    simdjson::dom::element root;
    if (parser.parse(body).get(root)) std::abort();
    simdjson::dom::array data;
    if (root["data"].get_array().get(data)) std::abort();
    return data.size();
}

void measure(const char* name, const std::string& body, int runs, const std::function<std::size_t(const std::string&)>& fn) {
    double best = 1e100;
    std::size_t rows = 0;
    for (int i = 0; i < runs; ++i) {
        const auto t0 = std::chrono::steady_clock::now();
        rows = fn(body);
        const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        if (s < best) best = s;
    }
    std::printf("%-48s %9zu rows  %8.3f s  %7.2f M rows/s  %8.1f MB/s\n", name, rows, best, rows / best / 1e6,
                body.size() / best / 1e6);
}

}  // namespace

int main(int argc, char** argv) {
    const std::size_t rows = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 1000000;
    const int runs = argc > 2 ? std::atoi(argv[2]) : 3;
    const std::string body = make_body(rows);
    std::printf("body: %zu rows x 10 columns, %.1f MB; simdjson active implementation: %s\n", rows, body.size() / 1e6,
                simdjson::get_active_implementation()->name().c_str());
    const std::string only = argc > 3 ? argv[3] : "abc";
    if (only.find('a') != std::string::npos) measure("(a) Poco::JSON::Parser DOM + extraction -> blocks", body, runs, run_poco);
    if (only.find('b') != std::string::npos) measure("(b) taos-rest simdjson decoder -> blocks", body, runs, run_ours);
    if (only.find('c') != std::string::npos) measure("(c) simdjson DOM parse only (reference)", body, runs, run_dom_parse_only);
    return 0;
}
