// GaussNet: ensemble sampler for one-hidden-layer random networks.
