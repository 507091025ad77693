import XCTest
@testable import ODE
