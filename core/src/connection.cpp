// Default implementations of the optional parts of the transport interfaces.
#include "taoslink/connection.hpp"

#include "taoslink/error.hpp"

namespace taoslink {

std::int64_t Connection::execute(std::string_view sql, const RequestOptions& opts) {
    auto result = query(sql, opts);
    const std::int64_t rows = result->affected_rows();
    result->close();
    return rows;
}

std::string Connection::client_version() const { return {}; }

std::int64_t Connection::schemaless_insert(const SchemalessRequest&) {
    throw NotSupportedError("schemaless insert is not supported by this transport");
}

std::unique_ptr<Stmt> Connection::statement() {
    throw NotSupportedError("prepared statements are not supported by this transport");
}

std::vector<StmtField> Stmt::fields() {
    throw NotSupportedError("this transport's statements cannot describe their fields");
}

std::unique_ptr<Consumer> Transport::consumer(const Dsn&, const std::map<std::string, std::string>&) {
    throw NotSupportedError("TMQ consumers are not supported by this transport");
}

}  // namespace taoslink
