/// Index combinatorics for correlators of `P` input points.
public enum Combinatorics {
    /// All multisets of size `size` from `0..<count` as sorted tuples, in lexicographic order —
    /// the order of Python's `itertools.combinations_with_replacement(range(count), size)`.
    public static func multisets(of count: Int, size: Int) -> [[Int]] {
        var result: [[Int]] = []
        var current: [Int] = []
        func extend(from start: Int) {
            if current.count == size {
                result.append(current)
                return
            }
            for j in start..<count {
                current.append(j)
                extend(from: j)
                current.removeLast()
            }
        }
        if size == 0 { return [[]] }
        extend(from: 0)
        return result
    }

    /// Number of multisets of size `size` from `count` items, `C(count + size − 1, size)`.
    public static func multisetCount(_ count: Int, _ size: Int) -> Int {
        var value = 1
        for k in 0..<size { value = value * (count + k) / (k + 1) }
        return value
    }

    /// The unordered pairs `(a, b)`, `a < b`, of `0..<n`.
    public static func pairs(of n: Int) -> [(Int, Int)] {
        var result: [(Int, Int)] = []
        for a in 0..<n { for b in (a + 1)..<n { result.append((a, b)) } }
        return result
    }

    /// All perfect matchings of `0..<n` (`n` even): `(n−1)!!` pairings, each a list of `n/2` pairs.
    public static func pairings(of n: Int) -> [[(Int, Int)]] {
        func match(_ items: [Int]) -> [[(Int, Int)]] {
            guard let first = items.first else { return [[]] }
            var result: [[(Int, Int)]] = []
            for k in 1..<items.count {
                var rest = items
                rest.remove(at: k)
                rest.removeFirst()
                for tail in match(rest) { result.append([(first, items[k])] + tail) }
            }
            return result
        }
        precondition(n % 2 == 0)
        return match(Array(0..<n))
    }

    /// The 10 splits of six legs into two unordered triples `{a,b,c | d,e,f}` (the first triple
    /// contains leg 0).
    public static func tripleSplits() -> [([Int], [Int])] {
        var result: [([Int], [Int])] = []
        for b in 1..<6 {
            for c in (b + 1)..<6 {
                let first = [0, b, c]
                result.append((first, (0..<6).filter { !first.contains($0) }))
            }
        }
        return result
    }

    /// Lexicographic rank tables for sorted multisets of size `size` over `count` items.
    struct MultisetIndex {
        let table: [[Int]: Int]
        init(count: Int, size: Int) {
            var table: [[Int]: Int] = [:]
            for (k, m) in Combinatorics.multisets(of: count, size: size).enumerated() { table[m] = k }
            self.table = table
        }
        func index(_ multiset: [Int]) -> Int { table[multiset.sorted()]! }
    }
}

/// Wick sum `Σ_{pairings} Π K(x_a, x_b)` of a covariance over the legs `legs` (indices into `cov`).
func wickSum(_ legs: [Int], covariance: (Int, Int) -> Double) -> Double {
    guard let first = legs.first else { return 1 }
    var total = 0.0
    for k in 1..<legs.count {
        var rest = legs
        rest.remove(at: k)
        rest.removeFirst()
        total += covariance(first, legs[k]) * wickSum(rest, covariance: covariance)
    }
    return total
}

/// `(|Σ_j x_j|², Σ_j |x_j|²)` of a list of `d`-component points: the two invariants every Gaussian
/// integral over a product of `exp(W0·x_j)` or of `K_W(x, x_j)` depends on.
func sumAndSquares(_ points: [[Double]], dimension d: Int) -> (sumSquared: Double, squares: Double) {
    var sum = [Double](repeating: 0, count: d)
    var squares = 0.0
    for x in points {
        for k in 0..<d {
            sum[k] += x[k]
            squares += x[k] * x[k]
        }
    }
    return (sum.reduce(0) { $0 + $1 * $1 }, squares)
}
