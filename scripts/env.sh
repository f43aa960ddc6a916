# Sourced by meridian's scripts: the Open MPI settings that make runs correct and fast on a
# workstation or a CI machine. Cluster users get the same from their site's modules or batch scripts.
export OMPI_MCA_io=romio321                       # OMPIO corrupts collective HDF5 writes (ompi#12718)
export OMPI_MCA_mpi_yield_when_idle=1             # never busy-poll when ranks share cores
export OMPI_MCA_rmaps_base_oversubscribe=1        # allow more ranks than cores on a laptop
export OMPI_MCA_btl_vader_single_copy_mechanism=none  # faster 8-64 KiB messages, works in containers
export PMIX_MCA_psec=native  # munge (installed with Slurm, often not running) costs 2.5 s of retries per MPI start
if [[ $(id -u) -eq 0 ]]; then                     # containers and CI run as root
  export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
fi
