#include "json_scanner.hpp"

#include <algorithm>
#include <array>

#include "taoslink/error.hpp"

namespace taoslink::rest {

namespace {

// The bytes that matter outside strings.
constexpr std::array<bool, 256> kStructural = [] {
    std::array<bool, 256> t{};
    for (unsigned char c : {'"', '[', ']', '{', '}'}) t[c] = true;
    return t;
}();

// The bytes that end a run of plain string bytes.
constexpr std::array<bool, 256> kInString = [] {
    std::array<bool, 256> t{};
    t['"'] = t['\\'] = true;
    return t;
}();

bool is_space(int c) noexcept { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; }
bool ends_scalar(int c) noexcept { return c == ',' || c == ']' || c == '}' || c == ':' || is_space(c); }

[[noreturn]] void fail(const std::string& what) { throw ProtocolError("malformed /rest/sql response: " + what); }

}  // namespace

JsonScanner::JsonScanner(std::unique_ptr<ByteSource> source, std::size_t max_buffer)
    : source_(std::move(source)),
      size_(std::max<std::size_t>(1, std::min(kFirstBuffer, max_buffer))),
      max_size_(std::max(size_, max_buffer)) {}

bool JsonScanner::refill() {
    if (eof_) return false;
    if (!buf_ || (len_ == size_ && size_ < max_size_)) {  // the last read filled it: a large body
        if (buf_) size_ = std::min(size_ * 4, max_size_);
        buf_.reset(new char[size_]);
    }
    pos_ = len_ = 0;
    const std::size_t n = source_->read(buf_.get(), size_);
    if (n == 0) {
        eof_ = true;
        return false;
    }
    len_ = n;
    return true;
}

int JsonScanner::peek() {
    for (;;) {
        for (; pos_ < len_; ++pos_) {
            const auto c = static_cast<unsigned char>(buf_[pos_]);
            if (!is_space(c)) return c;
        }
        if (!refill()) return -1;
    }
}

void JsonScanner::copy_value(std::string& out, std::size_t limit, const char* what) {
    const int first = peek();
    if (first < 0) fail(std::string("the body ends where ") + what + " was expected");
    if (ends_scalar(first)) fail(std::string("expected ") + what + ", got '" + static_cast<char>(first) + "'");
    const bool scalar = first != '[' && first != '{' && first != '"';
    const std::size_t base = out.size();
    std::size_t start = pos_;
    auto keep = [&](std::size_t end) {
        if (out.size() - base + (end - start) > limit) fail(std::string(what) + " is larger than " + std::to_string(limit) + " bytes");
        out.append(buf_.get() + start, end - start);
    };
    int depth = 0;
    bool in_string = false, escaped = false;
    for (;;) {
        const char* const b = buf_.get();
        const char* p = b + pos_;
        const char* const e = b + len_;
        if (scalar) {
            while (p < e && !ends_scalar(static_cast<unsigned char>(*p))) ++p;
            if (p < e) goto done;
        } else {
            while (p < e) {
                if (escaped) {  // the byte after a backslash, perhaps in the previous read
                    escaped = false;
                    ++p;
                    continue;
                }
                if (in_string) {
                    // Tight loops over the bytes that matter in and out of strings.
                    while (p < e && !kInString[static_cast<unsigned char>(*p)]) ++p;
                    if (p == e) break;
                    if (*p++ == '\\') escaped = true;
                    else in_string = false;
                    if (!in_string && depth == 0) goto done;
                    continue;
                }
                while (p < e && !kStructural[static_cast<unsigned char>(*p)]) ++p;
                if (p == e) break;
                const char c = *p++;
                if (c == '"') in_string = true;
                else if (c == '[' || c == '{') ++depth;
                else if (--depth == 0) goto done;
            }
        }
        keep(len_);
        pos_ = len_;
        if (!refill()) {
            if (scalar) return;  // the stream's end ends a number; the caller sees the end next
            fail(std::string("the body ends inside ") + what);
        }
        start = 0;
        continue;
    done:
        pos_ = static_cast<std::size_t>(p - b);
        keep(pos_);
        return;
    }
}

void JsonScanner::read_rest(std::string& out, std::size_t limit) {
    while (out.size() < limit) {
        if (pos_ == len_ && !refill()) return;
        const std::size_t k = std::min(len_ - pos_, limit - out.size());
        out.append(buf_.get() + pos_, k);
        pos_ += k;
    }
}

}  // namespace taoslink::rest
