// GaussNet: ensemble sampler for one-hidden-layer random networks (PHYSICS.md §2).
//
// Entry points: `SamplerSettings` (validated settings), `Architecture` (the neuron's exact
// formulas; the kinds are registered in `ArchitectureKind`), `EnsembleJob` (a run: bags from a
// `BagStore`, the missing ones through a `BagExecutor`), `GaussNetSampler` (one bag at a time),
// `Measurement` (the analysis: G^(n), m_n, u4, u6 and the exact finite-width predictions). The
// module never prints; progress is reported through a closure.
