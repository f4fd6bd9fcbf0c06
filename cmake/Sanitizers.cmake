# TAOSLINK_SANITIZE: a comma-separated list of sanitizers ("address,undefined", "thread") applied to
# every target of the build, the plugins, the extension module and the tests alike, so a report
# points at our code wherever it runs. Empty (the default) builds without.
#
# UndefinedBehaviorSanitizer stops at the first report (-fno-sanitize-recover), so a test run
# cannot pass with undefined behaviour in it.
set(TAOSLINK_SANITIZE "" CACHE STRING "Sanitizers for every target: address,undefined or thread (empty: none)")

if(TAOSLINK_SANITIZE)
  string(REPLACE "," ";" _taoslink_sanitizers "${TAOSLINK_SANITIZE}")
  foreach(_s IN LISTS _taoslink_sanitizers)
    if(NOT _s MATCHES "^(address|undefined|thread|leak)$")
      message(FATAL_ERROR "TAOSLINK_SANITIZE: unknown sanitizer '${_s}' (address, undefined, thread or leak)")
    endif()
  endforeach()
  if("thread" IN_LIST _taoslink_sanitizers AND ("address" IN_LIST _taoslink_sanitizers OR "leak" IN_LIST _taoslink_sanitizers))
    message(FATAL_ERROR "TAOSLINK_SANITIZE: thread cannot be combined with address or leak")
  endif()
  string(REPLACE ";" "," _taoslink_sanitize_flag "${_taoslink_sanitizers}")
  add_compile_options(-fsanitize=${_taoslink_sanitize_flag} -fno-omit-frame-pointer -g)
  add_link_options(-fsanitize=${_taoslink_sanitize_flag})
  if("undefined" IN_LIST _taoslink_sanitizers)
    add_compile_options(-fno-sanitize-recover=undefined)
  endif()
  message(STATUS "taoslink: sanitizers ${_taoslink_sanitize_flag}")
endif()
