import XCTest
@testable import Flows
