import Foundation
import TextOutput

/// Output formats of the derived equations.
public enum EquationFormat: String, Sendable, CaseIterable {
    case text
    case latex
    case json
}

/// One term of a beta function with `d` substituted: `coefficient · Π ū^powers · η^etaPower · A`.
public struct RenderedTerm: Sendable, Equatable {
    /// The exact coefficient: the derivation's rational times powers of `d` (read as the exact
    /// value of its shortest decimal, `2.37` = 237/100) and of the moments `d/(d+2m)`.
    public var exactCoefficient: Rational
    /// `exactCoefficient` as the nearest double.
    public var coefficient: Double { exactCoefficient.doubleValue }
    /// Coupling name → integer power (negative powers occur about the minimum: `1/λ2`).
    public var powers: [String: Int]
    /// Power of the anomalous dimension `η` (0 or 1).
    public var etaPower: Int
    /// Threshold function family (`loop`, `etaInsertion`, `anomalous`) or nil.
    public var thresholdFamily: String?
    /// Power `k` of the threshold function `A_k(w)`; for Litim `A_k = c K_d/(1+w)^k`.
    public var thresholdPower: Int?
}

extension BetaFunctions {
    /// `spec.dimension` as an exact rational: the value of the shortest decimal that reads back to
    /// it, which is what the user typed (`2.37`, not the binary double nearest to it).
    var exactDimension: Rational {
        Rational(decimal: "\(spec.dimension)") ?? Rational(Int(spec.dimension))
    }

    /// The terms of `β_i` (or of `η` when `index == nil` and the truncation has one), `d` substituted,
    /// with the Litim family constants (`1/(d+2)` for the η insertion) folded into the coefficient
    /// and `K_d` kept as a symbol. Exact: terms that cancel at this `d` are left out.
    func renderedTerms(_ expression: SymbolicExpression) -> [RenderedTerm] {
        let derived = derived
        let n = derived.couplingCount
        let d = exactDimension
        let constants = derived.constants
        var merged: [TermKey: Rational] = [:]
        for (key, c) in expression.terms.sorted(by: { TermKey.precedes($0.key, $1.key) }) {
            var k = key
            var value = c * constants.stripExact(&k, dimension: d)
            if regulator.isClosedForm, k.atom.thresholdFamily == .etaInsertion { value = value / (d + Rational(2)) }
            merged[k, default: .zero] += value
        }
        let keys = merged.keys.filter { !merged[$0]!.isZero }.sorted { a, b in
            if a.atom != b.atom { return a.atom < b.atom }
            if a.exponents[n] != b.exponents[n] { return a.exponents[n] < b.exponents[n] }  // η terms last
            let da = (0..<n).reduce(0) { $0 + Int(a.exponents[$1]) }
            let db = (0..<n).reduce(0) { $0 + Int(b.exponents[$1]) }
            if da != db { return da < db }
            for v in 0...n where a.exponents[v] != b.exponents[v] { return a.exponents[v] > b.exponents[v] }
            return false
        }
        return keys.map { k in
            var powers: [String: Int] = [:]
            for v in 0..<n where k.exponents[v] != 0 { powers[derived.couplingNames[v]] = Int(k.exponents[v]) }
            return RenderedTerm(exactCoefficient: merged[k]!, powers: powers, etaPower: Int(k.exponents[n]),
                                thresholdFamily: k.atom.isOne ? nil : k.atom.familyName,
                                thresholdPower: k.atom.isOne ? nil : Int(k.atom.power))
        }
    }

    /// The equations, one per line: `∂_t ū4 = −3 ū4 − K_d ū6/(1+ū2)² + 6 K_d ū4²/(1+ū2)³` (text) or
    /// LaTeX, preceded by comment lines stating the conventions (`d`, `K_d`, regulator, `w`).
    public func equations(format: EquationFormat) -> String {
        let derived = derived
        let latex = format == .latex
        var lines: [String] = []
        let comment = latex ? "% " : "# "
        for h in headerLines() { lines.append(comment + h) }
        let symbols = latex ? derived.latexSymbols : derived.textSymbols
        for (i, b) in derived.betas.enumerated() {
            let lhs = latex ? "\\partial_t \(symbols[i])" : "∂_t \(symbols[i])"
            lines.append("\(lhs) = \(render(renderedTerms(b), latex: latex))" + (latex ? " \\\\" : ""))
        }
        if let e = derived.eta {
            let numerator = render(renderedTerms(e), latex: latex)
            let rhs: String
            if let den = derived.etaDenominator {
                let denominator = render(renderedTerms(den), latex: latex)
                rhs = latex ? "\\frac{\(numerator)}{\(denominator)}" : "(\(numerator)) / (\(denominator))"
            } else {
                rhs = numerator
            }
            lines.append("\(latex ? "\\eta" : "η") = \(rhs)")
        }
        return lines.joined(separator: "\n")
    }

    /// Human-readable statements of the conventions behind the equations.
    public func headerLines() -> [String] {
        let derived = derived
        var h: [String] = []
        h.append("\(spec.scheme.rawValue) \(spec.truncation.rawValue), expansion about \(spec.expansion == .zero ? "φ = 0" : "the running minimum ρ = φ²/2 = κ"), order 2n = \(spec.order), d = \(formatCoefficient(spec.dimension))")
        h.append("t = ln(k/Λ); dimensionless couplings, u_i = k^{dim_i} ū_i with dim = [\(canonicalDimensions.map(formatCoefficient).joined(separator: ", "))]")
        if spec.scheme == .polchinski && spec.truncation == .lpa {
            h.append("Polchinski normalized LPA: ∂_t v = −d v + (d−2)/2 φ v' − v'' + v'² (regulator constants absorbed in v and φ)")
        } else if spec.scheme == .polchinski {
            let constants = spec.regulator == .litim
                ? "c = (1 − y) θ(1 − y) (Litim's UV counterpart): γ = d/(d+2) = \(formatCoefficient(spec.dimension / (spec.dimension + 2))), σ = 0"
                : "c = e^{−y} (the exponential regulator's UV counterpart): γ = d/2 = \(formatCoefficient(spec.dimension / 2)), σ = 2"
            h.append("Polchinski with field rescaling, S = ∫ [v(φ) + ½ z(φ)(∂φ)²] (z: the full kinetic coefficient), C = c(p²/k²)/p²; field dimension (d−2+η)/2")
            h.append("∂_t v = −d v + (d−2+η)/2 φ v′ − v″ + v′² − γ (z − 1);  ∂_t z = η z + (d−2+η)/2 φ z′ − z″ + 2 v′ z′ + 4 v″ (z − 1) − σ v″²")
            h.append("cutoff \(constants); γ = |c′(0)| ∫ y^{d/2} c′/∫ y^{d/2−1} c′, σ = 2 c″(0)/c′(0)²")
            h.append(spec.truncation == .lpaPrime
                ? "lpa-prime: z ≡ 1; η from ∂_t z = 0 at the expansion point: η = σ v″(φ0)²"
                : "normalization z = 1 at \(spec.expansion == .zero ? "φ = 0" : "the running minimum") for all t fixes η (linear in η: η = N/D below)")
        } else {
            h.append("regulator: \(regulator.shapeDescription); K_d = \(formatCoefficient(ballVolumeFactor))")
            let w = render(renderedTerms(derived.thresholdArgument!), latex: false)
            if regulator.isClosedForm {
                h.append("threshold argument w = \(w); (1+w) → 0 is the pole of the flow")
            } else {
                h.append("threshold argument w = \(w); ℓ_k(w) = (d K_d/2) ∫_0^∞ dy y^{d/2−1} (r − y r')/(p(y)+w)^k, p = y + r (numerical quadrature)")
            }
        }
        if spec.truncation == .lpaPrime && spec.scheme == .wetterich {
            h.append("Z_k normalized by the p² coefficient of Γ_k^(2)(p) at the running minimum; η = −∂_t ln Z_k there; field dimension (d−2+η)/2; regulator Z_k R_k")
        }
        if derived.key.momentThresholds {
            h.append("ℓ[s·f·y^m]_k(w) = (d K_d/2) ∫_0^∞ dy y^{d/2−1} y^m s(y) f(y)/(p(y)+w)^k with s = r − y r' (loop) or r/2 (etaInsertion), f = 1, e = 1 + r', e² or r''; double-exponential quadrature (relative error ~1e-12)")
        }
        let regulatorText = regulator.isClosedForm ? "R_k = Z_k (k² − q²) θ(k² − q²)" : "R_k = Z_k k² r(y)"
        if spec.truncation == .derivative2 && spec.scheme == .wetterich {
            if spec.expansion == .zero {
                h.append("Γ_k = ∫ [½ Z_k(φ)(∂φ)² + U_k(φ)], Z_k(φ) = Z_k z(ρ̄), z = 1 + Σ_j z̄_j ρ̄^j/j! (ρ̄ = φ̄²/2); regulator Z_k R_k, \(regulatorText); field dimension (d−2+η)/2")
                h.append("normalization z(0) = 1 at φ = 0 for all t; η = −∂_t ln Z_k from ∂_t z(0) = 0 (the tadpole with Z_φφ(0) = z̄1), which is linear in η: η = N/D below")
            } else {
                h.append("Γ_k = ∫ [½ Z_k(φ)(∂φ)² + U_k(φ)], Z_k(φ) = Z_k z(ρ̄), z = 1 + Σ_j z̄_j (ρ̄−κ̄)^j/j!; regulator Z_k R_k, \(regulatorText); field dimension (d−2+η)/2")
                h.append("normalization z(κ̄) = 1 at the running minimum for all t; η = −∂_t ln Z_k from d z(κ̄)/dt = 0, which is linear in η: η = N/D below")
            }
            if regulator.isClosedForm {
                h.append("y-moments μ_m = d/(d+2m) of the q² < k² region are folded into the coefficients; θ(0) = ½ (smooth-regulator limit) at q² = k²")
            }
        }
        return h
    }

    private func render(_ terms: [RenderedTerm], latex: Bool) -> String {
        if terms.isEmpty { return "0" }
        let derived = derived
        let symbols = latex ? derived.latexSymbols : derived.textSymbols
        let wText = renderArgument(latex: latex)
        var out = ""
        for (index, t) in terms.enumerated() {
            let negative = t.exactCoefficient.isNegative
            if index == 0 { out += negative ? (latex ? "-" : "−") : "" } else { out += negative ? (latex ? " - " : " − ") : " + " }
            var numerator: [String] = []
            var denominator: [String] = []
            let magnitude = t.exactCoefficient.isNegative ? -t.exactCoefficient : t.exactCoefficient
            if t.thresholdFamily != nil && regulator.isClosedForm { numerator.append("K_d") }
            for (v, name) in derived.couplingNames.enumerated() {
                guard let p = t.powers[name] else { continue }
                let s = symbols[v] + power(abs(p), latex: latex)
                if p > 0 { numerator.append(s) } else { denominator.append(s) }
            }
            if t.etaPower > 0 { numerator.append(latex ? "\\eta" : "η") }
            if let k = t.thresholdPower {
                if regulator.isClosedForm {
                    denominator.append("(1+\(wText))" + power(k, latex: latex))
                } else {
                    let family = t.thresholdFamily.flatMap { $0 == "loop" ? nil : $0 }
                    let tag = family.map { latex ? "^{\\mathrm{\($0)}}" : "[\($0)]" } ?? ""
                    numerator.append(latex ? "\\ell\(tag)_{\(k)}(\(wText))" : "ℓ\(tag)_\(k)(\(wText))")
                }
            }
            let coefficientText = exactText(magnitude, latex: latex)
            let showCoefficient = magnitude != .one || numerator.isEmpty
            let sep = latex ? "\\," : " "
            if latex {
                let num = (showCoefficient ? [coefficientText] : []) + numerator
                let numText = num.isEmpty ? "1" : num.joined(separator: sep)
                out += denominator.isEmpty ? numText : "\\frac{\(numText)}{\(denominator.joined(separator: sep))}"
            } else {
                var s = (showCoefficient ? [coefficientText] : []) + numerator
                if s.isEmpty { s = ["1"] }
                out += s.joined(separator: " ")
                if !denominator.isEmpty {
                    out += "/" + (denominator.count == 1 ? denominator[0] : "(" + denominator.joined(separator: " ") + ")")
                }
            }
        }
        return out
    }

    private func renderArgument(latex: Bool) -> String {
        guard let w = derived.thresholdArgument else { return "" }
        let derived = derived
        let symbols = latex ? derived.latexSymbols : derived.textSymbols
        return renderedTerms(w).map { t in
            let c = t.exactCoefficient == .one ? "" : exactText(t.exactCoefficient, latex: latex)
            let vars = derived.couplingNames.enumerated().compactMap { v, name in
                t.powers[name].map { symbols[v] + power($0, latex: latex) }
            }
            return c + vars.joined()
        }.joined(separator: "+")
    }

    /// An exact coefficient as printed: `12`, `3/5` (`\\tfrac{3}{5}` in LaTeX), every digit.
    private func exactText(_ x: Rational, latex: Bool) -> String {
        guard latex, !x.isInteger else { return x.description }
        return "\(x.isNegative ? "-" : "")\\tfrac{\(x.numerator.magnitude)}{\(x.denominator)}"
    }

    private func power(_ p: Int, latex: Bool) -> String {
        if p == 1 { return "" }
        if latex { return "^{\(p)}" }
        let superscripts: [Character] = ["⁰", "¹", "²", "³", "⁴", "⁵", "⁶", "⁷", "⁸", "⁹"]
        return String(String(p).map { superscripts[Int(String($0))!] })
    }

    /// The truncation object of the output contract (docs/outputs.md): the same keys in every
    /// document frg writes.
    public var truncationObject: [String: Any] { spec.truncationObject }

    /// The JSON document body of `frg beta` (schema frg/beta/v1, docs/outputs.md): the equations
    /// with exact coefficients and, with `point`, their values there. Throws
    /// `TruncationError.notFinite` when a value at the point is not finite (threshold pole).
    public func jsonObject(at point: [Double]? = nil) throws -> [String: Any] {
        let derived = derived
        let textLines = equations(format: .text).split(separator: "\n").filter { !$0.hasPrefix("#") }.map(String.init)
        let latexLines = equations(format: .latex).split(separator: "\n").filter { !$0.hasPrefix("%") }.map { line in
            line.hasSuffix(" \\\\") ? String(line.dropLast(3)) : String(line)
        }
        func equation(_ coupling: String, _ line: Int, _ terms: [RenderedTerm], denominator: [RenderedTerm]? = nil) -> [String: Any] {
            var object: [String: Any] = ["coupling": coupling, "text": textLines[line], "latex": latexLines[line],
                                         "terms": terms.map(Self.termObject)]
            if let denominator { object["denominatorTerms"] = denominator.map(Self.termObject) }
            return object
        }
        var object: [String: Any] = [
            "truncation": truncationObject,
            "conventions": headerLines(),
            "couplings": couplingNames,
            "canonicalDimensions": canonicalDimensions,
            "equations": derived.betas.enumerated().map { i, b in equation(couplingNames[i], i, renderedTerms(b)) },
        ]
        if let eta = derived.eta {
            object["anomalousDimension"] = equation("eta", count, renderedTerms(eta), denominator: derived.etaDenominator.map(renderedTerms))
        }
        if spec.scheme == .wetterich {
            object["regulatorShape"] = regulator.shapeDescription
            object["ballVolumeFactor"] = ballVolumeFactor
            object["thresholdArgument"] = renderArgument(latex: false)
        }
        if let point {
            guard point.count == count else { throw TruncationError.wrongCouplingCount(expected: count, got: point.count) }
            let beta = evaluate(point)
            let jac = jacobian(point)
            let eta = anomalousDimension(at: point)
            let values = beta + jac + (eta.map { [$0] } ?? [])
            if values.contains(where: { !$0.isFinite }) { throw TruncationError.notFinite(nonFiniteReason(at: point)) }
            object["evaluation"] = [
                "point": Dictionary(uniqueKeysWithValues: zip(couplingNames, point)),
                "beta": Dictionary(uniqueKeysWithValues: zip(couplingNames, beta)),
                "anomalousDimension": eta ?? NSNull(), "thresholdMargin": thresholdMargin(at: point) ?? NSNull(),
                "jacobian": (0..<count).map { i in Array(jac[(i * count)..<((i + 1) * count)]) },
            ] as [String: Any]
        }
        return object
    }

    /// One term in JSON: the exact coefficient as a string `fractions.Fraction` parses, its float
    /// beside it.
    static func termObject(_ t: RenderedTerm) -> [String: Any] {
        var object: [String: Any] = ["coefficient": t.exactCoefficient.description, "coefficientValue": t.coefficient,
                                     "powers": t.powers, "etaPower": t.etaPower]
        if let family = t.thresholdFamily { object["thresholdFamily"] = family }
        if let power = t.thresholdPower { object["thresholdPower"] = power }
        return object
    }

    /// Every term of every equation, for `frg beta --format csv`: the equation's name (a
    /// coupling, `eta`, `etaDenominator`), its 1-based index in the equation, and the term.
    public func termRows() -> [(equation: String, index: Int, term: RenderedTerm)] {
        let derived = derived
        var rows: [(String, Int, RenderedTerm)] = []
        func add(_ name: String, _ terms: [RenderedTerm]) {
            for (k, t) in terms.enumerated() { rows.append((name, k + 1, t)) }
        }
        for (i, b) in derived.betas.enumerated() { add(couplingNames[i], renderedTerms(b)) }
        if let eta = derived.eta { add("eta", renderedTerms(eta)) }
        if let den = derived.etaDenominator { add("etaDenominator", renderedTerms(den)) }
        return rows
    }
}

extension TruncationSpec {
    /// The truncation object of the output contract (docs/outputs.md): scheme, truncation,
    /// expansion, order, regulator (Wetterich, and Polchinski beyond the LPA), prefactor
    /// (exponential regulator), dimension.
    public var truncationObject: [String: Any] {
        var object: [String: Any] = ["scheme": scheme.rawValue, "truncation": truncation.rawValue,
                                     "expansion": expansion.rawValue, "order": order, "dimension": dimension]
        // Polchinski's LPA absorbs the cutoff's constants; beyond it the cutoff (c = R/(p² + R)) stays.
        if scheme == .wetterich || truncation != .lpa { object["regulator"] = regulator.rawValue }
        // The prefactor α of R_k = α Z_k k² r(y) is a choice only where the regulator takes one.
        if scheme == .wetterich && regulator == .exponential { object["prefactor"] = regulatorPrefactor }
        return object
    }
}
