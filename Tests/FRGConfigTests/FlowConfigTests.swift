import Foundation
import XCTest
@testable import FRGConfig
import Flows
import FullPotential
import Truncation

final class FlowConfigTests: XCTestCase {
    static let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("BrokenConfigs")
    static let flows = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("flows")

    /// Every file of the broken-config corpus states its expected message on its first line
    /// (`# expect: …` exactly, or `# expect-prefix: …` for YAML syntax errors whose wording is
    /// libyaml's); loading it must throw exactly that `ConfigError`, file:line:column first.
    func testBrokenConfigCorpus() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.corpus.path).filter { $0.hasSuffix(".yaml") }.sorted()
        XCTAssertGreaterThanOrEqual(files.count, 20)
        for name in files {
            let text = try String(contentsOf: Self.corpus.appendingPathComponent(name), encoding: .utf8)
            let first = String(text.split(separator: "\n", maxSplits: 1).first ?? "")
            do {
                _ = try FlowConfig(ConfigValue.parse(yaml: text, file: name))
                XCTFail("\(name): loaded without error")
            } catch let error as ConfigError {
                if first.hasPrefix("# expect: ") {
                    XCTAssertEqual(error.description, String(first.dropFirst("# expect: ".count)), name)
                } else if first.hasPrefix("# expect-prefix: ") {
                    XCTAssertTrue(error.description.hasPrefix(String(first.dropFirst("# expect-prefix: ".count))), "\(name): \(error)")
                } else {
                    XCTFail("\(name) has no '# expect' line")
                }
            } catch {
                XCTFail("\(name): not a ConfigError: \(error)")
            }
        }
    }

    /// No configuration, however malformed, crashes the reader: deterministic mutations of the
    /// shipped configs (deleted, duplicated and truncated lines, flipped characters) either load
    /// or throw a `ConfigError`.
    func testMutatedConfigsNeverCrash() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.flows.path).filter { $0.hasSuffix(".yaml") }
        XCTAssertFalse(files.isEmpty)
        var state: UInt64 = 12345
        func next(_ n: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int((state >> 33) % UInt64(max(1, n)))
        }
        let alphabet = Array(":-[]{}\"'#&*!|>%@` \t\n0.e-9xyz")
        var mutations = 0
        for name in files {
            let original = try String(contentsOf: Self.flows.appendingPathComponent(name), encoding: .utf8)
            for _ in 0..<150 {
                var lines = original.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
                switch next(4) {
                case 0: if !lines.isEmpty { lines.remove(at: next(lines.count)) }
                case 1: if !lines.isEmpty { let i = next(lines.count); lines.insert(lines[i], at: i) }
                case 2: lines = Array(lines.prefix(next(lines.count + 1)))
                default:
                    var chars = Array(lines.joined(separator: "\n"))
                    if !chars.isEmpty { chars[next(chars.count)] = alphabet[next(alphabet.count)] }
                    lines = [String(chars)]
                }
                mutations += 1
                do {
                    _ = try FlowConfig(ConfigValue.parse(yaml: lines.joined(separator: "\n"), file: name))
                } catch is ConfigError {
                } catch {
                    XCTFail("\(name): mutation gave a non-config error: \(error)")
                }
            }
        }
        XCTAssertGreaterThan(mutations, 500)
    }

    /// `solver` keys not given keep the full-potential flow's defaults (relative 1e-8), not the
    /// polynomial flows' (1e-10).
    func testFullPotentialSolverKeepsItsOwnDefaults() throws {
        let yaml = """
            flow: passive
            truncation: {kind: full-potential, dimension: 3, fieldMax: 2}
            initial: {couplings: {u2: 0.1}}
            range: {tEnd: -1}
            solver: {absoluteTolerance: 1.0e-10}
            """
        let spec = try XCTUnwrap(FlowConfig(ConfigValue.parse(yaml: yaml, file: "f.yaml")).fullPotential?.spec)
        XCTAssertEqual(spec.relativeTolerance, FullPotentialFlowSpec(dimension: 3, fieldMax: 2, tEnd: -1).relativeTolerance)
        XCTAssertEqual(spec.absoluteTolerance, 1e-10)
    }

    /// The active flow's law depends on d: a measurement taken in another dimension is refused.
    func testActiveFlowMeasurementMustMatchTheDimension() throws {
        let measurement = Self.flows.deletingLastPathComponent().appendingPathComponent("examples/nn-passive-flow/measurements/N10.json").path
        let yaml = "flow: active\nactive:\n  dimension: 3\n  sigmaW: [1, 2]\n  measurement: \(measurement)\n"
        XCTAssertThrowsError(try FlowConfig(ConfigValue.parse(yaml: yaml, file: "a.yaml"))) {
            XCTAssertEqual(($0 as? ConfigError)?.description,
                           "a.yaml:5:16: 'active.measurement': the measurement was taken in d = 1, the flow is set in d = 3")
        }
        XCTAssertNoThrow(try FlowConfig(ConfigValue.parse(yaml: yaml.replacingOccurrences(of: "dimension: 3", with: "dimension: 1"), file: "a.yaml")))
    }

    func testShippedConfigsLoad() throws {
        for name in ["nn-d1.yaml", "nn-d1-stabilized.yaml", "nn-d1-uv-to-ir.yaml", "wf-d3-symmetric.yaml", "wf-d3-broken.yaml",
                     "wf-d3-derivative2-zero.yaml", "active-sigma.yaml", "polchinski-d3.yaml"] {
            XCTAssertNoThrow(try FlowConfig.load(path: Self.flows.appendingPathComponent(name).path), name)
        }
        let nn = try FlowConfig.load(path: Self.flows.appendingPathComponent("nn-d1-uv-to-ir.yaml").path)
        XCTAssertEqual(nn.kind, .passive)
        XCTAssertEqual(nn.passive?.spec.dimension, 1)
        XCTAssertEqual(nn.passive?.units, .dimensionful)
    }
}
