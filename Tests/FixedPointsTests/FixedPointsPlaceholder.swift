import XCTest
@testable import FixedPoints
