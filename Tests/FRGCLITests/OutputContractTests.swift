import Foundation
import XCTest
@testable import FRGCLI

/// The output contract of every subcommand (docs/outputs.md): `--format json --output -` gives one
/// JSON document on stdout whose schema exists and declares its keys; every CSV is one header row
/// and data; configs from stdin equal the file; `--set` overrides like the file and is named in
/// errors; old spellings and non-SVG plots are refused with exit 2 before any work.
final class OutputContractTests: XCTestCase {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    func scratch() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("frg-contract-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return url
    }

    /// Runs `frg arguments` in this process with stdin from `stdin` and stdout, stderr captured.
    func run(_ arguments: [String], stdin: String = "", in directory: URL? = nil) throws -> (status: Int32, stdout: String, stderr: String) {
        let dir = try scratch()
        let inURL = dir.appendingPathComponent("stdin"), outURL = dir.appendingPathComponent("stdout"),
            errURL = dir.appendingPathComponent("stderr")
        try Data(stdin.utf8).write(to: inURL)
        try Data().write(to: outURL)
        try Data().write(to: errURL)
        let input = try FileHandle(forReadingFrom: inURL)
        let out = try FileHandle(forWritingTo: outURL), err = try FileHandle(forWritingTo: errURL)
        let previous = FileManager.default.currentDirectoryPath
        if let directory { FileManager.default.changeCurrentDirectoryPath(directory.path) }
        fflush(nil)
        let saved = (dup(0), dup(1), dup(2))
        dup2(input.fileDescriptor, 0)
        dup2(out.fileDescriptor, 1)
        dup2(err.fileDescriptor, 2)
        let status = FRG.run(arguments)
        fflush(nil)
        dup2(saved.0, 0)
        dup2(saved.1, 1)
        dup2(saved.2, 2)
        [saved.0, saved.1, saved.2].forEach { close($0) }
        FileManager.default.changeCurrentDirectoryPath(previous)
        try input.close()
        try out.close()
        try err.close()
        return (status, try String(contentsOf: outURL, encoding: .utf8), try String(contentsOf: errURL, encoding: .utf8))
    }

    /// Results that cannot be written are a failed run (exit 1, the reason on stderr), not a
    /// silent success: stdout on a full device.
    func testResultsLostOnStdoutFailTheRun() throws {
        let dir = try scratch()
        let errURL = dir.appendingPathComponent("stderr")
        try Data().write(to: errURL)
        let full = open("/dev/full", O_WRONLY)
        try XCTSkipIf(full < 0, "no /dev/full on this system")
        let err = try FileHandle(forWritingTo: errURL)
        fflush(nil)
        let saved = (dup(1), dup(2))
        dup2(full, 1)
        dup2(err.fileDescriptor, 2)
        let status = FRG.run(["beta", "--dimension", "3", "--order", "6"])
        fflush(nil)
        clearStandardOutputError()
        dup2(saved.0, 1)
        dup2(saved.1, 2)
        [saved.0, saved.1, full].forEach { close($0) }
        try err.close()
        let stderr = try String(contentsOf: errURL, encoding: .utf8)
        XCTAssertEqual(status, 1, stderr)
        XCTAssertTrue(stderr.contains("could not write the results to standard output: no space left on device"), stderr)
    }

    static let flowConfig = repository.appendingPathComponent("flows/wf-d3-symmetric.yaml").path
    static let fullPotentialFlow = repository.appendingPathComponent("flows/full-potential-nn-d1.yaml").path
    static let activeFlow = repository.appendingPathComponent("flows/active-sigma.yaml").path
    static let tinySample = ["sample", "--width", "2", "--nets", "50", "--bags", "3", "--threads", "1"]
    /// A compare sweep small enough for a unit test (three widths, 3 bags of 200 networks).
    static let tinyCompare = """
        {"sampler": {"sigmaB": 0.5, "netsPerBag": 200, "bags": 3, "threads": 1, "estimator": "conditional",
                     "inputs": [-0.3, -0.1, 0.1, 0.3]},
         "sweep": {"widths": [2, 3, 4]}, "observables": ["u4", "m4"]}
        """

    /// One command per document kind (docs/outputs.md), each with the schema it must name.
    func documentCommands(state: String) -> [(arguments: [String], stdin: String, schema: String)] {
        [
            (["beta", "--dimension", "3", "--order", "6", "--at", "u2=-0.1,u4=0.5,u6=1"], "", "beta"),
            (["fixed-points", "--dimension", "3", "--order", "6", "--starts", "40"], "", "fixed-points"),
            (["fixed-points", "--dimension", "3", "--order", "8", "--convergence", "4:8", "--expansion", "both"], "", "fixed-point-study"),
            (["fixed-points", "--dimension-sweep", "3.9:3.7:0.1", "--order", "6"], "", "fixed-point-study"),
            (["fixed-points", "--truncation", "full-potential", "--dimension", "3"], "", "full-potential"),
            (["fixed-points", "--scheme", "polchinski", "--truncation", "derivative2", "--expansion", "full",
              "--regulator", "exponential", "--dimension", "3"], "", "full-potential"),
            (["flow", Self.flowConfig], "", "flow"),
            (["flow", Self.activeFlow], "", "flow"),
            (["flow", Self.fullPotentialFlow], "", "flow"),
            (Self.tinySample + ["--state", state], "", "measurement"),
            (["compare", "-", "--no-cache"], Self.tinyCompare, "compare"),
        ]
    }

    /// The top-level `properties` and `required` keys of `schemas/<name>.v1.schema.json`.
    func schemaKeys(_ name: String) throws -> (declared: Set<String>, required: [String]) {
        let url = Self.repository.appendingPathComponent("schemas/\(name).v1.schema.json")
        let schema = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any], "no schema file for \(name)")
        XCTAssertEqual(schema["$id"] as? String, "frg/\(name)/v1")
        XCTAssertEqual(schema["$schema"] as? String, "https://json-schema.org/draft/2020-12/schema")
        let properties = try XCTUnwrap(schema["properties"] as? [String: Any])
        return (Set(properties.keys), schema["required"] as? [String] ?? [])
    }

    func testEveryJSONDocumentOnStdoutNamesItsSchemaAndOnlyDeclaredKeys() throws {
        let state = try scratch().appendingPathComponent("state").path
        for (arguments, stdin, name) in documentCommands(state: state) {
            let result = try run(arguments + ["--format", "json", "--output", "-"], stdin: stdin)
            XCTAssertEqual(result.status, 0, "\(arguments): \(result.stderr)")
            // Exactly one document: it parses as a whole, so nothing else is on stdout.
            let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any],
                                       "\(arguments): stdout is not one JSON object")
            XCTAssertTrue(result.stdout.hasPrefix("{\n  \"schema\" : \"frg/\(name)/v1\",\n  \"frgVersion\" : \"\(frgVersion)\""),
                          "\(arguments): schema and frgVersion first")
            let (declared, required) = try schemaKeys(name)
            XCTAssertEqual(Set(object.keys).subtracting(declared), [], "\(arguments): keys the schema does not declare")
            XCTAssertEqual(Set(required).subtracting(object.keys), [], "\(arguments): required keys missing")
        }
    }

    func testEveryCSVIsOneHeaderRowAndDataWithASidecarWhenWrittenToAFile() throws {
        let dir = try scratch()
        let state = dir.appendingPathComponent("state").path
        var checked = 0
        for (withPoint, stdin, name) in documentCommands(state: state) {
            // The CSV of frg beta holds the terms; the values at a point are JSON only.
            var arguments = withPoint
            if let at = arguments.firstIndex(of: "--at") { arguments.removeSubrange(at...(at + 1)) }
            let csv = dir.appendingPathComponent("\(checked).csv").path
            let result = try run(arguments + ["--format", "csv", "--output", csv], stdin: stdin)
            XCTAssertEqual(result.status, 0, "\(arguments): \(result.stderr)")
            let lines = try String(contentsOfFile: csv, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
            XCTAssertFalse(lines.contains { $0.hasPrefix("#") }, "\(arguments): a comment line")
            XCTAssertEqual(lines.last, "", "\(arguments): ends with a newline")
            let header = lines[0].split(separator: ",").map(String.init)
            // A header is names, not numbers, and every row has as many cells (no quoted commas here).
            XCTAssertFalse(header.contains { Double($0) != nil }, "\(arguments): header \(header)")
            XCTAssertGreaterThan(lines.count, 2, "\(arguments): no data rows")
            for line in lines.dropFirst().dropLast() where !line.contains("\"") {
                XCTAssertEqual(line.split(separator: ",", omittingEmptySubsequences: false).count, header.count, "\(arguments): \(line)")
            }
            let meta = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: csv + ".meta.json"))) as? [String: Any])
            XCTAssertEqual(meta["schema"] as? String, "frg/meta/v1")
            XCTAssertEqual(meta["columns"] as? [String], header)
            XCTAssertEqual(meta["data"] as? String, "\(checked).csv")
            XCTAssertEqual(meta["describes"] as? String, "frg/\(name)/v1")
            XCTAssertEqual(Set(meta.keys).subtracting(try schemaKeys("meta").declared), [])
            // On stdout: the same table, and no sidecar.
            let piped = try run(arguments + ["--format", "csv", "--output", "-"], stdin: stdin)
            XCTAssertEqual(piped.stdout.split(separator: "\n").first.map(String.init), String(lines[0]), "\(arguments)")
            checked += 1
        }
        XCTAssertEqual(checked, 11)
    }

    func testIntegersAreWrittenAsIntegersAndEigenvaluesAsRealAndImaginaryColumns() throws {
        let result = try run(["fixed-points", "--dimension", "3", "--order", "8", "--convergence", "4:8", "--format", "csv", "--output", "-"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let rows = result.stdout.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        let header = rows[0]
        let order = try XCTUnwrap(header.firstIndex(of: "order"))
        XCTAssertEqual(rows.dropFirst().map { $0[order] }, ["4", "6", "8"])
        XCTAssertEqual(Array(header.suffix(8)), ["theta1Re", "theta1Im", "theta2Re", "theta2Im", "theta3Re", "theta3Im", "theta4Re", "theta4Im"])
        // Order 4 has two eigenvalues: the cells of the third and fourth are empty.
        XCTAssertEqual(Array(rows[1].suffix(4)), ["", "", "", ""])
        XCTAssertNotNil(Double(rows[3].last!))
    }

    func testConfigFromStdinEqualsTheFile() throws {
        let text = try String(contentsOfFile: Self.flowConfig, encoding: .utf8)
        let fromFile = try run(["flow", Self.flowConfig, "--format", "json", "-o", "-"])
        let fromStdin = try run(["flow", "-", "--format", "json", "-o", "-"], stdin: text)
        XCTAssertEqual(fromFile.status, 0)
        XCTAssertEqual(fromStdin.status, 0, fromStdin.stderr)
        var a = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(fromFile.stdout.utf8)) as? [String: Any])
        var b = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(fromStdin.stdout.utf8)) as? [String: Any])
        XCTAssertEqual(b["config"] as? String, "<stdin>")
        a["config"] = nil
        b["config"] = nil
        XCTAssertEqual(a as NSDictionary, b as NSDictionary)
        // A broken config on stdin is reported as <stdin>:line:column.
        let broken = try run(["flow", "-"], stdin: text.replacingOccurrences(of: "flow: passive", with: "flow: sideways"))
        XCTAssertEqual(broken.status, 2)
        XCTAssertTrue(broken.stderr.hasPrefix("frg flow: error: <stdin>:"), broken.stderr)
    }

    func testSetOverridesLikeTheFileAndNamesItselfInErrors() throws {
        let dir = try scratch()
        let text = try String(contentsOfFile: Self.flowConfig, encoding: .utf8)
        XCTAssertTrue(text.contains("  tEnd: -8\n"), "the test edits this line")
        let edited = dir.appendingPathComponent("edited.yaml").path
        try text.replacingOccurrences(of: "  tEnd: -8\n", with: "  tEnd: -8\n  samples: 7\n").write(toFile: edited, atomically: true, encoding: .utf8)
        let overridden = try run(["flow", Self.flowConfig, "--set", "range.samples=7", "--format", "csv", "-o", "-"])
        let fromFile = try run(["flow", edited, "--format", "csv", "-o", "-"])
        XCTAssertEqual(overridden.status, 0, overridden.stderr)
        XCTAssertEqual(overridden.stdout, fromFile.stdout)
        XCTAssertEqual(overridden.stdout.split(separator: "\n").count, 1 + 7)

        // The value is validated like the file's, and the error names the --set it came from.
        let bad = try run(["flow", Self.flowConfig, "--set", "range.samples=1"])
        XCTAssertEqual(bad.status, 2)
        XCTAssertTrue(bad.stderr.hasPrefix("frg flow: error: --set range.samples=1: 'range.samples': "), bad.stderr)
        let notNumber = try run(["flow", Self.flowConfig, "--set", "range.samples=many"])
        XCTAssertEqual(notNumber.status, 2)
        XCTAssertTrue(notNumber.stderr.contains("--set range.samples=many: 'range.samples': expected"), notNumber.stderr)
        // A key the schema does not have: the allowed keys at that level are listed.
        let unknown = try run(["flow", Self.flowConfig, "--set", "range.sample=7"])
        XCTAssertEqual(unknown.status, 2)
        XCTAssertTrue(unknown.stderr.contains("--set range.sample=7: 'range.sample': unknown key; did you mean 'samples'? (valid keys: "), unknown.stderr)
        let missingEquals = try run(["flow", Self.flowConfig, "--set", "range.samples"])
        XCTAssertEqual(missingEquals.status, 2)
        // Sample and compare take it too.
        let sample = try run(["sample", "-", "--set", "bags=1", "--state", dir.appendingPathComponent("s").path],
                             stdin: "width: 2\nnetsPerBag: 50\nbags: 3\nthreads: 1\n")
        XCTAssertEqual(sample.status, 2)
        XCTAssertTrue(sample.stderr.contains("--set bags=1"), sample.stderr)
        let compare = try run(["compare", "-", "--no-cache", "--set", "sampler.bag=3"], stdin: Self.tinyCompare)
        XCTAssertEqual(compare.status, 2)
        XCTAssertTrue(compare.stderr.contains("--set sampler.bag=3: 'sampler.bag': unknown key; did you mean 'bags'?"), compare.stderr)
    }

    func testOldSpellingsAreRefusedNamingTheReplacement() throws {
        let cases: [([String], String)] = [
            (["fixed-points", "--dimension", "3", "--json"], "--json was replaced by --format json"),
            (["fixed-points", "--dimension", "3", "--convergence", "4:6", "--csv", "x.csv"], "--csv was replaced by --format csv --output x.csv"),
            (Self.tinySample + ["--json", "m.json"], "--json was replaced by --format json --output m.json"),
            (Self.tinySample + ["--csv", "out"], "--csv was replaced by --format csv --output FILE"),
        ]
        let dir = try scratch()
        for (arguments, replacement) in cases {
            let result = try run(arguments, in: dir)
            XCTAssertEqual(result.status, 2, "\(arguments)")
            XCTAssertTrue(result.stderr.contains(replacement), result.stderr)
            XCTAssertEqual(result.stdout, "")
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path), [], "nothing written, nothing sampled")
    }

    func testPlotsOtherThanSVGAreRefusedBeforeComputing() throws {
        let dir = try scratch()
        for arguments in [["fixed-points", "--dimension", "3", "--convergence", "4:64", "--plot", "nu.png"],
                          ["fixed-points", "--dimension", "3", "--convergence", "4:64", "--deviation-plot", "d.pdf"],
                          ["fixed-points", "--truncation", "full-potential", "--dimension", "3", "--plot", "u.PNG"],
                          ["flow", Self.flowConfig, "--plot", "flow.pdf"]] {
            let start = Date()
            let result = try run(arguments, in: dir)
            XCTAssertEqual(result.status, 2, "\(arguments)")
            XCTAssertTrue(result.stderr.contains("frg draws SVG only"), result.stderr)
            XCTAssertTrue(result.stderr.contains("frg.plots"), result.stderr)
            // Refused by the parser, before the study: no output on stdout.
            XCTAssertEqual(result.stdout, "")
            XCTAssertLessThan(Date().timeIntervalSince(start), 5)
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path), [])
    }

    func testADocumentOnStdoutSendsTheSummaryToStderr() throws {
        let flow = try run(["flow", Self.flowConfig, "--format", "csv", "-o", "-"])
        XCTAssertTrue(flow.stdout.hasPrefix("t,k,"))
        XCTAssertTrue(flow.stderr.contains("# equations: "), "the summary is still shown, on stderr")
        let sample = try run(Self.tinySample + ["--state", try scratch().path, "--format", "json", "-o", "-"])
        XCTAssertEqual(sample.status, 0)
        XCTAssertNoThrow(try JSONSerialization.jsonObject(with: Data(sample.stdout.utf8)))
        XCTAssertTrue(sample.stderr.contains("frg sample —"))
    }

    func testSampleCombinationsAreOneBasedInJSONAndCSV() throws {
        let state = try scratch().path
        let json = try run(Self.tinySample + ["--points", "0,0.5", "--state", state, "--format", "json", "-o", "-"])
        let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let u4 = try XCTUnwrap(object["u4"] as? [String: Any])
        // Two inputs: the four-point multisets of {x₁, x₂}.
        XCTAssertEqual(u4["combinations"] as? [[Int]], [[1, 1, 1, 1], [1, 1, 1, 2], [1, 1, 2, 2], [1, 2, 2, 2], [2, 2, 2, 2]])
        let csv = try run(Self.tinySample + ["--points", "0,0.5", "--state", state, "--format", "csv", "-o", "-"])
        let rows = csv.stdout.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false) }
        XCTAssertEqual(rows[0].prefix(3), ["order", "combination", "points"])
        XCTAssertEqual(rows[1].prefix(3), ["2", "1 1", "0.0;0.0"])
        XCTAssertEqual(rows.filter { $0[0] == "4" }.map { String($0[1]) }, ["1 1 1 1", "1 1 1 2", "1 1 2 2", "1 2 2 2", "2 2 2 2"])
    }
}
