// TDengine error codes the plugins classify alike.
#pragma once

namespace taoslink::plugin {

/// Whether `code` (its low 16 bits) is one of TDengine's user/authentication codes (0x0350..0x0357).
inline bool is_auth_code(int code) noexcept {
    code &= 0xFFFF;
    return code >= 0x0350 && code <= 0x0357;
}

}  // namespace taoslink::plugin
