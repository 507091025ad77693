import XCTest
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
        assertError("d: .nan\n", "t.yaml:1:4: 'd': expected a number, got '.nan'") {
            _ = try $0.mapping(allowedKeys: ["d"]).required("d", "dimension").double()
        }
        assertError("d: inf\n", "t.yaml:1:4: 'd': expected a finite number, got 'inf'") {
            _ = try $0.mapping(allowedKeys: ["d"]).required("d", "dimension").double()
        }
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
