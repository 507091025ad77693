// LAPACKE loaded at first use, with single-threaded BLAS (the thread policy: lapack_loader.c).
//
// frg does not link liblapacke at load time: Debian's liblapack.so.3 usually resolves to OpenBLAS,
// whose library constructor starts a thread pool sized to the machine. Loading it here, once, lets
// the pool be sized to one thread before the constructor runs, and a command that never calls
// LAPACK never loads it.
#ifndef FRG_CLAPACK_H
#define FRG_CLAPACK_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// LAPACKE's matrix layout constant (lapacke.h: LAPACK_ROW_MAJOR).
#define FRG_LAPACK_ROW_MAJOR 101

/// The shared object frg opens (Debian's liblapacke package, installed with liblapacke-dev).
#define FRG_LAPACKE_LIBRARY "liblapacke.so.3"

/// Outcome of frg_lapack_load.
typedef enum {
    FRG_LAPACK_LOADED = 0,
    /// dlopen failed; frg_lapack_load_message() holds dlerror's text.
    FRG_LAPACK_NO_LIBRARY = 1,
    /// The library lacks a routine; frg_lapack_load_message() holds its name.
    FRG_LAPACK_NO_ROUTINE = 2,
} frg_lapack_status;

/// Loads LAPACKE once per process (pthread_once; later calls return the first outcome). Thread-safe.
frg_lapack_status frg_lapack_load(void);

/// The reason of a failed load (empty after a successful one). Valid for the life of the process.
const char *frg_lapack_load_message(void);

/// LAPACKE_dgesv and LAPACKE_dgeev through the loaded library (lapack_int is 32-bit on Debian's
/// LP64 build; checked at compile time). Only after frg_lapack_load() returned FRG_LAPACK_LOADED.
int32_t frg_lapacke_dgesv(int layout, int32_t n, int32_t nrhs, double *a, int32_t lda, int32_t *ipiv,
                          double *b, int32_t ldb);
int32_t frg_lapacke_dgeev(int layout, char jobvl, char jobvr, int32_t n, double *a, int32_t lda,
                          double *wr, double *wi, double *vl, int32_t ldvl, double *vr, int32_t ldvr);

/// BLAS threads the loaded library will use per call, from its own query (OpenBLAS
/// openblas_get_num_threads, BLIS bli_thread_get_num_threads, MKL MKL_Get_Max_Threads);
/// -1 when it has none (reference BLAS, ATLAS: always serial) or LAPACK is not loaded.
int frg_blas_thread_count(void);

/// Threads OpenBLAS sized its pool to when its constructor ran (its exported blas_num_threads,
/// the caller included: 1 means it started no worker threads); -1 if the library is not OpenBLAS
/// or LAPACK is not loaded.
int frg_openblas_pool_size(void);

/// The file that provides LAPACK's dgeev_ (symbolic links resolved, e.g.
/// /usr/lib/x86_64-linux-gnu/openblas-pthread/liblapack.so.3); empty if unknown or not loaded.
const char *frg_lapack_provider(void);

#ifdef __cplusplus
}
#endif

#endif
