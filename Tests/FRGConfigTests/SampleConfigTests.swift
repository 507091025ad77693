import Foundation
import GaussNet
import XCTest
@testable import FRGConfig

final class SampleConfigTests: XCTestCase {
    static let here = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    static let examples = here.deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("examples")

    /// Each file of a corpus states its expected message on its first line (`# expect: …`, with
    /// `FILE` standing for the file's name); loading it must throw exactly that `ConfigError`.
    func checkCorpus(_ folder: String, minimum: Int, load: (ConfigValue) throws -> Void) throws {
        let directory = Self.here.appendingPathComponent(folder)
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".yaml") }.sorted()
        XCTAssertGreaterThanOrEqual(files.count, minimum)
        for name in files {
            let text = try String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)
            let first = String(text.split(separator: "\n", maxSplits: 1).first ?? "")
            guard first.hasPrefix("# expect: ") else { XCTFail("\(name) has no '# expect' line"); continue }
            let expected = String(first.dropFirst("# expect: ".count)).replacingOccurrences(of: "FILE", with: name)
            do {
                try load(ConfigValue.parse(yaml: text, file: name))
                XCTFail("\(name): loaded without error")
            } catch let error as ConfigError {
                XCTAssertEqual(error.description, expected, name)
            } catch {
                XCTFail("\(name): not a ConfigError: \(error)")
            }
        }
    }

    func testBrokenSampleConfigCorpus() throws {
        try checkCorpus("BrokenSampleConfigs", minimum: 15) { _ = try SampleConfig($0) }
    }

    func testBrokenCompareConfigCorpus() throws {
        try checkCorpus("BrokenCompareConfigs", minimum: 12) { _ = try CompareConfig($0) }
    }

    func testSampleConfigReadsEveryField() throws {
        let yaml = """
            architecture: cosnet
            sigmaW: 1.5
            sigmaB: 0.5
            width: 7
            inputs: [[0.1, 0.2], [0.3, -0.4]]
            netsPerBag: 100
            bags: 3
            seed: 9
            threads: 1
            estimator: conditional
            output: {json: m.json, csv: csvdir, state: st}
            """
        let c = try SampleConfig(ConfigValue.parse(yaml: yaml, file: "/cfg/s.yaml"))
        XCTAssertEqual(c.settings, SamplerSettings(architecture: .cosNet, inputDimension: 2, sigmaW: 1.5, sigmaB: 0.5, width: 7,
                                                   inputs: [[0.1, 0.2], [0.3, -0.4]], netsPerBag: 100, bags: 3, seed: 9,
                                                   threads: 1, estimator: .conditional))
        XCTAssertEqual(c.json, "/cfg/m.json")
        XCTAssertEqual(c.csv, "/cfg/csvdir")
        XCTAssertEqual(c.stateDirectory, "/cfg/st")
        // Defaults are those of the flags: σ_W = σ_b = 1, the paper's inputs, 30 × 30 000, seed 1, direct.
        let d = try SampleConfig(ConfigValue.parse(yaml: "width: 10", file: "d.yaml"))
        XCTAssertEqual(d.settings, SamplerSettings(width: 10))
        let grid = try SampleConfig(ConfigValue.parse(yaml: "width: 2\ngrid: {lower: -1, upper: 1, count: 3, dimension: 2}", file: "g.yaml"))
        XCTAssertEqual(grid.settings.inputs, try SamplerSettings.gridInputs(lower: -1, upper: 1, count: 3, inputDimension: 2))
        XCTAssertEqual(grid.settings.inputDimension, 2)
    }

    /// A config takes what the flags take, no more and no less: the whole UInt64 seed range of
    /// `--seed` (it stopped at Int.max), and the same thread limit as `--threads` (which had none).
    func testConfigAndFlagsShareTheirLimits() throws {
        let seed = try SampleConfig(ConfigValue.parse(yaml: "width: 2\nseed: 18446744073709551615", file: "s.yaml"))
        XCTAssertEqual(seed.settings.seed, UInt64.max)
        XCTAssertThrowsError(try SampleConfig(ConfigValue.parse(yaml: "width: 2\nseed: 18446744073709551616", file: "s.yaml"))) {
            XCTAssertEqual("\($0)", "s.yaml:2:7: 'seed': expected a seed from 0 to 18446744073709551615, got 18446744073709551616")
        }
        let limit = SamplerSettings.maximumThreads
        XCTAssertNoThrow(try SampleConfig(ConfigValue.parse(yaml: "width: 2\nthreads: \(limit)", file: "s.yaml")))
        XCTAssertThrowsError(try SampleConfig(ConfigValue.parse(yaml: "width: 2\nthreads: \(limit + 1)", file: "s.yaml")))
        var settings = SamplerSettings(width: 2)
        settings.threads = limit + 1
        XCTAssertThrowsError(try settings.validate()) {
            XCTAssertEqual("\($0)", "threads must be from 0 (all cores) to \(limit), got \(limit + 1)")
        }
    }

    func testCompareConfigSweepsAndPaths() throws {
        let yaml = """
            sampler: {sigmaB: 0.5, bags: 4, netsPerBag: 10, estimator: direct}
            sweep: {widths: [2, 5, 3]}
            companion: marginal
            observables: [u4, m4]
            output: {directory: out, cache: /tmp/c}
            """
        let c = try CompareConfig(ConfigValue.parse(yaml: yaml, file: "/some/dir/c.yaml"))
        XCTAssertEqual(c.variable, .width)
        XCTAssertEqual(c.values, [2, 5, 3])
        XCTAssertEqual(c.base.sigmaB, 0.5)
        XCTAssertEqual(c.companion, .marginal)
        XCTAssertEqual(c.observables, ["u4", "m4"])
        XCTAssertEqual(c.outputDirectory, "/some/dir/out")
        XCTAssertEqual(c.cacheDirectory, "/tmp/c")
        let s = try CompareConfig(ConfigValue.parse(yaml: "sampler: {width: 4}\nsweep: {sigmaW: [1, 2, 4]}", file: "/x/y.yaml"))
        XCTAssertEqual(s.variable, .sigmaW)
        XCTAssertEqual(s.base.width, 4)
        XCTAssertEqual(s.outputDirectory, "/x")
    }

    func testShippedExamplesLoad() throws {
        let folders = (try? FileManager.default.contentsOfDirectory(atPath: Self.examples.path)) ?? []
        var loaded = 0
        for folder in folders.sorted() {
            let path = Self.examples.appendingPathComponent(folder).appendingPathComponent("config.yaml").path
            guard FileManager.default.fileExists(atPath: path) else { continue }
            XCTAssertNoThrow(try CompareConfig.load(path: path), folder)
            loaded += 1
        }
        let sample = Self.examples.appendingPathComponent("sample.yaml").path
        XCTAssertNoThrow(try SampleConfig.load(path: sample))
        XCTAssertGreaterThanOrEqual(loaded, 3)
    }
}
