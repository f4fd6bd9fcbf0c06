// A hand-made Taosc table for unit tests: plain functions over one in-memory script (what the
// next call returns), so the plugin's logic is tested without any libtaos.so.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "taosc_library.hpp"

namespace native_test {

/// What the fake functions return and what they saw. Reset by make_table().
struct Script {
    int last_errno = 0;  // taos_errno(NULL)
    std::string last_errstr;
    bool connect_fails = false;
    std::string seen_password;
    // query: a result with this error code (0: success) and these raw blocks
    int query_errno = 0;
    std::string query_errstr;
    std::vector<TAOS_FIELD> fields;
    std::vector<std::string> blocks;  // raw bytes, one per fetch
    std::vector<int> block_rows;      // rows reported by taos_fetch_raw_block (default: the header's)
    std::size_t next_block = 0;
    int frees = 0;
    std::int64_t req_id_seen = 0;
    // tmq_conf_set: key → result
    std::map<std::string, int> conf_results;
    std::vector<std::pair<std::string, std::string>> conf_seen;
};

Script& script();

/// A table with every required function (and taos_query_with_reqid); other optional ones null.
std::shared_ptr<taoslink::native::Taosc> make_table();

}  // namespace native_test
