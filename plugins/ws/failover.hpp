// Endpoint fail-over, shared by WsConnection and WsConsumer (README.md): the endpoints tried in
// turn, with retries and exponential back-off when reconnecting.
#pragma once

#include <algorithm>
#include <atomic>
#include <exception>
#include <string>
#include <thread>

#include "options.hpp"
#include "taoslink/error.hpp"

namespace taoslink::ws {

/// What open_with_failover says, in its caller's words.
struct FailoverText {
    const char* closed;           ///< the owner was closed meanwhile ("the connection is closed")
    const char* none_answered;    ///< head of an initial failure ("no endpoint answered: ")
    const char* not_reconnected;  ///< head of a failed reconnect, before the count ("could not reconnect after ")
};

/// Opens a link with `open()` (to the current endpoint), calling `next_endpoint()` after each
/// ConnectionError. Initially each endpoint is tried once; a reconnect makes `conn_retries`
/// attempts with back-off. AuthError stops at once; otherwise the last failure's kind is thrown
/// (as it is when there is one endpoint to begin with), listing every attempt's message.
template <class Open, class Next>
auto open_with_failover(const WsOptions& o, bool initial, const std::atomic<bool>& closed, const FailoverText& text,
                        Open open, Next next_endpoint) -> decltype(open()) {
    const std::size_t n = o.endpoints.size();
    const int attempts = initial ? static_cast<int>(n) : std::max(1, o.conn_retries);
    auto backoff = o.retry_backoff;
    std::string failures;
    std::exception_ptr last;
    for (int attempt = 0; attempt < attempts; ++attempt) {
        if (closed.load()) throw ConnectionError(code::ConnectionClosed, text.closed);
        try {
            return open();
        } catch (const AuthError&) {
            throw;
        } catch (const ConnectionError& e) {
            next_endpoint();  // the next attempt tries the next endpoint
            if (!failures.empty()) failures += "; ";
            failures += e.message();
            last = std::current_exception();
        }
        if (!initial && attempt + 1 < attempts) {
            std::this_thread::sleep_for(backoff);
            backoff = std::min(backoff * 2, o.retry_backoff_max);
        }
    }
    if (initial && n == 1) std::rethrow_exception(last);
    const std::string head =
        initial ? std::string(text.none_answered) : text.not_reconnected + std::to_string(attempts) + " attempts: ";
    try {
        std::rethrow_exception(last);
    } catch (const TimeoutError& e) {
        throw TimeoutError(e.code(), head + failures);
    } catch (const ConnectionError& e) {
        throw ConnectionError(e.code(), head + failures);
    }
}

}  // namespace taoslink::ws
