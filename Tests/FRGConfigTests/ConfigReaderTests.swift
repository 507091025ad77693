import XCTest
import TextOutput
@testable import FRGConfig

final class ConfigReaderTests: XCTestCase {
    private func root(_ yaml: String) throws -> ConfigValue { try ConfigValue.parse(yaml: yaml, file: "t.yaml") }

    private func assertError(_ yaml: String, _ expected: String, file: StaticString = #filePath, line: UInt = #line,
                             _ read: (ConfigValue) throws -> Void) {
        do {
            try read(try root(yaml))
            XCTFail("expected an error", file: file, line: line)
        } catch let error as ConfigError {
            XCTAssertEqual(error.description, expected, file: file, line: line)
        } catch {
            XCTFail("unexpected error \(error)", file: file, line: line)
        }
    }

    func testUnknownKeySuggestsClosest() {
        assertError("order: 6\ndimenson: 3\n", "t.yaml:2:1: 'dimenson': unknown key; did you mean 'dimension'?") {
            _ = try $0.mapping(allowedKeys: ["order", "dimension"])
        }
    }

    func testUnknownKeyWithoutCloseMatchListsValidKeys() {
        assertError("zzz: 1\n", "t.yaml:1:1: 'zzz': unknown key; valid keys: order, dimension") {
            _ = try $0.mapping(allowedKeys: ["order", "dimension"])
        }
    }

    func testWrongTypeReportsLineAndColumn() {
        assertError("solver:\n  steps: many\n", "t.yaml:2:10: 'solver.steps': expected an integer, got 'many'") {
            let solver = try $0.mapping(allowedKeys: ["solver"]).required("solver", "solver settings")
            _ = try solver.mapping(allowedKeys: ["steps"]).required("steps", "step budget").int()
        }
    }

    func testQuotedNumberIsAString() {
        assertError("d: \"3\"\n", "t.yaml:1:4: 'd': expected a number, got the string \"3\"") {
            _ = try $0.mapping(allowedKeys: ["d"]).required("d", "dimension").double()
        }
    }

    func testNonFiniteNumbersAreRejected() {
        assertError("d: .nan\n", "t.yaml:1:4: 'd': expected a finite number, got '.nan'") {
            _ = try $0.mapping(allowedKeys: ["d"]).required("d", "dimension").double()
        }
        assertError("d: inf\n", "t.yaml:1:4: 'd': expected a finite number, got 'inf'") {
            _ = try $0.mapping(allowedKeys: ["d"]).required("d", "dimension").double()
        }
        for spelling in ["-.inf", ".Inf", "+.INF", ".NaN"] {
            assertError("d: \(spelling)\n", "t.yaml:1:4: 'd': expected a finite number, got '\(spelling)'") {
                _ = try $0.mapping(allowedKeys: ["d"]).required("d", "dimension").double()
            }
        }
    }

    /// A block of text where a mapping or number belongs is quoted on one line, shortened: the
    /// message stays one line (it used to print the block's lines as they were).
    func testLongStringsAreQuotedOnOneLine() throws {
        let block = try root("initial: |\n  couplings:\n    u2: 1\n").mapping(allowedKeys: ["initial"])
        XCTAssertThrowsError(try block.required("initial", "the start").mapping(allowedKeys: [])) {
            XCTAssertEqual("\($0)", #"t.yaml:1:10: 'initial': expected a mapping, got the string "couplings:\n  u2: 1\n""#)
        }
        let long = try root("u2: \"\(String(repeating: "x", count: 100))\"").mapping(allowedKeys: ["u2"])
        XCTAssertThrowsError(try long.required("u2", "a number").double()) {
            XCTAssertTrue("\($0)".hasSuffix("\"" + String(repeating: "x", count: 59) + "…\""), "\($0)")
        }
    }

    /// A scalar tagged `!!str` (or `!`) is a string, as a quoted one is; `!!int` and `!!float` are
    /// numbers of their kind only.
    func testTaggedScalars() throws {
        func number(_ m: ConfigValue) throws -> Double { try m.mapping(allowedKeys: ["n"]).required("n", "").double() }
        func integer(_ m: ConfigValue) throws -> Int { try m.mapping(allowedKeys: ["n"]).required("n", "").int() }
        assertError("n: !!str 3\n", "t.yaml:1:4: 'n': expected a number, got the string \"3\"") { _ = try number($0) }
        assertError("n: ! 3\n", "t.yaml:1:4: 'n': expected a number, got the string \"3\"") { _ = try number($0) }
        assertError("n: !!str 3\n", "t.yaml:1:4: 'n': expected an integer, got the string \"3\"") { _ = try integer($0) }
        assertError("n: !!int 2.5\n", "t.yaml:1:4: 'n': expected an integer, got '2.5' tagged !!int") { _ = try number($0) }
        assertError("n: !!float 3\n", "t.yaml:1:4: 'n': expected an integer, got '3' tagged !!float") { _ = try integer($0) }
        XCTAssertEqual(try number(root("n: !!float 2.5")), 2.5)
        XCTAssertEqual(try number(root("n: !!int 7")), 7)
        XCTAssertEqual(try integer(root("n: !!int 7")), 7)
        // A string "null" is not a missing value.
        XCTAssertEqual(try root("s: !!str null").mapping(allowedKeys: ["s"]).required("s", "").string(), "null")
    }

    func testListLengthIsCheckedBeforeItsElements() {
        assertError("l: [1, x, 3]\n", "t.yaml:1:4: 'l': expected at most 2 scales, got 3") {
            _ = try $0.mapping(allowedKeys: ["l"]).required("l", "").doubles(atMost: 2, "scales")
        }
    }

    /// A configuration file larger than `ConfigValue.maximumBytes` is refused before it is read
    /// (a 40 MB list once took 2.8 GB and 30 s to fail).
    func testOversizedFileIsRefusedBeforeParsing() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("frg-oversized-\(getpid()).yaml").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let text = "scales: [" + String(repeating: "0.5, ", count: ConfigValue.maximumBytes / 5) + "0.5]\n"
        try text.write(toFile: path, atomically: false, encoding: .utf8)
        XCTAssertThrowsError(try ConfigValue.load(path: path)) {
            XCTAssertEqual(($0 as? FileReadError)?.description,
                           "cannot read \(path): it has \(text.utf8.count) bytes, more than the 1048576 frg reads as a YAML configuration file")
        }
    }

    /// Thirty anchors of ten aliases each expand to 10²⁹ nodes ("billion laughs"). Values may be
    /// aliases (they are read where the schema looks, never expanded); a key may not, and is refused
    /// before the document is composed, which would hash the whole expansion.
    func testAliasAsKeyIsRefusedBeforeComposing() throws {
        var lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
        for i in 1..<30 { lines.append("a\(i): &a\(i) [" + Array(repeating: "*a\(i - 1)", count: 10).joined(separator: ", ") + "]") }
        let laughs = lines.joined(separator: "\n") + "\n"
        let values = try root(laughs + "b: *a29\n").mapping(allowedKeys: (0..<30).map { "a\($0)" } + ["b"])
        XCTAssertEqual(try values.required("b", "").list().count, 10)
        assertError(laughs + "? *a29\n: 1\n", "t.yaml:31:3: keys must be plain words, not aliases, lists or mappings") { _ = $0 }
        assertError("{[1, 2]: 3}\n", "t.yaml:1:2: keys must be plain words, not aliases, lists or mappings") { _ = $0 }
    }

    func testOutOfRangeIsAnErrorNotClamped() {
        assertError("order: 50\n", "t.yaml:1:8: 'order': expected an even order in 4...40, got 50") {
            _ = try $0.mapping(allowedKeys: ["order"]).required("order", "order").int(in: 4...40, "an even order")
        }
    }

    func testMissingRequiredKeyPointsAtTheMapping() {
        assertError("run:\n  a: 1\n", "t.yaml:2:3: 'run.kind': missing required key (passive or active)") {
            let run = try $0.mapping(allowedKeys: ["run"]).required("run", "run")
            _ = try run.mapping(allowedKeys: ["a", "kind"]).required("kind", "passive or active")
        }
    }

    func testDuplicateKey() {
        assertError("a: 1\na: 2\n", "t.yaml:2:1: 'a': key appears twice") {
            _ = try $0.mapping(allowedKeys: ["a"])
        }
    }

    func testChoiceSuggestion() {
        assertError("regulator: litm\n", "t.yaml:1:12: 'regulator': expected one of litim, exponential, got 'litm' (did you mean 'litim'?)") {
            _ = try $0.mapping(allowedKeys: ["regulator"]).required("regulator", "regulator").choice(["litim", "exponential"])
        }
    }

    func testSyntaxErrorHasLocation() {
        do {
            _ = try root("a: [1, 2\nb: 3\n")
            XCTFail("expected a YAML error")
        } catch let error as ConfigError {
            XCTAssertEqual(error.location.file, "t.yaml")
            XCTAssertGreaterThanOrEqual(error.location.line, 1)
            XCTAssertTrue(error.message.hasPrefix("invalid YAML"), error.message)
        } catch {
            XCTFail("\(error)")
        }
    }

    func testEmptyDocument() {
        XCTAssertThrowsError(try root("")) {
            XCTAssertEqual(($0 as? ConfigError)?.description, "t.yaml:1:1: the file is empty; expected a mapping of settings")
        }
    }

    func testValidValuesRead() throws {
        let m = try root("a: 1.5e-3\nb: 7\nc: [1, 2.5]\nd: true\n").mapping(allowedKeys: ["a", "b", "c", "d"])
        XCTAssertEqual(try m.required("a", "").double(), 1.5e-3)
        XCTAssertEqual(try m.required("b", "").int(), 7)
        XCTAssertEqual(try m.required("c", "").doubles(), [1, 2.5])
        XCTAssertEqual(try m.required("d", "").bool(), true)
    }

    func testEditDistance() {
        XCTAssertEqual(editDistance("kitten", "sitting"), 3)
        XCTAssertEqual(closestMatch(to: "tolerence", in: ["tolerance", "order"]), "tolerance")
        XCTAssertNil(closestMatch(to: "xyz", in: ["tolerance", "order"]))
    }
}
