// Umbrella header for Debian's libsundials-dev (SUNDIALS 6.4.x), which ships no pkg-config file:
// the module map links the libraries by name.
#include <cvode/cvode.h>
#include <nvector/nvector_serial.h>
#include <sunmatrix/sunmatrix_dense.h>
#include <sunmatrix/sunmatrix_band.h>
#include <sunlinsol/sunlinsol_dense.h>
#include <sunlinsol/sunlinsol_band.h>
