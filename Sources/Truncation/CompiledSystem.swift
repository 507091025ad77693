import Foundation

/// Layout shared by all compiled pieces of one set of beta functions: which variables exist, the
/// exponent range of the power table, and the dense numbering of threshold atoms.
struct EvaluationLayout: Sendable {
    /// Couplings plus (when present) the `η` slot.
    var variableCount: Int
    var minimumExponent: Int
    var maximumExponent: Int
    var stride: Int { maximumExponent - minimumExponent + 1 }
    var powerTableSize: Int { variableCount * stride }
    /// Families in use, each with the highest power needed; atoms are numbered densely
    /// `familyOffset[f] + (k − 1)`.
    var families: [(family: UInt8, maximumPower: Int)]
    var atomCount: Int { families.reduce(0) { $0 + $1.maximumPower } }

    func atomIndex(_ atom: ThresholdAtom) -> Int {
        var offset = 0
        for f in families {
            if f.family == atom.family { return offset + Int(atom.power) - 1 }
            offset += f.maximumPower
        }
        preconditionFailure("atom family not in layout")
    }

    func powerIndex(variable v: Int, exponent e: Int) -> Int {
        v * stride + (e - minimumExponent)
    }

    init(expressions: [SymbolicExpression], variableCount: Int, constants: ConstantSymbols) {
        self.variableCount = variableCount
        var lo = 0
        var hi = 1
        var maxPower = [Int](repeating: 0, count: 256)
        var outside = Exponents(repeating: -1)
        for v in 0..<variableCount { outside[v] = 0 }
        for c in constants.indices { outside[c] = 0 }
        for e in expressions {
            for key in e.terms.keys {
                // A symbol outside the evaluated variables (other than d) would be silently dropped.
                precondition(key.exponents.isZero(where: outside), "expression uses a variable outside the layout")
                for v in 0..<variableCount {
                    let x = Int(key.exponents[v])
                    lo = min(lo, x)
                    hi = max(hi, x)
                }
                if !key.atom.isOne {
                    maxPower[Int(key.atom.family)] = max(maxPower[Int(key.atom.family)], Int(key.atom.power))
                }
            }
        }
        minimumExponent = lo
        maximumExponent = hi
        families = (1..<256).compactMap { f in maxPower[f] > 0 ? (UInt8(f), maxPower[f]) : nil }
    }
}

/// The symbols of a derived system that become numbers once `d` is fixed: `d` itself and, in
/// the derivative2 truncation, the Litim moments `μ_m = (d/2) ∫_0^1 dy y^{d/2−1+m} = d/(d+2m)`.
struct ConstantSymbols: Sendable {
    var dimensionIndex: Int
    /// Variable index of `μ_m` and its order `m ≥ 1`.
    var moments: [Moment] = []

    struct Moment: Sendable, Hashable {
        var index: Int
        var order: Int
    }

    var indices: [Int] { [dimensionIndex] + moments.map(\.index) }

    /// `μ_m` at dimension `d`.
    static func momentValue(order m: Int, dimension d: Double) -> Double { d / (d + 2 * Double(m)) }

    /// `μ_m` at an exact dimension `d`.
    static func momentValue(order m: Int, dimension d: Rational) -> Rational { d / (d + Rational(2 * m)) }

    /// Removes the constant symbols from `key`'s monomial and returns their exact product at `d`
    /// (for printing coefficients exactly; `strip(_:dimension:)` below is the compiled route).
    func stripExact(_ key: inout TermKey, dimension d: Rational) -> Rational {
        var factor = Rational.one
        let pd = Int(key.exponents[dimensionIndex])
        if pd != 0 {
            factor *= d.power(pd)
            key.exponents[dimensionIndex] = 0
        }
        for m in moments {
            let p = Int(key.exponents[m.index])
            if p != 0 {
                factor *= ConstantSymbols.momentValue(order: m.order, dimension: d).power(p)
                key.exponents[m.index] = 0
            }
        }
        return factor
    }

    /// Removes the constant symbols from `key`'s monomial and returns their numerical product at `d`.
    func strip(_ key: inout TermKey, dimension d: Double) -> Double {
        var factor = 1.0
        let pd = Int(key.exponents[dimensionIndex])
        if pd != 0 {
            factor *= pow(d, Double(pd))
            key.exponents[dimensionIndex] = 0
        }
        for m in moments {
            let p = Int(key.exponents[m.index])
            if p != 0 {
                factor *= pow(ConstantSymbols.momentValue(order: m.order, dimension: d), Double(p))
                key.exponents[m.index] = 0
            }
        }
        return factor
    }
}

/// Flat, immutable tables that evaluate a list of symbolic expressions with `d` substituted.
///
/// Storage is allocated once at construction and never mutated, so one instance may be shared by
/// any number of threads; evaluation does not allocate.
final class CompiledExpressions: @unchecked Sendable {
    let outputCount: Int
    private let outputOffsets: UnsafeMutableBufferPointer<Int32>   // outputCount + 1
    private let coefficients: UnsafeMutableBufferPointer<Double>   // per term
    private let atomIndices: UnsafeMutableBufferPointer<Int32>     // per term, −1 = none
    private let factorOffsets: UnsafeMutableBufferPointer<Int32>   // terms + 1
    private let factors: UnsafeMutableBufferPointer<Int32>         // power-table indices

    init(_ expressions: [SymbolicExpression], layout: EvaluationLayout, dimension d: Double, constants: ConstantSymbols) {
        outputCount = expressions.count
        // Each expression compiles independently (the Jacobian has n² of them): use all cores.
        var pieces = [Piece](repeating: Piece(), count: expressions.count)
        pieces.withUnsafeMutableBufferPointer { buffer in
            let base = buffer.baseAddress!
            DispatchQueue.concurrentPerform(iterations: expressions.count) { i in
                base[i] = CompiledExpressions.piece(expressions[i], layout: layout, dimension: d, constants: constants)
            }
        }
        var offsets: [Int32] = [0]
        var coeffs: [Double] = []
        var atoms: [Int32] = []
        var fOffsets: [Int32] = [0]
        var fs: [Int32] = []
        for piece in pieces {
            coeffs += piece.coefficients
            atoms += piece.atoms
            let shift = Int32(fs.count)
            fOffsets += piece.factorEnds.map { $0 + shift }
            fs += piece.factors
            offsets.append(Int32(coeffs.count))
        }
        func copy<T>(_ a: [T]) -> UnsafeMutableBufferPointer<T> {
            let p = UnsafeMutableBufferPointer<T>.allocate(capacity: max(a.count, 1))
            _ = p.initialize(from: a)
            return p
        }
        outputOffsets = copy(offsets)
        coefficients = copy(coeffs)
        atomIndices = copy(atoms)
        factorOffsets = copy(fOffsets)
        factors = copy(fs)
    }

    private struct Piece {
        var coefficients: [Double] = []
        var atoms: [Int32] = []
        var factorEnds: [Int32] = []
        var factors: [Int32] = []
    }

    private static func piece(_ e: SymbolicExpression, layout: EvaluationLayout, dimension d: Double,
                              constants: ConstantSymbols) -> Piece {
        // Merge terms that differ only in their constant symbols (d, moments) once d is a number.
        var merged: [TermKey: Double] = [:]
        merged.reserveCapacity(e.terms.count)
        // In a fixed order: terms that merge are summed the same way in every process.
        for (key, c) in e.terms.sorted(by: { TermKey.precedes($0.key, $1.key) }) {
            var k = key
            let value = c.doubleValue * constants.strip(&k, dimension: d)
            merged[k, default: 0] += value
        }
        // A deterministic order (by atom, then exponents) keeps results bit-reproducible.
        let keys = merged.keys.sorted { a, b in
            if a.atom != b.atom { return a.atom < b.atom }
            for v in 0..<layout.variableCount where a.exponents[v] != b.exponents[v] {
                return a.exponents[v] < b.exponents[v]
            }
            return false
        }
        var p = Piece()
        for k in keys {
            let value = merged[k]!
            if value == 0 { continue }
            p.coefficients.append(value)
            p.atoms.append(k.atom.isOne ? -1 : Int32(layout.atomIndex(k.atom)))
            for v in 0..<layout.variableCount where k.exponents[v] != 0 {
                p.factors.append(Int32(layout.powerIndex(variable: v, exponent: Int(k.exponents[v]))))
            }
            p.factorEnds.append(Int32(p.factors.count))
        }
        return p
    }

    deinit {
        outputOffsets.deallocate()
        coefficients.deallocate()
        atomIndices.deallocate()
        factorOffsets.deallocate()
        factors.deallocate()
    }

    var termCount: Int { Int(outputOffsets[outputCount]) }

    /// `out[i] = Σ_terms c · A[atom] · Π powers[factor]` for every output `i`.
    @inline(__always)
    func evaluate(powers: UnsafePointer<Double>, atoms: UnsafePointer<Double>, into out: UnsafeMutablePointer<Double>) {
        let offsets = outputOffsets.baseAddress!
        let c = coefficients.baseAddress!
        let a = atomIndices.baseAddress!
        let fo = factorOffsets.baseAddress!
        let f = factors.baseAddress!
        for i in 0..<outputCount {
            var sum = 0.0
            var t = Int(offsets[i])
            let end = Int(offsets[i + 1])
            while t < end {
                var term = c[t]
                let ai = Int(a[t])
                if ai >= 0 { term *= atoms[ai] }
                var j = Int(fo[t])
                let fEnd = Int(fo[t + 1])
                while j < fEnd {
                    term *= powers[Int(f[j])]
                    j += 1
                }
                sum += term
                t += 1
            }
            out[i] = sum
        }
    }
}

/// Evaluates the threshold atoms `A_k(w)` of the families in a layout from quadrature rules.
final class ThresholdTable: @unchecked Sendable {
    private let familyCount: Int
    private let maximumPowers: UnsafeMutableBufferPointer<Int>
    private let ruleOffsets: UnsafeMutableBufferPointer<Int>       // familyCount + 1
    private let nodes: UnsafeMutableBufferPointer<Double>
    private let weights: UnsafeMutableBufferPointer<Double>

    init(layout: EvaluationLayout, rules: [ThresholdQuadrature]) {
        familyCount = layout.families.count
        maximumPowers = .allocate(capacity: max(familyCount, 1))
        ruleOffsets = .allocate(capacity: familyCount + 1)
        let allNodes = rules.flatMap(\.nodes)
        let allWeights = rules.flatMap(\.weights)
        nodes = .allocate(capacity: max(allNodes.count, 1))
        weights = .allocate(capacity: max(allWeights.count, 1))
        _ = nodes.initialize(from: allNodes)
        _ = weights.initialize(from: allWeights)
        var o = 0
        ruleOffsets[0] = 0
        for (i, f) in layout.families.enumerated() {
            maximumPowers[i] = f.maximumPower
            o += rules[i].nodes.count
            ruleOffsets[i + 1] = o
        }
    }

    deinit {
        maximumPowers.deallocate()
        ruleOffsets.deallocate()
        nodes.deallocate()
        weights.deallocate()
    }

    /// Fills `atoms` (dense layout numbering) with `A_k(w)`.
    @inline(__always)
    func fill(w: Double, into atoms: UnsafeMutablePointer<Double>) {
        var base = 0
        for f in 0..<familyCount {
            let kMax = maximumPowers[f]
            for k in 0..<kMax { atoms[base + k] = 0 }
            for q in ruleOffsets[f]..<ruleOffsets[f + 1] {
                let inv = 1 / (nodes[q] + w)
                var p = weights[q] * inv
                for k in 0..<kMax {
                    atoms[base + k] += p
                    p *= inv
                }
            }
            base += kMax
        }
    }
}
