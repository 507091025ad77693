import Foundation
import GaussNetKernels

/// Branch-free `exp` on four lanes, for the sampler's hot loop.
///
/// Method (Tang's table method): `x = (64m + j) ln2/64 + r` with `k = 64m + j = round(64x/ln2)`
/// obtained by the 1.5·2⁵² rounding trick (no float→int conversion), `ln2/64` split in a part exact
/// in 32 bits and a correction, so `|r| ≤ ln2/128 ≈ 0.0054`; then
///
///     e^x = 2^m · 2^{j/64} · P(r),   P(r) = Σ_{i≤5} r^i/i!   (truncation r⁶/720 < 4e-17),
///
/// with `2^{j/64}` from a 64-entry table and `2^m` built in the exponent field. Valid for
/// `x ∈ [−708, 709]` with no check: the sampler's arguments are `W0·x + b0 − σ_b²` and `W0·h`, which
/// `SamplerSettings.validate` bounds (σ_W|x|, σ_b ≤ 7.7, so even a 40σ normal draw stays below 700).
/// Relative error ≤ 5e-16 (tested against libm over [−700, 700]).
@inlinable @inline(__always)
public func fastExp(_ x: SIMD4<Double>) -> SIMD4<Double> {
    let magic = SIMD4<Double>(repeating: 6_755_399_441_055_744.0)  // 1.5 · 2⁵²
    let shifted = x * (64 * 1.4426950408889634) + magic
    let k = shifted - magic
    let r = (x - k * 0.010830424696223417) - k * 2.5728046223276688e-14
    var p = SIMD4<Double>(repeating: 1.0 / 120)
    p = p * r + 1.0 / 24
    p = p * r + 1.0 / 6
    p = p * r + 0.5
    p = p * r + 1
    p = p * r + 1
    // The low bits of `shifted` hold k + 2⁵¹ (two's complement of k in the mantissa).
    let bits = unsafeBitCast(shifted, to: SIMD4<UInt64>.self)
    let j = bits & 63
    let table = ExpTable.powers
    let fraction = SIMD4<Double>(table[Int(truncatingIfNeeded: j[0])], table[Int(truncatingIfNeeded: j[1])],
                                 table[Int(truncatingIfNeeded: j[2])], table[Int(truncatingIfNeeded: j[3])])
    let scale = unsafeBitCast(((bits &>> 6) &+ 1023) &<< 52, to: SIMD4<Double>.self)
    return p * fraction * scale
}

/// `2^{j/64}`, j = 0..<64, allocated once and never freed.
@usableFromInline
enum ExpTable {
    @usableFromInline static let powers: UnsafePointer<Double> = {
        let table = UnsafeMutablePointer<Double>.allocate(capacity: 64)
        for j in 0..<64 { table[j] = exp2(Double(j) / 64) }
        return UnsafePointer(table)
    }()
}

/// `y[i] = exp(x[i])` for `i < count` by the C kernels' vectorized table method (relative error
/// ≤ 5e-16, valid for x ∈ [−708, 709], no range check) — the exponential of the direct sampler.
public func vectorExp(_ x: UnsafePointer<Double>, into y: UnsafeMutablePointer<Double>, count: Int) {
    frg_exp_array(x, y, count)
}
