// C shim over SUNDIALS CVODE. (Filled in by the foundation work.)
#pragma once
