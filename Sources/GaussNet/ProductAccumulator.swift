/// Accumulates, for a block of 32 networks at a time, the products `v_{j1} v_{j2} ⋯ v_{jk}` over every
/// sorted multiset `j1 ≤ j2 ≤ … ≤ jk` of `itemCount` values, for `k` up to `depth`.
///
/// The multisets are visited depth first, so the product of a multiset is its parent's product
/// times one value: `C(Q+k−1, k)` multiplications at depth `k` instead of `(k−1) C(Q+k−1, k)`; the
/// last level is fused into a dot product. The 32 networks of a block are the SIMD lanes
/// (8 × `SIMD4<Double>`), and every sum is taken in a fixed order, so results do not depend on
/// how blocks are distributed over threads.
///
/// Output layout: depth by depth (only depths flagged in `outputDepths`), each in lexicographic
/// multiset order (`itertools.combinations_with_replacement` order).
struct ProductAccumulator {
    static let lanes = 32
    static let vectors = 8

    let itemCount: Int
    let depth: Int
    /// `emits[k]` for k in 1...depth.
    let emits: [Bool]
    /// Index of the first output of depth `k`.
    let offsets: [Int]
    let outputCount: Int

    init(itemCount: Int, depth: Int, outputDepths: Set<Int>) {
        precondition(depth >= 2 && outputDepths.contains(depth))
        self.itemCount = itemCount
        self.depth = depth
        var emits = [Bool](repeating: false, count: depth + 1)
        var offsets = [Int](repeating: 0, count: depth + 1)
        var total = 0
        for k in 1...depth where outputDepths.contains(k) {
            emits[k] = true
            offsets[k] = total
            total += Combinatorics.multisetCount(itemCount, k)
        }
        self.emits = emits
        self.offsets = offsets
        outputCount = total
    }

    /// Scratch memory for one worker.
    final class Scratch {
        let levels: UnsafeMutablePointer<SIMD4<Double>>
        let item: UnsafeMutablePointer<Int>
        let counter: UnsafeMutablePointer<Int>
        let emit: UnsafeMutablePointer<Bool>
        init(_ accumulator: ProductAccumulator) {
            levels = .allocate(capacity: (accumulator.depth + 1) * ProductAccumulator.vectors)
            item = .allocate(capacity: accumulator.depth + 1)
            counter = .allocate(capacity: accumulator.depth + 1)
            emit = .allocate(capacity: accumulator.depth + 1)
            for k in 0...accumulator.depth { emit[k] = accumulator.emits[k] }
        }
        deinit {
            levels.deallocate()
            item.deallocate()
            counter.deallocate()
            emit.deallocate()
        }
    }

    /// Adds the products of one block to `sums` (one `SIMD4` per output; lanes folded 8 → 4).
    /// `values[j * 8 + t]` holds lanes `4t..<4t+4` of value `j`.
    func accumulate(
        values: UnsafePointer<SIMD4<Double>>, sums: UnsafeMutablePointer<SIMD4<Double>>, scratch: Scratch
    ) {
        let V = ProductAccumulator.vectors
        let q = itemCount
        let depth = self.depth
        let levels = scratch.levels
        let item = scratch.item
        let counter = scratch.counter
        let emit = scratch.emit
        for k in 0...depth { counter[k] = offsets[k] }
        var k = 1
        item[1] = 0
        outer: while true {
            let j = item[k]
            let buf = levels + k * V
            let v = values + j * V
            if k == 1 {
                for t in 0..<V { buf[t] = v[t] }
            } else {
                let previous = levels + (k - 1) * V
                for t in 0..<V { buf[t] = previous[t] * v[t] }
            }
            if emit[k] {
                let s = ((buf[0] + buf[1]) + (buf[2] + buf[3])) + ((buf[4] + buf[5]) + (buf[6] + buf[7]))
                sums[counter[k]] += s
                counter[k] += 1
            }
            if k + 1 == depth {
                // Leaves: fused multiply and fold, no product stored.
                var out = sums + counter[depth]
                for jj in j..<q {
                    let w = values + jj * V
                    let s = ((buf[0] * w[0] + buf[1] * w[1]) + (buf[2] * w[2] + buf[3] * w[3]))
                        + ((buf[4] * w[4] + buf[5] * w[5]) + (buf[6] * w[6] + buf[7] * w[7]))
                    out.pointee += s
                    out += 1
                }
                counter[depth] += q - j
            } else if k < depth {
                k += 1
                item[k] = j
                continue
            }
            while true {
                item[k] += 1
                if item[k] < q { break }
                k -= 1
                if k == 0 { break outer }
            }
        }
    }
}
