# Writes version.hpp with the git revision of the source tree at build time (run on every
# build; configure_file leaves the file untouched when nothing changed, so nothing rebuilds).
execute_process(COMMAND git rev-parse --short=12 HEAD WORKING_DIRECTORY ${SRC}
                OUTPUT_VARIABLE SIXPARTY_GIT_REVISION OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET RESULT_VARIABLE rc)
if(NOT rc EQUAL 0 OR NOT SIXPARTY_GIT_REVISION)
  set(SIXPARTY_GIT_REVISION "unknown")
else()
  execute_process(COMMAND git status --porcelain --untracked-files=no WORKING_DIRECTORY ${SRC}
                  OUTPUT_VARIABLE dirty OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
  if(dirty)
    set(SIXPARTY_GIT_REVISION "${SIXPARTY_GIT_REVISION}-dirty")
  endif()
endif()
set(PROJECT_VERSION ${VERSION})
configure_file(${IN} ${OUT} @ONLY)
