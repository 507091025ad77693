// Open MPI's C API (Debian's libopenmpi-dev; flags from pkg-config ompi-c). Its handles
// (MPI_COMM_WORLD, MPI_BYTE, …) are macros over addresses that Swift cannot import: only the C
// target MPIShim uses this header.
#include <mpi.h>
