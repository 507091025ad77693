import Foundation
import GaussNet
import MPIRuntime
import XCTest
@testable import Cluster

/// The parts of the MPI job that need no MPI: how a launch is recognized, and the messages.
final class ClusterUnitTests: XCTestCase {
    /// Each launcher is recognized by its own variables, with the rank and size it states; a plain
    /// process (or one under Slurm without a PMI) is not a launch, so frg never calls MPI_Init.
    func testLaunchDetection() {
        XCTAssertNil(MPILaunch.detect([:]))
        XCTAssertNil(MPILaunch.detect(["SLURM_PROCID": "0", "SLURM_NTASKS": "4", "PATH": "/bin"]))
        XCTAssertEqual(MPILaunch.detect(["OMPI_COMM_WORLD_SIZE": "3", "OMPI_COMM_WORLD_RANK": "2", "PMIX_RANK": "2"]),
                       MPILaunch(launcher: "Open MPI's mpirun", rank: 2, size: 3))
        XCTAssertEqual(MPILaunch.detect(["PMIX_RANK": "1", "SLURM_STEP_NUM_TASKS": "4"]),
                       MPILaunch(launcher: "a PMIx launcher (srun --mpi=pmix)", rank: 1, size: 4))
        XCTAssertEqual(MPILaunch.detect(["PMI_RANK": "0", "PMI_SIZE": "2"]),
                       MPILaunch(launcher: "a PMI launcher (srun --mpi=pmi2, MPICH's mpiexec)", rank: 0, size: 2))
    }

    /// A Slurm step started without PMIx is named before MPI is touched: several tasks without a
    /// plugin (each would run the whole job), or PMI-2, which Debian's Open MPI cannot start from;
    /// one task without a plugin, a batch script (no step), mpirun inside an allocation and
    /// `srun --mpi=pmix` are fine.
    func testSlurmStepsWithoutPMIxAreRecognized() {
        let step = ["SLURM_PROCID": "1", "SLURM_STEP_NUM_TASKS": "2", "SLURM_JOB_ID": "7"]
        XCTAssertEqual(MPILaunch.unsupportedSlurmStep(step), .slurmWithoutPMIx(plugin: "none", tasks: 2))
        XCTAssertEqual(MPILaunch.unsupportedSlurmStep(step.merging(["SLURM_MPI_TYPE": "pmi2", "PMI_RANK": "1", "PMI_SIZE": "2"]) { $1 }),
                       .slurmWithoutPMIx(plugin: "pmi2", tasks: 2))
        XCTAssertNil(MPILaunch.unsupportedSlurmStep(["SLURM_PROCID": "0", "SLURM_STEP_NUM_TASKS": "1"]))
        XCTAssertNil(MPILaunch.unsupportedSlurmStep(["SLURM_PROCID": "0", "SLURM_NTASKS": "4", "SLURM_JOB_ID": "7"]))
        XCTAssertNil(MPILaunch.unsupportedSlurmStep(step.merging(["OMPI_COMM_WORLD_SIZE": "2"]) { $1 }))
        XCTAssertNil(MPILaunch.unsupportedSlurmStep(step.merging(["PMIX_RANK": "1", "SLURM_MPI_TYPE": "pmix"]) { $1 }))
        XCTAssertEqual(MPIError.slurmWithoutPMIx(plugin: "none", tasks: 2).category, .invalidInput)
    }

    /// A bag crosses the wire bit for bit: rank 0 must hold exactly what the worker saved, or the
    /// output would depend on the number of ranks. Signed zeros, subnormals and extremes included.
    func testBagMessageKeepsEveryBit() throws {
        let awkward: [Double] = [-0.0, 0.0, .leastNonzeroMagnitude, -.leastNormalMagnitude, .greatestFiniteMagnitude,
                                 1.0 / 3.0, -2.5e-300, .pi]
        let bag = BagResult(bag: 12345, runKey: "0123456789abcdef", twoPoint: awkward, fourPoint: [], sixPoint: awkward.reversed())
        let decoded = try BagMessage.decoded(BagMessage.encoded(bag), from: 1)
        XCTAssertEqual(decoded.bag, bag.bag)
        XCTAssertEqual(decoded.runKey, bag.runKey)
        for (a, b) in [(decoded.twoPoint, bag.twoPoint), (decoded.fourPoint, bag.fourPoint), (decoded.sixPoint, bag.sixPoint)] {
            XCTAssertEqual(a.map(\.bitPattern), b.map(\.bitPattern))
        }
    }

    /// A truncated, padded or foreign message is an error naming the rank, never a wrong bag.
    func testMalformedBagMessagesAreRejected() {
        let bytes = BagMessage.encoded(BagResult(bag: 3, runKey: "k", twoPoint: [1, 2], fourPoint: [3], sixPoint: [4]))
        for broken in [Array(bytes.dropLast()), bytes + [0], Array(bytes.prefix(3)), [UInt8](repeating: 0, count: bytes.count), []] {
            XCTAssertThrowsError(try BagMessage.decoded(broken, from: 2)) {
                XCTAssertTrue(String(describing: $0).contains("rank 2"), "\($0)")
            }
        }
    }

    /// A job command carries the settings unchanged (their run key is checked on arrival).
    func testJobCommandRoundTrip() throws {
        let settings = SamplerSettings(width: 7, inputs: [[0.1], [-0.3], [1.0 / 3.0]], netsPerBag: 64, bags: 5, seed: 9, threads: 0)
        let command = Command(kind: .job, settings: settings, bags: [4, 0, 2])
        let decoded = try Command.decoded(command.encoded())
        XCTAssertEqual(decoded, command)
        XCTAssertEqual(decoded.settings?.runKey, settings.runKey)
        XCTAssertThrowsError(try Command.decoded(Array("{\"kind\":\"dance\"}".utf8)))
    }
}
