import Foundation

/// The largest magnitude, `10³⁰⁰`, a quantity that frg integrates or reports may reach: flows stop
/// (with the reason) when a value would grow beyond it. Double precision ends at `1.8·10³⁰⁸`; the
/// eight decades between leave room for the arithmetic done on reported values (squares in error
/// propagation, products of couplings in the beta functions), so that no infinity or NaN follows.
/// Scales `k` are kept in `[10⁻³⁰⁰, 10³⁰⁰]`, so `|ln k| ≤ ln 10³⁰⁰ ≈ 690.8`.
public let representableMagnitude = 1e300

/// `ln(representableMagnitude)`, the bound in the logarithmic form the stop events compare with.
public let logRepresentableMagnitude = log(representableMagnitude)
