// ODE: Swift wrapper over the CVODE shim. (Filled in by the foundation work.)
