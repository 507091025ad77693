import XCTest
@testable import FRGCLI
