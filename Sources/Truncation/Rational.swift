import BigInt

/// An exact rational number `numerator / denominator`, always reduced, with a positive denominator.
///
/// The projection of the flow equation onto `2n` couplings produces coefficients such as `(2n)!`,
/// which exceed `Int64` from `2n = 21` on; the symbolic layer therefore works with arbitrary
/// precision. Values that fit a machine word take a fast path (no big-integer arithmetic), which
/// keeps the order-40 derivation well under a second.
public struct Rational: Hashable, Sendable, CustomStringConvertible {
    // Invariant: exactly one representation is active. `big == nil` means (small, smallDen) holds
    // the value; otherwise `big` does and the small fields are unused.
    private var small: Int
    private var smallDen: Int
    private var big: BigPair?

    private struct BigPair: Hashable, Sendable {
        var numerator: BigInt
        var denominator: BigInt
    }

    public static let zero = Rational(0)
    public static let one = Rational(1)

    /// The integer `value`.
    public init(_ value: Int) {
        small = value
        smallDen = 1
        big = nil
    }

    /// `numerator / denominator`, reduced. The denominator must not be zero (internal use only).
    public init(_ numerator: Int, _ denominator: Int) {
        precondition(denominator != 0, "Rational with zero denominator")
        self.init(big: BigInt(numerator), BigInt(denominator))
    }

    /// `numerator / denominator` for big integers, reduced.
    public init(_ numerator: BigInt, _ denominator: BigInt) {
        precondition(!denominator.isZero, "Rational with zero denominator")
        self.init(big: numerator, denominator)
    }

    private init(big n: BigInt, _ d: BigInt) {
        var n = n
        var d = d
        if d.sign == .minus { n.negate(); d.negate() }
        let g = n.greatestCommonDivisor(with: d)
        if g != 1 && !g.isZero {
            n /= g
            d /= g
        }
        if let ni = Int(exactly: n), let di = Int(exactly: d), ni != Int.min {
            small = ni
            smallDen = di
            big = nil
        } else {
            small = 0
            smallDen = 1
            big = BigPair(numerator: n, denominator: d)
        }
    }

    private init(reducedSmall n: Int, _ d: Int) {
        small = n
        smallDen = d
        big = nil
    }

    /// The numerator as a big integer.
    public var numerator: BigInt { big?.numerator ?? BigInt(small) }
    /// The (positive) denominator as a big integer.
    public var denominator: BigInt { big?.denominator ?? BigInt(smallDen) }

    public var isZero: Bool { big == nil && small == 0 }
    public var isInteger: Bool { big == nil ? smallDen == 1 : big!.denominator == 1 }
    public var isNegative: Bool { big == nil ? small < 0 : big!.numerator.sign == .minus }

    /// The nearest `Double` (correctly rounded when numerator and denominator are below 2^53,
    /// otherwise to within a few ulps).
    public var doubleValue: Double {
        if big == nil { return Double(small) / Double(smallDen) }
        let n = big!.numerator
        let d = big!.denominator
        // Scale both to ~60 significant bits so that neither overflows a Double.
        let shift = max(n.magnitude.bitWidth, d.magnitude.bitWidth) - 900
        if shift > 0 {
            return Double(n >> shift) / Double(d >> shift)
        }
        return Double(n) / Double(d)
    }

    public var description: String {
        if big == nil { return smallDen == 1 ? "\(small)" : "\(small)/\(smallDen)" }
        return big!.denominator == 1 ? "\(big!.numerator)" : "\(big!.numerator)/\(big!.denominator)"
    }

    public static prefix func - (x: Rational) -> Rational {
        if x.big == nil, x.small != Int.min { return Rational(reducedSmall: -x.small, x.smallDen) }
        return Rational(big: -x.numerator, x.denominator)
    }

    public static func + (a: Rational, b: Rational) -> Rational {
        if a.big == nil, b.big == nil {
            if a.smallDen == 1 && b.smallDen == 1 {
                let (s, o) = a.small.addingReportingOverflow(b.small)
                if !o && s != Int.min { return Rational(reducedSmall: s, 1) }
            } else {
                let (x, o1) = a.small.multipliedReportingOverflow(by: b.smallDen)
                let (y, o2) = b.small.multipliedReportingOverflow(by: a.smallDen)
                let (den, o3) = a.smallDen.multipliedReportingOverflow(by: b.smallDen)
                if !o1 && !o2 && !o3 {
                    let (num, o4) = x.addingReportingOverflow(y)
                    if !o4 && num != Int.min { return reduced(num, den) }
                }
            }
        }
        return Rational(big: a.numerator * b.denominator + b.numerator * a.denominator,
                        a.denominator * b.denominator)
    }

    public static func - (a: Rational, b: Rational) -> Rational { a + (-b) }

    public static func * (a: Rational, b: Rational) -> Rational {
        if a.big == nil, b.big == nil {
            // Cross-reduce first so that products stay small.
            let g1 = gcd(a.small, b.smallDen)
            let g2 = gcd(b.small, a.smallDen)
            let (num, o1) = (a.small / g1).multipliedReportingOverflow(by: b.small / g2)
            let (den, o2) = (a.smallDen / g2).multipliedReportingOverflow(by: b.smallDen / g1)
            if !o1 && !o2 && num != Int.min { return Rational(reducedSmall: num, den) }
        }
        return Rational(big: a.numerator * b.numerator, a.denominator * b.denominator)
    }

    public static func / (a: Rational, b: Rational) -> Rational {
        precondition(!b.isZero, "Rational division by zero")
        return a * b.reciprocal
    }

    /// `1/self`; `self` must not be zero (internal use only).
    public var reciprocal: Rational {
        if big == nil, small != Int.min {
            return small < 0 ? Rational(reducedSmall: -smallDen, -small) : Rational(reducedSmall: smallDen, small)
        }
        return Rational(big: denominator, numerator)
    }

    public static func += (a: inout Rational, b: Rational) { a = a + b }
    public static func *= (a: inout Rational, b: Rational) { a = a * b }

    private static func reduced(_ n: Int, _ d: Int) -> Rational {
        let g = gcd(n, d)
        return Rational(reducedSmall: n / g, d / g)
    }

    /// Greatest common divisor of two machine integers (positive unless both are zero, then 1).
    private static func gcd(_ a: Int, _ b: Int) -> Int {
        var x = a.magnitude
        var y = b.magnitude
        while y != 0 { (x, y) = (y, x % y) }
        return x == 0 ? 1 : Int(x)
    }

    /// `n!` exactly.
    public static func factorial(_ n: Int) -> Rational {
        var f = BigInt(1)
        if n > 1 { for i in 2...n { f *= BigInt(i) } }
        return Rational(f, 1)
    }

    /// `self` to the integer power `p` (negative powers need a nonzero value).
    public func power(_ p: Int) -> Rational {
        var result = Rational.one
        let base = p < 0 ? reciprocal : self
        for _ in 0..<abs(p) { result *= base }
        return result
    }

    /// The exact value of a decimal numeral (`3`, `2.37`, `-1.5e-3`): how frg reads a dimension `d`
    /// given in decimal when it prints coefficients exactly. Nil for anything else.
    public init?(decimal text: String) {
        var text = Substring(text.lowercased())
        var exponent = 0
        if let e = text.firstIndex(of: "e") {
            guard let value = Int(text[text.index(after: e)...]) else { return nil }
            exponent = value
            text = text[..<e]
        }
        let negative = text.hasPrefix("-")
        if negative || text.hasPrefix("+") { text = text.dropFirst() }
        let parts = text.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        guard !parts.isEmpty, parts.count <= 2, !(parts[0].isEmpty && (parts.count == 1 || parts[1].isEmpty)),
              parts.allSatisfy({ $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }) else { return nil }
        let fraction = parts.count == 2 ? parts[1] : ""
        guard let digits = BigInt(String(parts[0]) + fraction) else { return nil }
        exponent -= fraction.count
        let ten = Rational(10)
        self = Rational(negative ? -digits : digits, 1) * ten.power(exponent)
    }
}
