// Internals of the fake libtaos.so: the handle types behind TAOS*, TAOS_RES*, TAOS_STMT*,
// TAOS_STMT2*, tmq_t*, tmq_conf_t*, tmq_list_t*, the thread-local last error, and the exported
// prototypes (declared from the X-macro lists of plugins/native/taosc_api.hpp, so a definition
// that drifts from the lists does not compile).
//
// Every handle starts with a magic number and a kind; a handle of the wrong kind (or a freed one,
// whose magic is cleared) gives an error code instead of a crash, as far as that is possible.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "taosc_api.hpp"
#include "taoslink/block.hpp"
#include "taoslink/connection.hpp"
#include "taoslink/error.hpp"

#define FAKE_TAOSC_EXPORT extern "C" __attribute__((visibility("default")))

// --- Exported prototypes, from the lead's lists ---------------------------------------------------
#define FAKE_TAOSC_DECLARE(ret, name, params) FAKE_TAOSC_EXPORT ret name params;
TAOSC_REQUIRED_FUNCTIONS(FAKE_TAOSC_DECLARE)
#ifndef FAKE_TAOSC_MINIMAL
TAOSC_OPTIONAL_FUNCTIONS(FAKE_TAOSC_DECLARE)
#endif
#undef FAKE_TAOSC_DECLARE

extern "C" {
/// taosc >= 3.3.5's stmt2 field description (taos.h TAOS_FIELD_ALL).
typedef struct TAOS_FIELD_ALL {
    char name[65];
    std::int8_t type;
    std::uint8_t precision;
    std::uint8_t scale;
    std::int32_t bytes;
    std::uint8_t field_type;
} TAOS_FIELD_ALL;
}

namespace fake_taosc {

// --- TDengine codes (taoserror.h), as the 16-bit part -------------------------------------------
// Those libtaoslink names (code::InvalidPara, code::AuthFailure, ...) come from there.
namespace code = taoslink::code;
inline constexpr int kOpsNotSupport = 0x0100;  // TSDB_CODE_OPS_NOT_SUPPORT, which libtaoslink does not name

/// The taosc form of a 16-bit TDengine code: negative int32 with the 0x80000000 bit, 0 stays 0.
inline std::int32_t taosc_code(int code16) {
    return code16 == 0 ? 0 : static_cast<std::int32_t>(0x80000000u | static_cast<std::uint32_t>(code16 & 0xFFFF));
}

/// The error of the last failing call on this thread (taos_errno(NULL) / taos_errstr(NULL)).
void set_last_error(std::int32_t code, std::string message);
std::int32_t last_code();
const char* last_message();

/// A caught exception as a taosc code and message (taoslink::Error's 16-bit code mapped to
/// taosc's numbering; client-side codes >= 0xE000 become their nearest taosc code).
struct ErrorInfo {
    std::int32_t code;
    std::string message;
};
ErrorInfo current_exception_info() noexcept;

// --- Handles ----------------------------------------------------------------------------------
enum class Kind : std::uint32_t {
    Conn = 0x54414F31,   // "TAO1"
    Res = 0x54414F32,
    Stmt = 0x54414F33,
    Stmt2 = 0x54414F34,
    Tmq = 0x54414F35,
    Conf = 0x54414F36,
    List = 0x54414F37,
};
inline constexpr std::uint32_t kMagic = 0xFA7E7A05u;

struct Handle {
    explicit Handle(Kind k) : kind(k) {}
    ~Handle() { magic = 0; }
    std::uint32_t magic = kMagic;
    Kind kind;
};

/// Casts an opaque handle to T when it is a live handle of T's kind, else nullptr.
template <class T>
T* handle_cast(const void* p) noexcept {
    if (p == nullptr) return nullptr;
    auto* h = static_cast<const Handle*>(p);
    if (h->magic != kMagic || h->kind != T::kKind) return nullptr;
    return const_cast<T*>(static_cast<const T*>(h));
}

struct Conn final : Handle {
    static constexpr Kind kKind = Kind::Conn;
    Conn() : Handle(kKind) {}
    std::unique_ptr<taoslink::Connection> conn;  // thread-safe (ws transport)
    std::mutex mu;                               // guards the strings below
    std::string server_info;
};

enum class ResKind { Query, Tmq };

/// One column of the current block in taosc's "converted" form (taos_fetch_block/taos_fetch_row):
/// fixed columns point at the received values; var columns at a rebuilt area (NCHAR as UTF-8)
/// with int32 offsets; DECIMAL as 64-byte NUL-terminated decimal strings (taospy's reading).
struct ConvertedColumn {
    const std::uint8_t* data = nullptr;  // what TAOS_ROW[i] of taos_fetch_block points at
    std::vector<std::uint8_t> buffer;    // owned data when converted
    std::vector<std::int32_t> offsets;   // var columns only
    int prefix = 2;                      // var length prefix (4 for BLOB)
    int width = 0;                       // fixed: value width in `data`
};

struct Res final : Handle {
    static constexpr Kind kKind = Kind::Res;
    Res() : Handle(kKind) {}
    ResKind res_kind = ResKind::Query;
    std::int32_t code = 0;
    std::string errstr;

    std::unique_ptr<taoslink::Result> result;  // Query
    taoslink::Fields fields;
    std::vector<TAOS_FIELD> tfields;
    std::vector<TAOS_FIELD_E> tfields_e;
    taoslink::Precision precision = taoslink::Precision::Milli;
    std::int64_t affected = 0;
    bool done = false;
    std::atomic<bool> stopped{false};  // taos_stop_query, from any thread

    // The current block and its converted columns.
    std::shared_ptr<const taoslink::Block> block;
    bool converted = false;
    std::vector<ConvertedColumn> cols;
    std::vector<void*> block_ptrs;  // taos_fetch_block's TAOS_ROW
    std::size_t row_cursor = 0;     // taos_fetch_row: next row of `block`
    std::vector<void*> row_ptrs;    // taos_fetch_row's TAOS_ROW
    std::vector<int> lengths;       // taos_fetch_lengths

    // Tmq: the message and the index of the next block.
    std::optional<taoslink::Message> msg;
    std::size_t next_block = 0;
    std::string table_name;  // of the block fetched last
    std::string topic, db;

    void set_fields(const taoslink::Fields& f);
    /// The next block (query or message), nullptr at the end. Throws what the transport throws.
    std::shared_ptr<const taoslink::Block> fetch_next();
    void convert();  // fills cols/block_ptrs for `block`
};

/// A new TAOS_RES holding an error.
Res* error_res(std::int32_t code, std::string message);

}  // namespace fake_taosc
