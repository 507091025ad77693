// Flows: passive (scale k) and active (sigma_W) RG flows integrated with CVODE.
