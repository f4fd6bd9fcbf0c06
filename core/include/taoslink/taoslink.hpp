// Umbrella header: everything a C++ application needs.
#pragma once

#include "taoslink/block.hpp"
#include "taoslink/connection.hpp"
#include "taoslink/dispatcher.hpp"
#include "taoslink/dsn.hpp"
#include "taoslink/error.hpp"
#include "taoslink/types.hpp"
#include "taoslink/version.hpp"
