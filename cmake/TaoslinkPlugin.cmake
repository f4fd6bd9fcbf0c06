# taoslink_add_plugin(<name> SOURCES <src>... [LIBRARIES <lib>...] [OUTPUT_DIRECTORY <dir>] [NO_INSTALL])
#
# Builds a transport plugin <name> as a module named ${TAOSLINK_PLUGIN_FILE_PREFIX}<name>${suffix},
# the file name the loader looks for. Used by the bundled plugins and, through the installed CMake
# package, by third-party plugins built out of tree.
function(taoslink_add_plugin name)
  cmake_parse_arguments(ARG "NO_INSTALL" "OUTPUT_DIRECTORY" "SOURCES;LIBRARIES" ${ARGN})
  set(target "taoslink_plugin_${name}")
  string(REPLACE "-" "_" target "${target}")
  add_library(${target} MODULE ${ARG_SOURCES})
  target_link_libraries(${target} PRIVATE taoslink::core ${ARG_LIBRARIES})
  if(NOT ARG_OUTPUT_DIRECTORY AND DEFINED TAOSLINK_PLUGIN_OUTPUT_DIR)
    set(ARG_OUTPUT_DIRECTORY "${TAOSLINK_PLUGIN_OUTPUT_DIR}")
  endif()
  set_target_properties(${target} PROPERTIES
    PREFIX "" OUTPUT_NAME "${TAOSLINK_PLUGIN_FILE_PREFIX}${name}" SUFFIX "${TAOSLINK_PLUGIN_FILE_SUFFIX}"
    CXX_VISIBILITY_PRESET hidden VISIBILITY_INLINES_HIDDEN ON
    # plugins sit in <libdir>/taoslink/plugins; the core library is two levels up
    INSTALL_RPATH "$ORIGIN/../..")
  if(ARG_OUTPUT_DIRECTORY)
    set_target_properties(${target} PROPERTIES LIBRARY_OUTPUT_DIRECTORY "${ARG_OUTPUT_DIRECTORY}")
  endif()
  if(NOT ARG_NO_INSTALL)
    install(TARGETS ${target} LIBRARY DESTINATION "${TAOSLINK_INSTALL_PLUGINDIR}" COMPONENT runtime)
  endif()
  set(TAOSLINK_LAST_PLUGIN_TARGET ${target} PARENT_SCOPE)
endfunction()
