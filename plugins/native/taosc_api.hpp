// Our own declarations of the part of taosc's C API (TDengine 3.x, libtaos.so) that taos-native
// uses. No taos.h is needed at build time: the types below reproduce taosc's memory layouts
// (struct field order and widths, enum values), and the functions are listed once, in X-macro
// tables, from which the plugin builds its table of function pointers (taosc_library.hpp) and
// the test double under tests/fake_taosc declares the symbols it exports. Keep both in step by
// editing only these lists.
//
// Every symbol in TAOSC_REQUIRED_FUNCTIONS exists in every taosc 3.x; the plugin refuses a library
// that lacks one. TAOSC_OPTIONAL_FUNCTIONS arrived in later releases (stmt2 in 3.3.3.0, TMQ offsets
// in 3.0.4/3.0.5, per-connection options in 3.3.5.0) and are looked up, never assumed.
#pragma once

#include <cstdint>

extern "C" {

typedef void TAOS;
typedef void TAOS_RES;
typedef void TAOS_STMT;
typedef void TAOS_STMT2;
typedef void** TAOS_ROW;
typedef struct tmq_t tmq_t;
typedef struct tmq_conf_t tmq_conf_t;
typedef struct tmq_list_t tmq_list_t;

/// One result column: name, type code (TypeCode), width in bytes (VARCHAR/NCHAR: declared size).
typedef struct TAOS_FIELD {
    char name[65];
    std::int8_t type;
    std::int32_t bytes;
} TAOS_FIELD;

/// A statement parameter or column, with DECIMAL precision/scale.
typedef struct TAOS_FIELD_E {
    char name[65];
    std::int8_t type;
    std::uint8_t precision;
    std::uint8_t scale;
    std::int32_t bytes;
} TAOS_FIELD_E;

/// stmt v1 binding of `num` rows of one column. Fixed types: `buffer` holds num values of the
/// type's width; var types: num slots of `buffer_length` bytes each, with `length[i]` used.
typedef struct TAOS_MULTI_BIND {
    int buffer_type;
    void* buffer;
    std::uintptr_t buffer_length;
    std::int32_t* length;
    char* is_null;
    int num;
} TAOS_MULTI_BIND;

typedef void (*taosc_async_fn)(void* param, TAOS_RES* res, int code);

/// stmt2: one column (or tag) of `num` rows. Var types: values packed back to back, `length[i]` each.
typedef struct TAOS_STMT2_BIND {
    int buffer_type;
    void* buffer;
    std::int32_t* length;
    char* is_null;
    int num;
} TAOS_STMT2_BIND;

/// stmt2: `count` tables, each with a name (or NULL), a tag array and a column array.
typedef struct TAOS_STMT2_BINDV {
    int count;
    char** tbnames;
    TAOS_STMT2_BIND** tags;
    TAOS_STMT2_BIND** bind_cols;
} TAOS_STMT2_BINDV;

typedef struct TAOS_STMT2_OPTION {
    std::int64_t reqid;
    bool singleStbInsert;
    bool singleTableBindOnce;
    taosc_async_fn asyncExecFn;  ///< NULL: taos_stmt2_exec is synchronous
    void* userdata;
} TAOS_STMT2_OPTION;

typedef struct tmq_topic_assignment {
    std::int32_t vgId;
    std::int64_t currentOffset;
    std::int64_t begin;
    std::int64_t end;
} tmq_topic_assignment;

}  // extern "C"

namespace taoslink::native::taosc {

// Enum values as taosc defines them.
enum Option : int { OptionLocale = 0, OptionCharset = 1, OptionTimezone = 2, OptionConfigDir = 3 };
enum ConnectionOption : int { ConnCharset = 0, ConnTimezone = 1, ConnUserIp = 2, ConnUserApp = 3 };
enum FieldKind : int { FieldCol = 1, FieldTag = 2, FieldQuery = 3, FieldTbname = 4 };
enum ConfResult : int { ConfUnknown = -2, ConfInvalid = -1, ConfOk = 0 };
enum TmqResType : int { TmqResInvalid = -1, TmqResData = 1, TmqResTableMeta = 2, TmqResMetadata = 3 };

}  // namespace taoslink::native::taosc

// X(return type, name, (parameter list)). Present in every taosc 3.x.
#define TAOSC_REQUIRED_FUNCTIONS(X)                                                                        \
    X(int, taos_init, (void))                                                                              \
    X(const char*, taos_get_client_info, (void))                                                           \
    X(TAOS*, taos_connect, (const char* ip, const char* user, const char* pass, const char* db,            \
                            std::uint16_t port))                                                           \
    X(void, taos_close, (TAOS * taos))                                                                     \
    X(int, taos_errno, (TAOS_RES * res))                                                                   \
    X(const char*, taos_errstr, (TAOS_RES * res))                                                          \
    X(int, taos_select_db, (TAOS * taos, const char* db))                                                  \
    X(const char*, taos_get_server_info, (TAOS * taos))                                                    \
    X(TAOS_RES*, taos_query, (TAOS * taos, const char* sql))                                               \
    X(void, taos_free_result, (TAOS_RES * res))                                                            \
    X(int, taos_field_count, (TAOS_RES * res))                                                             \
    X(TAOS_FIELD*, taos_fetch_fields, (TAOS_RES * res))                                                    \
    X(int, taos_result_precision, (TAOS_RES * res))                                                        \
    X(int, taos_affected_rows, (TAOS_RES * res))                                                           \
    X(int, taos_fetch_raw_block, (TAOS_RES * res, int* num_rows, void** data))                             \
    X(void, taos_stop_query, (TAOS_RES * res))                                                             \
    X(TAOS_STMT*, taos_stmt_init, (TAOS * taos))                                                           \
    X(int, taos_stmt_prepare, (TAOS_STMT * stmt, const char* sql, unsigned long length))                   \
    X(int, taos_stmt_set_tbname, (TAOS_STMT * stmt, const char* name))                                     \
    X(int, taos_stmt_set_tags, (TAOS_STMT * stmt, TAOS_MULTI_BIND* tags))                                  \
    X(int, taos_stmt_bind_param_batch, (TAOS_STMT * stmt, TAOS_MULTI_BIND* bind))                          \
    X(int, taos_stmt_add_batch, (TAOS_STMT * stmt))                                                        \
    X(int, taos_stmt_execute, (TAOS_STMT * stmt))                                                          \
    X(TAOS_RES*, taos_stmt_use_result, (TAOS_STMT * stmt))                                                 \
    X(int, taos_stmt_affected_rows, (TAOS_STMT * stmt))                                                    \
    X(char*, taos_stmt_errstr, (TAOS_STMT * stmt))                                                         \
    X(int, taos_stmt_close, (TAOS_STMT * stmt))                                                            \
    X(TAOS_RES*, taos_schemaless_insert_raw, (TAOS * taos, char* lines, int len, std::int32_t* total_rows, \
                                              int protocol, int precision))                                \
    X(tmq_conf_t*, tmq_conf_new, (void))                                                                   \
    X(int, tmq_conf_set, (tmq_conf_t * conf, const char* key, const char* value))                          \
    X(void, tmq_conf_destroy, (tmq_conf_t * conf))                                                         \
    X(tmq_list_t*, tmq_list_new, (void))                                                                   \
    X(std::int32_t, tmq_list_append, (tmq_list_t * list, const char* item))                                \
    X(void, tmq_list_destroy, (tmq_list_t * list))                                                         \
    X(std::int32_t, tmq_list_get_size, (const tmq_list_t* list))                                           \
    X(char**, tmq_list_to_c_array, (const tmq_list_t* list))                                               \
    X(tmq_t*, tmq_consumer_new, (tmq_conf_t * conf, char* errstr, std::int32_t errstr_len))                \
    X(std::int32_t, tmq_subscribe, (tmq_t * tmq, const tmq_list_t* topics))                                \
    X(std::int32_t, tmq_unsubscribe, (tmq_t * tmq))                                                        \
    X(std::int32_t, tmq_subscription, (tmq_t * tmq, tmq_list_t** topics))                                  \
    X(TAOS_RES*, tmq_consumer_poll, (tmq_t * tmq, std::int64_t timeout_ms))                                \
    X(std::int32_t, tmq_consumer_close, (tmq_t * tmq))                                                     \
    X(std::int32_t, tmq_commit_sync, (tmq_t * tmq, const TAOS_RES* msg))                                   \
    X(int, tmq_get_res_type, (TAOS_RES * res))                                                             \
    X(const char*, tmq_get_topic_name, (TAOS_RES * res))                                                   \
    X(const char*, tmq_get_db_name, (TAOS_RES * res))                                                      \
    X(std::int32_t, tmq_get_vgroup_id, (TAOS_RES * res))                                                   \
    X(const char*, tmq_get_table_name, (TAOS_RES * res))                                                   \
    X(const char*, tmq_err2str, (std::int32_t code))

// Looked up at load time; a missing one disables (NotSupportedError) or degrades the feature.
// taos_stmt2_get_fields is deliberately absent: its signature changed in 3.3.5.0 (from
// (stmt, kind, count, TAOS_FIELD_E**) to (stmt, count, TAOS_FIELD_ALL**)) under the same name, so
// it cannot be called safely without knowing the release; NativeStmt2::fields() asks a v1
// statement instead (taos_stmt_get_tag_fields, taos_stmt_get_col_fields, taos_stmt_reclaim_fields).
#define TAOSC_OPTIONAL_FUNCTIONS(X)                                                                       \
    X(TAOS_RES*, taos_query_with_reqid, (TAOS * taos, const char* sql, std::int64_t req_id))              \
    X(int, taos_options, (int option, const void* arg, ...))                                              \
    X(int, taos_options_connection, (TAOS * taos, int option, const void* arg, ...))                      \
    X(int, taos_get_current_db, (TAOS * taos, char* database, int len, int* required))                    \
    X(std::int64_t, taos_affected_rows64, (TAOS_RES * res))                                               \
    X(TAOS_RES*, taos_schemaless_insert_raw_ttl_with_reqid,                                               \
      (TAOS * taos, char* lines, int len, std::int32_t* total_rows, int protocol, int precision,          \
       std::int32_t ttl, std::int64_t req_id))                                                            \
    X(TAOS_RES*, taos_schemaless_insert_raw_ttl_with_reqid_tbname_key,                                    \
      (TAOS * taos, char* lines, int len, std::int32_t* total_rows, int protocol, int precision,          \
       std::int32_t ttl, std::int64_t req_id, char* tbname_key))                                          \
    X(int, taos_stmt_get_tag_fields, (TAOS_STMT * stmt, int* field_num, TAOS_FIELD_E** fields))            \
    X(int, taos_stmt_get_col_fields, (TAOS_STMT * stmt, int* field_num, TAOS_FIELD_E** fields))            \
    X(void, taos_stmt_reclaim_fields, (TAOS_STMT * stmt, TAOS_FIELD_E* fields))                           \
    X(TAOS_STMT2*, taos_stmt2_init, (TAOS * taos, TAOS_STMT2_OPTION * option))                            \
    X(int, taos_stmt2_prepare, (TAOS_STMT2 * stmt, const char* sql, unsigned long length))                \
    X(int, taos_stmt2_bind_param, (TAOS_STMT2 * stmt, TAOS_STMT2_BINDV * bindv, std::int32_t col_idx))    \
    X(int, taos_stmt2_exec, (TAOS_STMT2 * stmt, int* affected_rows))                                      \
    X(int, taos_stmt2_is_insert, (TAOS_STMT2 * stmt, int* insert))                                        \
    X(TAOS_RES*, taos_stmt2_result, (TAOS_STMT2 * stmt))                                                  \
    X(char*, taos_stmt2_error, (TAOS_STMT2 * stmt))                                                       \
    X(int, taos_stmt2_close, (TAOS_STMT2 * stmt))                                                         \
    X(std::int32_t, tmq_commit_offset_sync,                                                               \
      (tmq_t * tmq, const char* topic, std::int32_t vg_id, std::int64_t offset))                          \
    X(std::int32_t, tmq_get_topic_assignment,                                                             \
      (tmq_t * tmq, const char* topic, tmq_topic_assignment** assignment, std::int32_t* count))           \
    X(void, tmq_free_assignment, (tmq_topic_assignment * assignment))                                     \
    X(std::int32_t, tmq_offset_seek, (tmq_t * tmq, const char* topic, std::int32_t vg_id,                 \
                                      std::int64_t offset))                                               \
    X(std::int64_t, tmq_position, (tmq_t * tmq, const char* topic, std::int32_t vg_id))                   \
    X(std::int64_t, tmq_committed, (tmq_t * tmq, const char* topic, std::int32_t vg_id))                  \
    X(std::int64_t, tmq_get_vgroup_offset, (TAOS_RES * res))
