// Telling Poco's exceptions apart, for the plugins that map them onto taoslink errors.
#pragma once

#include <Poco/Exception.h>

namespace taoslink::plugin {

/// Whether `e` is an E (or derives from one).
template <class E>
bool is(const Poco::Exception& e) {
    return dynamic_cast<const E*>(&e) != nullptr;
}

}  // namespace taoslink::plugin
