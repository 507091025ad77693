#include "cvode_shim.h"
