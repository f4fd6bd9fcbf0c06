#include "request_text.hpp"

#include "taoslink/error.hpp"

namespace taoslink::plugin {

std::string quote_identifier(std::string_view name) {
    std::string out = "`";
    out += name;
    out += '`';
    return out;
}

std::string select_db_statement(std::string_view db) {
    if (db.empty()) throw UsageError(code::InvalidArgument, "select_db: the database name is empty");
    if (db.find('`') != std::string_view::npos) {
        throw UsageError(code::InvalidArgument, "select_db: invalid database name '" + std::string(db) + "'");
    }
    return "use " + quote_identifier(db);
}

const char* schemaless_precision_text(SchemalessPrecision precision) {
    switch (precision) {
        case SchemalessPrecision::Hours: return "h";
        case SchemalessPrecision::Minutes: return "m";
        case SchemalessPrecision::Seconds: return "s";
        case SchemalessPrecision::Milli: return "ms";
        case SchemalessPrecision::Micro: return "u";
        case SchemalessPrecision::Nano: return "ns";
        case SchemalessPrecision::NotConfigured: break;
    }
    return "";
}

}  // namespace taoslink::plugin
