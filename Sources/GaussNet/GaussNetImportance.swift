import Foundation
import GaussNetKernels

/// The importance estimator on the Gauss-net (`Estimator.importance`).
///
/// Per neuron the proposal draws `W0 ~ N(0, σ_W²/d)`, a mixture component `k ∈ {0, 2, 4, 6}` with
/// probability `π_k` (one uniform), `b0 = kσ_b² + σ_b ε`, and `W1 = √s z` (`s = σ_W²/N`) with
/// `z ~ N(0, 1)` for `k = 0`, else `|z| = √(χ²_{k+1})` with the sign of its first normal. Its weight,
/// with `u = z e^{b0 − σ_b²}` (amplitude `A = √s u`), is
///
///     w = 1 / (π_0 + π_2 u² + π_4 u⁴/(3e^{4σ_b²}) + π_6 u⁶/(15e^{12σ_b²}))  = 1 / Σ_k π_k A^k/E[A^k].
///
/// Draws of network `α` (its own stream): the `d·N` normals of `W0` (neuron by neuron), the `N`
/// normals `ε`, the `N` uniforms of the components, the `k_i + 1` normals of each `z_i` in turn, then
/// `b1 ~ N(0, σ_b²)` (unweighted): at most `(d + 9)N + 1` draws, below the 2³² of a stream under
/// the width limit of `SamplerSettings.validate`. On equally spaced 1-d inputs (`x_p = x_0 + p h`) a block's product
/// is `Π pointScale · (A e^{W0 x_0})^k r^m` with `r = e^{W0 h}` and `m` the sum of its input indices, so
/// the block sums are the power sums `K_k(m)` (three exponentials and ~130 multiply–adds per
/// neuron for P = 6, `frg_importance_powers`); on other inputs every multiset of size ≤ 6 gets its own
/// column (`P` exponentials and two multiply–adds per multiset per neuron, `frg_importance_products`).
public struct GaussNetImportanceSampler: ImportanceSampler {
    let layer: GaussNetLayer
    let proposal: ImportanceProposal
    /// One column per multiset even where power sums apply (tests compare the two layouts).
    let forceGeneral: Bool

    init(layer: GaussNetLayer, proposal: ImportanceProposal = .standard, forceGeneral: Bool = false) {
        self.layer = layer
        self.proposal = proposal
        self.forceGeneral = forceGeneral
    }

    public var usesPowerSums: Bool { layer.progression != nil && !forceGeneral }

    public func makeWorkspace(width: Int, readoutScale: Double, tables: ImportanceTables) -> ImportanceWorkspace {
        precondition(tables.usesPowerSums == usesPowerSums && tables.pointCount == layer.pointCount)
        let parameters = proposal.parameters(readoutScale: readoutScale, weightScale: layer.weightScale,
                                             sigmaB: layer.biasScale)
        return ImportanceWorkspace(width: width, dimension: layer.dimension, parameters: parameters, tables: tables)
    }

    public func sumImportanceCumulants(_ stream: inout CounterRandomStream, width: Int, workspace: ImportanceWorkspace,
                                       kappa: UnsafeMutablePointer<Double>, stride: Int) {
        workspace.draw(&stream)
        blockSums(workspace: workspace, kappa: kappa, stride: stride)
    }

    /// The `κ̃` columns of the neurons in `workspace` (drawn, or set by hand in tests).
    func blockSums(workspace: ImportanceWorkspace, kappa: UnsafeMutablePointer<Double>, stride: Int) {
        let p = layer.pointCount
        if usesPowerSums, let progression = layer.progression {
            frg_importance_powers(workspace.capacity, Int32(p), progression.start, progression.step, &workspace.parameters,
                                  workspace.w0, workspace.beta, workspace.z, kappa, stride)
            return
        }
        let tables = workspace.tables
        layer.flatInputs.withUnsafeBufferPointer { inputs in
            frg_importance_products(workspace.capacity, Int32(p), Int32(layer.dimension), inputs.baseAddress!,
                                    &workspace.parameters, workspace.w0, workspace.beta, workspace.z,
                                    tables.blockCount, tables.blockParent, tables.blockLast, tables.blockSize,
                                    workspace.work, kappa, stride)
        }
    }
}

extension GaussNetLayer {
    /// The importance estimator applies at any inputs (power sums on equally spaced 1-d inputs).
    public var importance: GaussNetImportanceSampler? { GaussNetImportanceSampler(layer: self) }
}

extension GaussNetArchitecture {
    /// The largest exponent the importance kernels may meet, `5σ_b² + 10σ_b + 10σ_W max_p|x_p|/√d`
    /// (the k = 6 component's `b0 − σ_b²` at a 10σ draw of `ε`, plus a 10σ `W0·x`), must stay ≤ 100:
    /// sixth powers `e^{6·exponent}` of the amplitudes then stay inside double precision.
    public static let importanceExponentLimit = 100.0

    public func importanceUnsupportedReason(inputs: [[Double]]) -> String? {
        let d = Double(inputDimension)
        let reach = inputs.map { $0.reduce(0) { $0 + $1 * $1 }.squareRoot() }.max() ?? 0
        let exponent = 5 * sigmaB * sigmaB + 10 * sigmaB + 10 * sigmaW * reach / d.squareRoot()
        guard exponent > Self.importanceExponentLimit else { return nil }
        return "the importance estimator's k = 6 component draws b0 around 6σ_b², and the sixth powers of its amplitudes e^{b0 − σ_b² + W0·x} (exponent up to 5σ_b² + 10σ_b + 10σ_W|x|/√d = \(String(format: "%.0f", exponent)) here) would overflow double precision; it needs that exponent ≤ \(Int(Self.importanceExponentLimit)) (σ_b ≤ 3.5 at x = 0)"
    }
}
