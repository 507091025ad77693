/// Exponents of the variables of one monomial: couplings first, then the auxiliary symbols
/// (`η`, `d`): 64 signed bytes packed in eight words, so that terms hash and multiply without
/// allocating. (Swift's `SIMD64<Int8>` was measured 8× slower for the add-and-hash loop of the
/// derivation.)
struct Exponents: Hashable, Sendable {
    private var w0: UInt64 = 0, w1: UInt64 = 0, w2: UInt64 = 0, w3: UInt64 = 0
    private var w4: UInt64 = 0, w5: UInt64 = 0, w6: UInt64 = 0, w7: UInt64 = 0

    init() {}

    /// Lexicographic order of the packed words: a total order, for reproducible summation.
    func precedes(_ other: Exponents) -> Bool {
        for i in 0..<8 where word(i) != other.word(i) { return word(i) < other.word(i) }
        return false
    }

    /// Every lane set to `value`.
    init(repeating value: Int8) {
        let b = UInt64(UInt8(bitPattern: value)) &* 0x0101_0101_0101_0101
        (w0, w1, w2, w3, w4, w5, w6, w7) = (b, b, b, b, b, b, b, b)
    }

    private func word(_ i: Int) -> UInt64 {
        switch i {
        case 0: return w0
        case 1: return w1
        case 2: return w2
        case 3: return w3
        case 4: return w4
        case 5: return w5
        case 6: return w6
        default: return w7
        }
    }

    private mutating func setWord(_ i: Int, _ v: UInt64) {
        switch i {
        case 0: w0 = v
        case 1: w1 = v
        case 2: w2 = v
        case 3: w3 = v
        case 4: w4 = v
        case 5: w5 = v
        case 6: w6 = v
        default: w7 = v
        }
    }

    subscript(index: Int) -> Int8 {
        get {
            precondition(index >= 0 && index < 64)
            return Int8(truncatingIfNeeded: word(index >> 3) >> UInt64((index & 7) * 8))
        }
        set {
            precondition(index >= 0 && index < 64)
            let shift = UInt64((index & 7) * 8)
            let cleared = word(index >> 3) & ~(0xFF << shift)
            setWord(index >> 3, cleared | (UInt64(UInt8(bitPattern: newValue)) << shift))
        }
    }

    /// Lane-wise wrapping addition (SWAR: no carry crosses a byte).
    @inline(__always)
    private static func add(_ a: UInt64, _ b: UInt64) -> UInt64 {
        let high: UInt64 = 0x8080_8080_8080_8080
        return ((a & ~high) &+ (b & ~high)) ^ ((a ^ b) & high)
    }

    static func &+ (a: Exponents, b: Exponents) -> Exponents {
        var r = Exponents()
        r.w0 = add(a.w0, b.w0); r.w1 = add(a.w1, b.w1); r.w2 = add(a.w2, b.w2); r.w3 = add(a.w3, b.w3)
        r.w4 = add(a.w4, b.w4); r.w5 = add(a.w5, b.w5); r.w6 = add(a.w6, b.w6); r.w7 = add(a.w7, b.w7)
        return r
    }

    /// True when every lane selected by a non-zero lane of `mask` is zero.
    func isZero(where mask: Exponents) -> Bool {
        (w0 & mask.w0) | (w1 & mask.w1) | (w2 & mask.w2) | (w3 & mask.w3)
            | (w4 & mask.w4) | (w5 & mask.w5) | (w6 & mask.w6) | (w7 & mask.w7) == 0
    }
}

/// The largest number of variables (couplings plus the auxiliary symbols) a monomial can carry.
let maximumVariableCount = 64

/// A family of threshold functions of the mass-like argument `w`.
///
/// Every family is `A_k(w) = (d K_d / 2) ∫_0^∞ dy y^{d/2−1} g(y) / (p(y) + w)^k`, `k ≥ 1`, with
/// `p(y) = y + r(y)` the regularized inverse propagator (dimensionless, `y = q²/k²`), so that
/// `dA_k/dw = −k A_{k+1}` for all families. Only `g` differs:
/// - `loop`: `g = r − y r'` (the `∂_t R_k` insertion); Litim: `A_k = K_d/(1+w)^k`.
/// - `etaInsertion`: `g = r/2` (the `−η R_k` part of `∂_t(Z_k R_k)`); Litim: `A_k = K_d/((d+2)(1+w)^k)`.
/// - `anomalous`: the `p²`-projection of the two-point flow (`m_{2,2}`-type); defined for the Litim
///   regulator only, where `A_k = K_d/(1+w)^k` (see `WetterichDerivation` for the derivation).
public enum ThresholdFamily: UInt8, Hashable, Sendable, CaseIterable {
    case loop = 1
    case etaInsertion = 2
    case anomalous = 3
}

/// A threshold function with a `y` moment and a regulator-shape insertion, for O(∂²) truncations
/// with regulators whose thresholds are computed by quadrature:
/// `A_k(w) = (d K_d/2) ∫_0^∞ dy y^{d/2−1} y^m s(y) f(y)/(p(y)+w)^k`, with the source
/// `s ∈ {r − y r' (loop), r/2 (η insertion)}` and the factor `f ∈ {1, e, e², r''}`, `e = 1 + r'`
/// (`∂_{q²}` of the regularized inverse propagator `q² + R_k` in units of `Z_k`). Its atom family
/// byte is `firstCode + 8m + 4·source + factor`, so the plain families (1…3) stay as they are.
struct MomentThreshold: Hashable, Sendable {
    enum Source: Int, Sendable, CaseIterable { case loop = 0, etaInsertion = 1 }
    enum Factor: Int, Sendable, CaseIterable { case one = 0, e = 1, eSquared = 2, rSecond = 3 }
    var source: Source
    var factor: Factor
    /// The power `m` of `y`.
    var moment: Int

    static let firstCode = 16
    /// The largest `m` whose code fits a byte.
    static let maximumMoment = (255 - firstCode - 7) / 8

    var code: UInt8 { UInt8(MomentThreshold.firstCode + 8 * moment + 4 * source.rawValue + factor.rawValue) }

    init(_ source: Source, _ factor: Factor, moment: Int) {
        precondition(moment >= 0 && moment <= MomentThreshold.maximumMoment, "moment out of range")
        self.source = source
        self.factor = factor
        self.moment = moment
    }

    init?(code: UInt8) {
        let c = Int(code) - MomentThreshold.firstCode
        guard c >= 0 else { return nil }
        source = Source(rawValue: (c % 8) / 4)!
        factor = Factor(rawValue: c % 4)!
        moment = c / 8
    }

    /// Short label for rendered equations: `loop·e·y²`.
    var label: String {
        let s = source == .loop ? "loop" : "etaInsertion"
        let f = ["", "·e", "·e²", "·r''"][factor.rawValue]
        return s + f + (moment == 0 ? "" : "·y^\(moment)")
    }
}

/// A threshold function `A_k` of a given family, or the constant 1 when `power == 0`.
struct ThresholdAtom: Hashable, Sendable, Comparable {
    var family: UInt8
    var power: UInt8

    static let one = ThresholdAtom(family: 0, power: 0)
    var isOne: Bool { power == 0 }

    init(family: UInt8, power: UInt8) {
        self.family = family
        self.power = power
    }

    init(_ family: ThresholdFamily, power: Int) {
        self.family = family.rawValue
        self.power = UInt8(power)
    }

    var thresholdFamily: ThresholdFamily? { ThresholdFamily(rawValue: family) }
    var momentThreshold: MomentThreshold? { MomentThreshold(code: family) }
    /// The family's name for output: `loop`, `etaInsertion`, `anomalous`, or a moment label.
    var familyName: String { thresholdFamily.map { "\($0)" } ?? momentThreshold?.label ?? "family \(family)" }

    static func < (a: ThresholdAtom, b: ThresholdAtom) -> Bool {
        (a.family, a.power) < (b.family, b.power)
    }
}

/// One monomial times at most one threshold function.
struct TermKey: Hashable, Sendable {
    var exponents: Exponents
    var atom: ThresholdAtom

    /// A total order (atom, then the packed exponents): sums over the terms of an expression run in
    /// this order, never in the dictionary's, whose hash seed changes from process to process.
    static func precedes(_ a: TermKey, _ b: TermKey) -> Bool {
        if a.atom != b.atom { return a.atom < b.atom }
        return a.exponents.precedes(b.exponents)
    }
}

/// A finite sum `Σ c · Π_v x_v^{e_v} · A(w)` with exact rational `c`, integer (possibly negative)
/// exponents `e_v`, and `A` either 1 or one threshold function of the scheme's mass-like argument.
///
/// The variables are the couplings followed by the auxiliary symbols `η` and `d`; `d` stays a
/// symbol during the derivation and is substituted only when the expression is compiled or printed.
struct SymbolicExpression: Sendable {
    var terms: [TermKey: Rational] = [:]

    static let zero = SymbolicExpression()

    init() {}

    init(constant c: Rational) {
        if !c.isZero { terms[TermKey(exponents: Exponents(), atom: .one)] = c }
    }

    /// The variable `x_index`.
    init(variable index: Int) {
        var e = Exponents()
        e[index] = 1
        terms[TermKey(exponents: e, atom: .one)] = .one
    }

    /// The threshold function `atom` times 1.
    init(atom: ThresholdAtom) {
        terms[TermKey(exponents: Exponents(), atom: atom)] = .one
    }

    var isZero: Bool { terms.isEmpty }
    var hasAtoms: Bool { terms.keys.contains { !$0.atom.isOne } }

    mutating func add(_ key: TermKey, _ c: Rational) {
        if c.isZero { return }
        if let old = terms[key] {
            let s = old + c
            if s.isZero { terms[key] = nil } else { terms[key] = s }
        } else {
            terms[key] = c
        }
    }

    static func + (a: SymbolicExpression, b: SymbolicExpression) -> SymbolicExpression {
        var r = a
        for (k, c) in b.terms { r.add(k, c) }
        return r
    }

    static func - (a: SymbolicExpression, b: SymbolicExpression) -> SymbolicExpression {
        var r = a
        for (k, c) in b.terms { r.add(k, -c) }
        return r
    }

    static func += (a: inout SymbolicExpression, b: SymbolicExpression) {
        for (k, c) in b.terms { a.add(k, c) }
    }

    static func * (c: Rational, a: SymbolicExpression) -> SymbolicExpression {
        if c.isZero { return .zero }
        var r = SymbolicExpression()
        r.terms.reserveCapacity(a.terms.count)
        for (k, v) in a.terms { r.terms[k] = c * v }
        return r
    }

    /// Product; at most one factor of each term pair may carry a threshold function, because the
    /// derivation only ever multiplies field polynomials into threshold coefficients.
    static func * (a: SymbolicExpression, b: SymbolicExpression) -> SymbolicExpression {
        var r = SymbolicExpression()
        for (ka, ca) in a.terms {
            for (kb, cb) in b.terms {
                precondition(ka.atom.isOne || kb.atom.isOne, "product of two threshold functions")
                let atom = ka.atom.isOne ? kb.atom : ka.atom
                r.add(TermKey(exponents: ka.exponents &+ kb.exponents, atom: atom), ca * cb)
            }
        }
        return r
    }

    /// Multiplies every term by `x_index^power`.
    func multiplied(byVariable index: Int, power: Int) -> SymbolicExpression {
        var r = SymbolicExpression()
        r.terms.reserveCapacity(terms.count)
        for (k, c) in terms {
            var k2 = k
            k2.exponents[index] = k.exponents[index] &+ Int8(power)
            r.terms[k2] = c
        }
        return r
    }

    /// Multiplies every atom-free term by the threshold function `atom`.
    func multiplied(byAtom atom: ThresholdAtom) -> SymbolicExpression {
        var r = SymbolicExpression()
        r.terms.reserveCapacity(terms.count)
        for (k, c) in terms {
            precondition(k.atom.isOne, "product of two threshold functions")
            r.terms[TermKey(exponents: k.exponents, atom: atom)] = c
        }
        return r
    }

    /// `∂/∂x_index`, where every threshold function depends on the variables through the
    /// mass-like argument `w` with gradient `∂w/∂x_index = argumentDerivative`
    /// (`dA_k/dw = −k A_{k+1}`).
    func derivative(variable index: Int, argumentDerivative: SymbolicExpression) -> SymbolicExpression {
        var r = SymbolicExpression()
        for (k, c) in terms {
            let e = Int(k.exponents[index])
            if e != 0 {
                var k2 = k
                k2.exponents[index] = Int8(e - 1)
                r.add(k2, c * Rational(e))
            }
            if !k.atom.isOne && !argumentDerivative.isZero {
                let p = Int(k.atom.power)
                let shifted = ThresholdAtom(family: k.atom.family, power: UInt8(p + 1))
                for (kw, cw) in argumentDerivative.terms {
                    precondition(kw.atom.isOne, "threshold argument must be a polynomial")
                    r.add(TermKey(exponents: k.exponents &+ kw.exponents, atom: shifted), c * cw * Rational(-p))
                }
            }
        }
        return r
    }

    /// The expression with `x_index` set to the rational `value` (used for `η = 0`).
    func substituting(variable index: Int, value: Rational) -> SymbolicExpression {
        var r = SymbolicExpression()
        for (k, c) in terms {
            let e = Int(k.exponents[index])
            var k2 = k
            k2.exponents[index] = 0
            if e == 0 { r.add(k2, c); continue }
            if value.isZero { if e > 0 { continue } else { preconditionFailure("negative power of zero") } }
            var f = Rational.one
            for _ in 0..<abs(e) { f = f * value }
            r.add(k2, e > 0 ? c * f : c / f)
        }
        return r
    }

    /// The terms with `x_index` to the first power, that power removed (`∂/∂x` of a linear variable).
    func coefficient(ofLinearVariable index: Int) -> SymbolicExpression {
        var r = SymbolicExpression()
        for (k, c) in terms where k.exponents[index] == 1 {
            var k2 = k
            k2.exponents[index] = 0
            r.add(k2, c)
        }
        return r
    }

    /// Every threshold function `A_k` replaced by `A_{k+1}` (multiplication by `y = 1/(p + w)` in
    /// the quadrature-node picture, see `FieldSeries.thresholdExpansion`).
    func raisingThresholdPower() -> SymbolicExpression {
        var r = SymbolicExpression()
        r.terms.reserveCapacity(terms.count)
        for (k, c) in terms {
            precondition(!k.atom.isOne, "raising the threshold power of an atom-free term")
            r.terms[TermKey(exponents: k.exponents, atom: ThresholdAtom(family: k.atom.family, power: k.atom.power + 1))] = c
        }
        return r
    }

    /// Every threshold function moved to `family` (same power).
    func relabelingThresholds(as family: ThresholdFamily) -> SymbolicExpression {
        var r = SymbolicExpression()
        r.terms.reserveCapacity(terms.count)
        for (k, c) in terms {
            r.terms[TermKey(exponents: k.exponents, atom: k.atom.isOne ? k.atom : ThresholdAtom(family, power: Int(k.atom.power)))] = c
        }
        return r
    }

    /// Highest power of `x_index` that occurs.
    func maximumPower(variable index: Int) -> Int {
        terms.keys.map { Int($0.exponents[index]) }.max() ?? 0
    }
}
