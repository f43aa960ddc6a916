# meridian_add_mpi_test(NAME name TARGET exe RANKS 1 2 3 ... [LABELS ...] [ARGS ...] [TIMEOUT s])
# Registers name_np<N> for each rank count, run through mpiexec with the environment that Open MPI
# needs here (root, oversubscription, no busy polling, ROMIO), so a bare `ctest` works. Two settings
# only make the suite faster: PMIx skips munge (2.5 s of retries per start when munged is not running),
# and mpirun does not wait 2 x 1 s for the ranks of a job that failed to die (the validation tests end
# ~80 jobs with status 2). Users' runs keep Open MPI's grace period.
set(MERIDIAN_MPI_TEST_ENV
  OMPI_ALLOW_RUN_AS_ROOT=1
  OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
  OMPI_MCA_rmaps_base_oversubscribe=1
  OMPI_MCA_mpi_yield_when_idle=1
  OMPI_MCA_io=romio321
  OMPI_MCA_btl_vader_single_copy_mechanism=none
  PMIX_MCA_psec=native
  OMPI_MCA_odls_base_sigkill_timeout=0
  PRTE_MCA_rmaps_default_mapping_policy=:oversubscribe)

# Gives a test its own Open MPI session directory. With one shared /tmp/ompi.<host>.<uid>, an mpirun
# that exits removes it while a concurrent one (ctest -j) is creating its own subfolder inside, and
# the second fails in orte_init ("A call to mkdir was unable to create the desired directory").
function(meridian_isolate_mpi_test name)
  set(dir ${CMAKE_BINARY_DIR}/ompi-session/${name})
  file(MAKE_DIRECTORY ${dir})
  set_property(TEST ${name} APPEND PROPERTY ENVIRONMENT "OMPI_MCA_orte_tmpdir_base=${dir}")
endfunction()

function(meridian_add_mpi_test)
  cmake_parse_arguments(T "" "NAME;TARGET;TIMEOUT" "RANKS;LABELS;ARGS;ENVIRONMENT" ${ARGN})
  if(NOT T_TIMEOUT)
    set(T_TIMEOUT 120)
  endif()
  foreach(n IN LISTS T_RANKS)
    set(test_name ${T_NAME}_np${n})
    add_test(NAME ${test_name}
      COMMAND ${MPIEXEC_EXECUTABLE} ${MPIEXEC_NUMPROC_FLAG} ${n} --oversubscribe ${MPIEXEC_PREFLAGS}
              $<TARGET_FILE:${T_TARGET}> ${MPIEXEC_POSTFLAGS} ${T_ARGS})
    set_tests_properties(${test_name} PROPERTIES
      PROCESSORS ${n}
      TIMEOUT ${T_TIMEOUT}
      LABELS "mpi;${T_LABELS}"
      ENVIRONMENT "${MERIDIAN_MPI_TEST_ENV};${T_ENVIRONMENT}")
    meridian_isolate_mpi_test(${test_name})
  endforeach()
endfunction()

# An MPI test executable: the given sources plus the shared Catch2 MPI runner.
function(meridian_add_mpi_test_executable target)
  add_executable(${target} ${ARGN})
  target_link_libraries(${target} PRIVATE meridian_mpi_test_runner)
endfunction()
