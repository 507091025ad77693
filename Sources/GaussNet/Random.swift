import Foundation
import GaussNetKernels

/// A counter-based random stream: draw `i` (0-based) of stream `s` under generator `seed` is the
/// 64-bit word
///
///     mix64(key(seed) + γ · (s · 2³² + i + 1)),   γ = 0xA0761D6478BD642F,
///
/// with `mix64` the SplitMix64 finalizer (Steele, Lea & Flood 2014, Java's `SplittableRandom`; it
/// passes BigCrush) and `key` the same finalizer of the seed. Because `γ` is odd the counters map
/// to distinct states while a stream uses fewer than 2³² draws. Every draw — a word, a uniform or a
/// normal — consumes exactly one index, and its value depends only on `(seed, stream, index)`:
/// never on the thread, the order, or whether it was drawn one at a time (`nextNormal`) or in a
/// vectorized block (`fillNormals`). The sampler uses one stream per network:
/// `s = bag · netsPerBag + net`.
///
/// Normals come from a 512-layer ziggurat (details in `gaussnet_kernels.h`); 99.2 % of draws
/// cost one word, the rest continue with a private sequence hashed from `(seed, stream, index)`.
public struct CounterRandomStream: Sendable {
    @usableFromInline let key: UInt64
    @usableFromInline let stream: UInt64
    @usableFromInline var position: UInt64
    /// Index of the next draw.
    public var index: UInt64 { position }

    /// Stream `stream` of generator `seed`, positioned at draw 0.
    @inlinable
    public init(seed: UInt64, stream: UInt64) {
        key = frg_stream_key(seed)
        self.stream = stream
        position = 0
    }

    /// Next 64 uniformly distributed bits.
    @inlinable @inline(__always)
    public mutating func next() -> UInt64 {
        defer { position += 1 }
        return frg_word(key, stream, position)
    }

    /// Uniform on the open interval (0, 1), 53-bit resolution.
    @inlinable @inline(__always)
    public mutating func nextUniform() -> Double {
        defer { position += 1 }
        return frg_uniform(key, stream, position)
    }

    /// A standard normal.
    @inlinable @inline(__always)
    public mutating func nextNormal() -> Double {
        defer { position += 1 }
        return frg_normal(key, stream, position)
    }

    /// The next `count` draws as standard normals, vectorized; identical to `count` calls of
    /// `nextNormal()`.
    @inlinable
    public mutating func fillNormals(_ out: UnsafeMutablePointer<Double>, count: Int) {
        frg_normals(key, stream, position, count, out)
        position += UInt64(count)
    }

    /// One network of the direct Gauss-net estimator on equally spaced inputs `x0 + p·h`: draws
    /// `3 · width` normals (per neuron `W0, b0, W1`, in that order) and writes
    /// `field[p] = Σ_i W1_i exp(W0_i (x0 + p h) + b0_i − shift)`; see `frg_gaussnet_direct`.
    /// `scratch` holds `directScratchCount(width:)` doubles; `points` ≤ `directMaxPoints`.
    @inlinable
    public mutating func directGaussNet(width: Int, points: Int, start x0: Double, step h: Double,
                                        weightScale: Double, biasScale: Double, readoutScale: Double,
                                        shift: Double, scratch: UnsafeMutablePointer<Double>,
                                        field: UnsafeMutablePointer<Double>) {
        frg_gaussnet_direct(key, stream, position, Int32(width), Int32(points), x0, h, weightScale, biasScale,
                            readoutScale, shift, scratch, field)
        position += 3 * UInt64(width)
    }

    /// One network of the direct estimator of an activation network on any inputs (`inputs`
    /// flattened `[p·d + k]`): draws `(d + 2) · width` normals (all `W0`, all `b0`, all `W1`) and writes
    /// `field[p] = Σ_i W1_i σ(W0_i·x_p + b0_i)`; see `frg_activation_direct`. `points` ≤ 64.
    @inlinable
    public mutating func directActivation(width: Int, points: Int, dimension: Int, inputs: [Double],
                                          activation: Activation, weightScale: Double, biasScale: Double,
                                          readoutScale: Double, field: UnsafeMutablePointer<Double>) {
        inputs.withUnsafeBufferPointer { xs in
            frg_activation_direct(key, stream, position, Int32(width), Int32(points), Int32(dimension), xs.baseAddress,
                                  activation.rawValue, weightScale, biasScale, readoutScale, field)
        }
        position += UInt64(dimension + 2) * UInt64(width)
    }

    /// Scratch doubles `directGaussNet` needs at `width`.
    public static func directScratchCount(width: Int) -> Int { frg_direct_scratch_count(Int32(width)) }

    /// Largest point count `directGaussNet` accepts.
    public static let directMaxPoints = Int(FRG_DIRECT_MAX_POINTS)
}

/// The ziggurat's table as the C kernels use it: edges `x[i]` (i = 0…512; x[1] = r, x[512] = 0)
/// and fast-test thresholds `t[i] ≤ x[i+1]/x[i]` (see scripts/generate-ziggurat-table).
enum Ziggurat {
    static let layers = Int(FRG_ZIGGURAT_LAYERS)
    static var r: Double { x(1) }

    static func x(_ i: Int) -> Double { frg_ziggurat_edge(frg_ziggurat_table[i]) }
    static func threshold(_ i: Int) -> Double { frg_ziggurat_threshold(frg_ziggurat_table[i]) }
}
