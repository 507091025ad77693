// GaussNet: ensemble sampler for one-hidden-layer random networks (PHYSICS.md §2).
//
// Entry points: `SamplerSettings` (validated settings), `GaussNetSampler` (`run`, or `sampleBag`
// per bag for resumable runs), `Measurement` (the analysis: G^(n), m_n, u4, u6 and the exact
// finite-width predictions). The module never prints; progress is reported through a closure.
