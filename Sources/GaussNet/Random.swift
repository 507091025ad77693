import Foundation

/// A counter-based random stream: the `i`-th 64-bit output of stream `s` under seed `k` is
///
///     wymix(key(k) + γ · (s · 2³² + i + 1)),   γ = 0xA0761D6478BD642F,
///     wymix(v) = hi ⊕ lo of the 128-bit product v · (v ⊕ 0xE7037ED1A0B428DB)
///
/// — wyrand's output function (passes BigCrush and PractRand) evaluated at a counter, with `key`
/// the SplitMix64 finalizer of the seed. Because `γ` is odd the counters `s · 2³² + i` map to
/// distinct states, so streams never share a state as long as each uses fewer than 2³² outputs;
/// every output depends only on `(seed, stream, i)`, never on which thread drew it. The sampler
/// uses one stream per network: `s = bag · netsPerBag + net`.
public struct CounterRandomStream: @unchecked Sendable {
    @usableFromInline static let gamma: UInt64 = 0xA076_1D64_78BD_642F
    @usableFromInline var state: UInt64
    /// Ziggurat table: `(x[i], ratio[i])` interleaved, fetched once per stream so the hot path does
    /// no lazy-global check and no bounds check. Immutable after initialization, hence the
    /// `@unchecked Sendable`.
    @usableFromInline let zig: UnsafePointer<Double>

    /// Stream `stream` of generator `seed`.
    @inlinable
    public init(seed: UInt64, stream: UInt64) {
        let key = CounterRandomStream.mix(seed &+ 0x5851_F42D_4C95_7F2D)
        state = key &+ (stream << 32) &* CounterRandomStream.gamma
        zig = Ziggurat.interleaved
    }

    @inlinable @inline(__always)
    static func mix(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Next 64 uniformly distributed bits.
    @inlinable @inline(__always)
    public mutating func next() -> UInt64 {
        state &+= CounterRandomStream.gamma
        let product = (state ^ 0xE703_7ED1_A0B4_28DB).multipliedFullWidth(by: state)
        return product.high ^ product.low
    }

    /// Uniform on the open interval (0, 1), 53-bit resolution.
    @inlinable @inline(__always)
    public mutating func nextUniform() -> Double {
        (Double(next() >> 11) + 0.5) * 0x1p-53
    }

    /// Standard normal by the 256-layer ziggurat (Marsaglia–Tsang layout, Doornik's ZIGNOR
    /// acceptance test; Marsaglia's tail method). One 64-bit output per draw on the fast path
    /// (≈ 99 % of draws): the low 8 bits pick the layer, the top 53 bits give the signed abscissa.
    @inlinable @inline(__always)
    public mutating func nextNormal() -> Double {
        while true {
            let bits = next()
            let layer = Int(truncatingIfNeeded: bits & 0xFF)
            let u = Double(Int64(bitPattern: bits) >> 11) * 0x1p-52  // in [−1, 1)
            if abs(u) < zig[2 * layer + 1] { return u * zig[2 * layer] }
            if let value = slowNormal(u: u, layer: layer) { return value }
        }
    }

    @usableFromInline
    mutating func slowNormal(u: Double, layer: Int) -> Double? {
        let table = Ziggurat.table
        if layer == 0 {
            // Tail beyond r: Marsaglia (1964).
            var x: Double, y: Double
            repeat {
                x = log(nextUniform()) / Ziggurat.r
                y = log(nextUniform())
            } while -2 * y < x * x
            return u < 0 ? x - Ziggurat.r : Ziggurat.r - x
        }
        let x = u * table.x[layer]
        let f0 = exp(-0.5 * (table.x[layer] * table.x[layer] - x * x))
        let f1 = exp(-0.5 * (table.x[layer + 1] * table.x[layer + 1] - x * x))
        if f1 + nextUniform() * (f0 - f1) < 1.0 { return x }
        return nil
    }
}

/// Tables of the 256-layer normal ziggurat.
@usableFromInline
struct Ziggurat: Sendable {
    @usableFromInline static let r = 3.6541528853610088
    static let v = 0.00492867323399
    @usableFromInline static let table = Ziggurat()
    /// `x[i], ratio[i]` interleaved for i in 0..<256; allocated once, never freed.
    @usableFromInline static let interleaved: UnsafePointer<Double> = {
        let p = UnsafeMutablePointer<Double>.allocate(capacity: 512)
        for i in 0..<256 {
            p[2 * i] = table.x[i]
            p[2 * i + 1] = table.ratio[i]
        }
        return UnsafePointer(p)
    }()

    /// `x[0] = v/f(r)` (pseudo-width of the base strip), `x[1] = r`, …, `x[256] = 0`.
    @usableFromInline let x: [Double]
    /// `ratio[i] = x[i+1] / x[i]`: the fraction of layer `i` inside the density.
    @usableFromInline let ratio: [Double]

    init() {
        let layers = 256
        var x = [Double](repeating: 0, count: layers + 1)
        var f = exp(-0.5 * Ziggurat.r * Ziggurat.r)
        x[0] = Ziggurat.v / f
        x[1] = Ziggurat.r
        for i in 2..<layers {
            x[i] = (-2 * log(Ziggurat.v / x[i - 1] + f)).squareRoot()
            f = exp(-0.5 * x[i] * x[i])
        }
        x[layers] = 0
        self.x = x
        ratio = (0..<layers).map { x[$0 + 1] / x[$0] }
    }
}
