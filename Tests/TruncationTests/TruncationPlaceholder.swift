import XCTest
@testable import Truncation
