// Umbrella header for Debian's liblapacke-dev (LAPACKE C interface to reference LAPACK).
#include <lapacke.h>
