// FixedPoints: fixed points of beta functions and critical exponents.
