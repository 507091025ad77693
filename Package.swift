// swift-tools-version:6.0
//
// frg — functional renormalization group solver for the NN-QFT correspondence.
//
// Dependency graph (it points one way; ARCHITECTURE.md says where new things go):
//   Diagnostics, TextOutput (leaves: the user-facing error protocol; number formats, atomic writes)
//   CSundials (system library) → CVodeShim (C) → ODE (Swift)
//   CLapack (C: LAPACKE loaded at first use) → LapackRuntime → FixedPoints
//   → physics, no YAML and no terminal: Truncation → FixedPoints → FullPotential; Flows;
//     GaussNet (hot loops in the C target GaussNetKernels) → Comparison; Runs (every flow behind one
//     protocol)
//   CMPI (system library, Open MPI) → MPIShim (C) → MPIRuntime; GaussNet + MPIRuntime → Cluster
//     (bags over MPI ranks)
//   → FRGConfig (YAML), Reports (tables, CSV, SVG) → FRGCLI (parses, calls, renders) → frg
import PackageDescription

/// Modules built in the Swift 6 language mode (complete concurrency checking). Truncation and
/// GaussNet stay in Swift 5 mode: their parallel loops hand raw buffers to concurrentPerform.
let v6: [SwiftSetting] = [.swiftLanguageMode(.v6)]

let package = Package(
    name: "frg",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "frg", targets: ["frg"]),
        .library(name: "ODE", targets: ["ODE"]),
        .library(name: "Truncation", targets: ["Truncation"]),
        .library(name: "GaussNet", targets: ["GaussNet"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        .package(url: "https://github.com/apple/swift-numerics", from: "1.0.0"),
        .package(url: "https://github.com/attaswift/BigInt", from: "6.0.0"),
    ],
    targets: [
        // Leaves every layer may use: the user-facing error protocol, and number formatting with
        // atomic file writes.
        .target(name: "Diagnostics",
            swiftSettings: v6),
        .target(name: "TextOutput", dependencies: ["Diagnostics"],
            swiftSettings: v6),
        // Layer 1: SUNDIALS from Debian's libsundials-dev, linked by name (no pkg-config file).
        .systemLibrary(
            name: "CSundials",
            providers: [.apt(["libsundials-dev"])]
        ),
        // LAPACKE (Debian's liblapacke-dev: the header at build time, liblapacke.so.3 at run time),
        // loaded at first use with single-threaded BLAS, never linked (so OpenBLAS starts no pool
        // at start-up); LapackRuntime is its Swift face and typed load error.
        .target(name: "CLapack"),
        .target(name: "LapackRuntime", dependencies: ["CLapack", "Diagnostics"],
            swiftSettings: v6),
        // Layer 2: the C shim over CVODE.
        .target(
            name: "CVodeShim",
            dependencies: ["CSundials"]
        ),
        // Layer 3: the Swift ODE wrapper.
        .target(
            name: "ODE",
            dependencies: ["CVodeShim", "Diagnostics"],
            swiftSettings: v6
        ),
        // Physics.
        .target(
            name: "Truncation",
            dependencies: [
                "Diagnostics", "TextOutput",
                // Exact rationals for the symbolic projection (orders up to 2n = 40 need factorials
                // far beyond Int64).
                .product(name: "BigInt", package: "BigInt"),
            ]
        ),
        // Eigenvalues are swift-numerics' Complex<Double> (RealModule: a public Complex<Double>
        // property needs Double's conformance to Real in scope).
        .target(
            name: "FixedPoints",
            dependencies: [
                "Truncation", "LapackRuntime", "Diagnostics", "TextOutput",
                .product(name: "ComplexModule", package: "swift-numerics"),
                .product(name: "RealModule", package: "swift-numerics"),
            ],
            swiftSettings: v6
        ),
        .target(
            name: "Flows",
            dependencies: ["ODE", "Truncation", "Diagnostics"],
            swiftSettings: v6
        ),
        .target(
            name: "FullPotential",
            dependencies: [
                "ODE", "Truncation", "FixedPoints", "Diagnostics", "LapackRuntime",
                .product(name: "ComplexModule", package: "swift-numerics"),
                .product(name: "RealModule", package: "swift-numerics"),
            ],
            swiftSettings: v6
        ),
        // The sampler's hot loops (random streams, ziggurat, direct network) in C, so that one
        // binary carries AVX-512, AVX2 and baseline clones chosen at load time.
        .target(name: "GaussNetKernels"),
        .target(
            name: "GaussNet",
            dependencies: ["GaussNetKernels", "Diagnostics", "TextOutput"]
        ),
        // MPI (Debian's libopenmpi-dev, flags from pkg-config ompi-c): its handles are macros Swift
        // cannot import, so a small C shim wraps the calls frg makes; MPIRuntime is the Swift face
        // (typed errors, initialized only under an MPI launcher) and Cluster the executor that
        // spreads an ensemble's bags over the ranks.
        .systemLibrary(
            name: "CMPI",
            pkgConfig: "ompi-c",
            providers: [.apt(["libopenmpi-dev"])]
        ),
        .target(name: "MPIShim", dependencies: ["CMPI"]),
        .target(name: "MPIRuntime", dependencies: ["MPIShim", "Diagnostics"],
            swiftSettings: v6),
        .target(name: "Cluster", dependencies: ["GaussNet", "MPIRuntime", "Diagnostics"],
            swiftSettings: v6),
        .target(
            name: "Comparison",
            dependencies: ["GaussNet", "Flows", "Truncation", "Diagnostics", "TextOutput"],
            swiftSettings: v6
        ),
        // Runs: every kind of flow behind one protocol, with its presentation-neutral trajectory.
        .target(
            name: "Runs",
            dependencies: ["Flows", "FullPotential", "Truncation", "GaussNet", "Diagnostics", "TextOutput"],
            swiftSettings: v6
        ),
        // Configuration and reports.
        .target(
            name: "FRGConfig",
            dependencies: ["Truncation", "Flows", "GaussNet", "FullPotential", "Runs", "Diagnostics", "TextOutput", "Yams"],
            swiftSettings: v6
        ),
        .target(
            name: "Reports",
            dependencies: ["Runs", "Diagnostics", "TextOutput"],
            swiftSettings: v6
        ),
        // Command line.
        .target(
            name: "FRGCLI",
            dependencies: [
                "ODE", "Truncation", "FixedPoints", "Flows", "GaussNet", "Comparison", "FullPotential", "Runs", "FRGConfig", "Reports",
                "LapackRuntime", "Diagnostics", "TextOutput", "Cluster", "MPIRuntime",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "ComplexModule", package: "swift-numerics"),
            ],
            swiftSettings: v6
        ),
        .executableTarget(name: "frg", dependencies: ["FRGCLI"]),
        .executableTarget(
            name: "frg-bench",
            dependencies: [
                "ODE", "Truncation", "FixedPoints", "Flows", "GaussNet", "FullPotential", "Runs", "FRGConfig", "LapackRuntime",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "ComplexModule", package: "swift-numerics"),
            ],
            path: "Benchmarks",
            // The SciPy peer and the script that runs it beside frg-bench; frg on MPI ranks.
            exclude: ["flow-vs-scipy", "peers", "mpi-scaling"]
        ),
        .testTarget(name: "ODETests", dependencies: ["ODE"]),
        .testTarget(name: "TruncationTests", dependencies: ["Truncation"]),
        .testTarget(name: "LapackRuntimeTests", dependencies: ["LapackRuntime", "Diagnostics"]),
        .testTarget(name: "FixedPointsTests", dependencies: ["FixedPoints", "Truncation", .product(name: "ComplexModule", package: "swift-numerics")]),
        .testTarget(name: "FlowsTests", dependencies: ["Flows", "Truncation", "ODE", "FixedPoints", .product(name: "ComplexModule", package: "swift-numerics")]),
        .testTarget(name: "FullPotentialTests", dependencies: ["FullPotential", "Truncation", "FixedPoints", .product(name: "ComplexModule", package: "swift-numerics")]),
        .testTarget(name: "GaussNetTests", dependencies: ["GaussNet", "Diagnostics"]),
        // The bag codec and the launch detection in-process; the frg binary under mpirun.
        .testTarget(name: "ClusterTests", dependencies: ["Cluster", "MPIRuntime", "GaussNet"]),
        // The config corpora are read through #filePath, not bundled.
        .testTarget(name: "FRGConfigTests", dependencies: ["FRGConfig"],
                    exclude: ["BrokenConfigs", "BrokenSampleConfigs", "BrokenCompareConfigs"]),
        .testTarget(name: "ComparisonTests", dependencies: ["Comparison"]),
        .testTarget(name: "RunsTests", dependencies: ["Runs", "FRGConfig"]),
        .testTarget(name: "ReportsTests", dependencies: ["Reports"]),
        .testTarget(name: "FRGCLITests", dependencies: ["FRGCLI", "Diagnostics", "Truncation", "FixedPoints", "FullPotential"]),
        // Runs the frg binary on mutants of the shipped configs and command lines (FRG_FUZZ_CASES, FRG_FUZZ_SEED).
        .testTarget(name: "FuzzTests", dependencies: [.product(name: "Yams", package: "Yams")]),
    ],
    swiftLanguageModes: [.v5]
)
