import XCTest
@testable import FRGConfig
