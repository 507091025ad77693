import CLapack
import Diagnostics

/// LAPACK could not be loaded. A failure of the run (`ErrorCategory.runFailed`): the input was
/// valid, the machine lacks a library.
public enum LapackLoadError: UserFacingError, Equatable {
    /// `dlopen` failed; `reason` is the loader's text.
    case libraryUnavailable(library: String, reason: String)
    /// The library loaded but lacks a routine frg calls.
    case routineMissing(library: String, routine: String)

    public var description: String {
        switch self {
        case let .libraryUnavailable(library, reason):
            return "cannot load LAPACK (\(library)): \(reason); install Debian's liblapacke-dev (scripts/install-deps)"
        case let .routineMissing(library, routine):
            return "LAPACK library \(library) has no \(routine); install Debian's liblapacke-dev (scripts/install-deps)"
        }
    }

    public var category: ErrorCategory { .runFailed }
}

/// The LAPACKE routines frg uses, loaded at first use with single-threaded BLAS.
///
/// The thread policy, decided once per process: BLAS runs on one thread. frg's matrices are small
/// (n ≲ 64) and its parallelism is its own (one matrix per `concurrentPerform` worker), so a BLAS
/// pool could only compete with those workers. frg therefore does not link liblapacke: the first
/// call loads `liblapacke.so.3` with `OPENBLAS_NUM_THREADS`, `GOTO_NUM_THREADS`, `OMP_NUM_THREADS`,
/// `BLIS_NUM_THREADS` and `MKL_NUM_THREADS` set to 1 for that load only (OpenBLAS starts its pool
/// in its library constructor), then calls the loaded library's thread setter with 1. A program
/// that never calls LAPACK never loads it (`Sources/CLapack/lapack_loader.c`).
public enum Lapack {
    /// `LAPACK_ROW_MAJOR`.
    public static let rowMajor = Int32(FRG_LAPACK_ROW_MAJOR)

    /// Loads LAPACKE once per process; later calls return at once (or throw the first failure).
    public static func load() throws(LapackLoadError) {
        let status = frg_lapack_load()
        if status == FRG_LAPACK_LOADED { return }
        let message = String(cString: frg_lapack_load_message())
        if status == FRG_LAPACK_NO_ROUTINE {
            throw .routineMissing(library: FRG_LAPACKE_LIBRARY, routine: message)
        }
        throw .libraryUnavailable(library: FRG_LAPACKE_LIBRARY, reason: message)
    }

    /// `LAPACKE_dgesv` (arguments as LAPACKE's); loads LAPACK first.
    public static func dgesv(_ layout: Int32, _ n: Int32, _ nrhs: Int32, _ a: UnsafeMutablePointer<Double>, _ lda: Int32,
                             _ ipiv: UnsafeMutablePointer<Int32>, _ b: UnsafeMutablePointer<Double>, _ ldb: Int32) throws(LapackLoadError) -> Int32 {
        try load()
        return frg_lapacke_dgesv(layout, n, nrhs, a, lda, ipiv, b, ldb)
    }

    /// `LAPACKE_dgeev` (arguments as LAPACKE's; `jobvl`, `jobvr` as ASCII `N`/`V`); loads LAPACK first.
    public static func dgeev(_ layout: Int32, _ jobvl: UInt8, _ jobvr: UInt8, _ n: Int32, _ a: UnsafeMutablePointer<Double>,
                             _ lda: Int32, _ wr: UnsafeMutablePointer<Double>, _ wi: UnsafeMutablePointer<Double>,
                             _ vl: UnsafeMutablePointer<Double>, _ ldvl: Int32, _ vr: UnsafeMutablePointer<Double>,
                             _ ldvr: Int32) throws(LapackLoadError) -> Int32 {
        try load()
        return frg_lapacke_dgeev(layout, CChar(bitPattern: jobvl), CChar(bitPattern: jobvr), n, a, lda, wr, wi, vl, ldvl, vr, ldvr)
    }

    /// Threads per call of the loaded BLAS, from its own query (OpenBLAS, BLIS, MKL); `nil` for a
    /// library without one (reference BLAS and ATLAS are serial). Loads LAPACK.
    public static var blasThreadCount: Int? {
        let count = frg_blas_thread_count()
        return count < 0 ? nil : Int(count)
    }

    /// The size OpenBLAS gave its thread pool when it was loaded, the calling thread included
    /// (1: it started no threads); `nil` if the BLAS is not OpenBLAS. Loads LAPACK.
    public static var openBLASPoolSize: Int? {
        let size = frg_openblas_pool_size()
        return size < 0 ? nil : Int(size)
    }

    /// The file that provides LAPACK (`dgeev_`), links resolved: which `update-alternatives` choice
    /// is in use. `nil` if unknown. Loads LAPACK.
    public static var provider: String? {
        let path = String(cString: frg_lapack_provider())
        return path.isEmpty ? nil : path
    }
}
