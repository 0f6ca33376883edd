# agritrace_layer(NAME DIR [WERROR] [MODULE FILE] [EXCLUDE file.cc...] [LIBS lib...]): the library
# NAME made of DIR/*.cc (not its subfolders), linking LIBS publicly.
#
# MODULE FILE makes it a shared module loaded with dlopen, FILE.so beside the executables
# (build/bin/), built with hidden visibility (only what it marks default is exported); nothing
# links it, its users include only its headers (wallet-cli/module_loader.h).
#
# Its headers are exposed one by one through build/include/NAME/DIR/ (symbolic links), so a
# target sees `#include "DIR/x.h"` only for the layers it links: the repository root is on no
# one's include path. WERROR adds -Werror (the chain/ layers).
function(agritrace_layer name dir)
  cmake_parse_arguments(L "WERROR" "MODULE" "LIBS;EXCLUDE" ${ARGN})
  file(GLOB srcs CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/${dir}/*.cc)
  foreach(excluded ${L_EXCLUDE})
    list(REMOVE_ITEM srcs ${CMAKE_SOURCE_DIR}/${dir}/${excluded})
  endforeach()
  if(L_MODULE)
    add_library(${name} MODULE ${srcs})
    set_target_properties(${name} PROPERTIES PREFIX "" OUTPUT_NAME ${L_MODULE}
                          LIBRARY_OUTPUT_DIRECTORY ${CMAKE_RUNTIME_OUTPUT_DIRECTORY}
                          CXX_VISIBILITY_PRESET hidden VISIBILITY_INLINES_HIDDEN ON)
    target_link_options(${name} PRIVATE LINKER:--as-needed LINKER:--no-undefined)
  else()
    add_library(${name} STATIC ${srcs})
  endif()
  agritrace_expose_headers(${name} ${dir})
  target_link_libraries(${name} PUBLIC ${L_LIBS})
  target_compile_options(${name} PRIVATE ${AGRITRACE_WARNINGS})
  if(L_WERROR)
    target_compile_options(${name} PRIVATE -Werror)
  endif()
  set_property(GLOBAL APPEND PROPERTY AGRITRACE_LAYERS ${name})
endfunction()

# Puts the headers of DIR (not its subfolders) on TARGET's public include path as "DIR/x.h".
function(agritrace_expose_headers target dir)
  set(root ${CMAKE_BINARY_DIR}/include/${target})
  file(REMOVE_RECURSE ${root})
  file(MAKE_DIRECTORY ${root}/${dir})
  file(GLOB headers CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/${dir}/*.h)
  foreach(header ${headers})
    get_filename_component(file ${header} NAME)
    file(CREATE_LINK ${header} ${root}/${dir}/${file} SYMBOLIC)
  endforeach()
  get_target_property(type ${target} TYPE)
  if(type STREQUAL "INTERFACE_LIBRARY")
    target_include_directories(${target} INTERFACE ${root})
  else()
    target_include_directories(${target} PUBLIC ${root})
  endif()
endfunction()
