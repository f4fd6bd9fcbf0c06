// The plugin boundary: the one versioned entry symbol a transport plugin exports.
//
// A plugin is a shared library that exports `taoslink_plugin_entry` (see below). The loader calls
// it with the ABI version it speaks; the plugin fills a descriptor. The loader trusts nothing in
// the library until it has checked, in this order: the entry's return code, `abi_version`,
// `struct_size`, and `build_tag` (C++ objects cross the boundary once these match, so plugins
// must be built against the same major ABI of libtaoslink and a compatible C++ standard library).
// No exception may cross the entry point; `create` reports failures through its error buffer.
//
// Plugin authors write:
//
//     class MyTransport : public taoslink::Transport { ... };
//     TAOSLINK_PLUGIN("my-plugin", MyTransport, "my", "mys")
//
// and link against taoslink::core. See docs/plugin-authors.md.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <exception>

#include "taoslink/connection.hpp"
#include "taoslink/version.hpp"

/// Bumped whenever the descriptor or the interfaces in connection.hpp change incompatibly.
#define TAOSLINK_PLUGIN_ABI_VERSION 3u

/// Identifies the C++ ABI the core and plugins were compiled for. Both sides compute it from
/// their own headers and compiler, and the loader refuses a plugin whose tag differs.
#define TAOSLINK_STRINGIFY_(x) #x
#define TAOSLINK_STRINGIFY(x) TAOSLINK_STRINGIFY_(x)
#if defined(_GLIBCXX_USE_CXX11_ABI)
#define TAOSLINK_CXX_ABI_TAG "libstdc++-cxx11abi" TAOSLINK_STRINGIFY(_GLIBCXX_USE_CXX11_ABI)
#elif defined(_LIBCPP_VERSION)
#define TAOSLINK_CXX_ABI_TAG "libc++"
#else
#define TAOSLINK_CXX_ABI_TAG "unknown-stdlib"
#endif
#define TAOSLINK_BUILD_TAG "taoslink-abi" TAOSLINK_STRINGIFY(TAOSLINK_PLUGIN_ABI_VERSION) "/" TAOSLINK_CXX_ABI_TAG

/// The name of the entry symbol, as the loader looks it up.
#define TAOSLINK_PLUGIN_ENTRY_SYMBOL "taoslink_plugin_entry"

extern "C" {

/// What a plugin tells the loader about itself.
struct taoslink_plugin_descriptor {
    std::uint32_t abi_version;   ///< TAOSLINK_PLUGIN_ABI_VERSION the plugin was built with
    std::uint32_t struct_size;   ///< sizeof(taoslink_plugin_descriptor) the plugin was built with
    const char* name;            ///< the plugin's name ("taos-rest")
    const char* const* schemes;  ///< NULL-terminated list of URL schemes it serves
    const char* build_tag;       ///< TAOSLINK_BUILD_TAG the plugin was built with
    const char* version;         ///< the plugin's own version, free-form
    /// Creates the transport. Returns nullptr and writes a message into `err` on failure.
    taoslink::Transport* (*create)(char* err, std::size_t err_len);
    /// Destroys a transport made by `create`.
    void (*destroy)(taoslink::Transport*);
};

/// Signature of the entry symbol: fills `out` and returns 0, or returns non-zero when the plugin
/// cannot serve a host of `host_abi_version`.
typedef int (*taoslink_plugin_entry_fn)(std::uint32_t host_abi_version, taoslink_plugin_descriptor* out);

}  // extern "C"

/// Defines the entry symbol for a plugin named NAME whose transport class is TRANSPORT
/// (default-constructible), serving the listed schemes.
#define TAOSLINK_PLUGIN(NAME, TRANSPORT, ...)                                                        \
    namespace {                                                                                      \
    const char* const taoslink_plugin_schemes_[] = {__VA_ARGS__, nullptr};                          \
    taoslink::Transport* taoslink_plugin_create_(char* err, std::size_t err_len) {                   \
        try {                                                                                        \
            return new TRANSPORT();                                                                  \
        } catch (const std::exception& e) {                                                          \
            std::snprintf(err, err_len, "%s", e.what());                                            \
        } catch (...) {                                                                              \
            std::snprintf(err, err_len, "unknown error creating transport");                        \
        }                                                                                            \
        return nullptr;                                                                              \
    }                                                                                                \
    void taoslink_plugin_destroy_(taoslink::Transport* t) { delete t; }                             \
    }                                                                                                \
    extern "C" __attribute__((visibility("default"))) int taoslink_plugin_entry(                    \
        std::uint32_t host_abi_version, taoslink_plugin_descriptor* out) {                          \
        if (out == nullptr || host_abi_version != TAOSLINK_PLUGIN_ABI_VERSION) return 1;             \
        out->abi_version = TAOSLINK_PLUGIN_ABI_VERSION;                                              \
        out->struct_size = sizeof(taoslink_plugin_descriptor);                                       \
        out->name = NAME;                                                                            \
        out->schemes = taoslink_plugin_schemes_;                                                     \
        out->build_tag = TAOSLINK_BUILD_TAG;                                                         \
        out->version = TAOSLINK_VERSION;                                                             \
        out->create = &taoslink_plugin_create_;                                                      \
        out->destroy = &taoslink_plugin_destroy_;                                                    \
        return 0;                                                                                    \
    }
