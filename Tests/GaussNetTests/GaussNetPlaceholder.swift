import XCTest
@testable import GaussNet
