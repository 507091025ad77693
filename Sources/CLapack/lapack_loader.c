// The thread policy for BLAS: one decision, taken once, when frg first needs LAPACK.
//
// frg's LAPACK work is small dense matrices (Newton steps and stability matrices, n <= ~64, a few
// microseconds each); its parallelism is its own (DispatchQueue.concurrentPerform over starts,
// orders, points), one matrix per worker. A threaded BLAS cannot speed such matrices up — below
// n ~ 100 the hand-off to a pool costs more than the arithmetic — but its pool competes with frg's
// workers for the same cores, and OpenBLAS's idle workers spin before they sleep. So BLAS runs
// single-threaded in frg, whatever library Debian's alternatives select.
//
// OpenBLAS sizes and starts its pool in its library constructor, from OPENBLAS_NUM_THREADS,
// GOTO_NUM_THREADS or OMP_NUM_THREADS (libgomp, for the OpenMP variant, reads OMP_NUM_THREADS in its
// own constructor too); setting the count after loading is too late to avoid the start. Hence frg
// does not link liblapacke: it dlopens it here, once, with those variables (and BLIS_NUM_THREADS,
// MKL_NUM_THREADS, for the other libblas.so.3 alternatives) set to 1 for the duration of the load,
// then puts the environment back as it was, so that nothing else in the process sees a change. As
// libraries that read their variable lazily would then see the user's value, every thread setter
// the loaded library exports is called with 1 as well.
//
// The environment is changed while other threads may run (the first LAPACK call is usually inside
// frg's parallel work), which POSIX leaves to the caller: no thread may read it meanwhile. In frg
// none does: its workers compute; LAPACKE's own getenv (LAPACKE_NANCHECK, at its first call) comes
// after this load, which every caller waits for (pthread_once); no frg code reads the environment
// after start-up.
#define _GNU_SOURCE
#include "CLapack.h"

#include <dlfcn.h>
#include <lapacke.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

_Static_assert(sizeof(lapack_int) == sizeof(int32_t), "frg expects LAPACKE's 32-bit lapack_int (LP64 build)");

static pthread_once_t load_once = PTHREAD_ONCE_INIT;
static frg_lapack_status load_status = FRG_LAPACK_NO_LIBRARY;
static char load_message[512];
static char provider[PATH_MAX];

// Typed by LAPACKE's own prototypes, so a signature mismatch is a compile error.
static __typeof__(LAPACKE_dgesv) *dgesv_routine;
static __typeof__(LAPACKE_dgeev) *dgeev_routine;

static int (*openblas_threads)(void);
static int64_t (*blis_threads)(void);      // BLIS: dim_t, 64-bit by default
static int (*mkl_threads)(void);
static const int *openblas_pool;

static const char *const thread_variables[] = {
    "OPENBLAS_NUM_THREADS", "GOTO_NUM_THREADS", "OMP_NUM_THREADS", "BLIS_NUM_THREADS", "MKL_NUM_THREADS",
};
enum { thread_variable_count = sizeof thread_variables / sizeof thread_variables[0] };

static void load(void) {
    char *saved[thread_variable_count];
    for (int i = 0; i < thread_variable_count; i++) {
        const char *value = getenv(thread_variables[i]);
        saved[i] = value ? strdup(value) : NULL;
        setenv(thread_variables[i], "1", 1);
    }
    void *library = dlopen(FRG_LAPACKE_LIBRARY, RTLD_NOW | RTLD_LOCAL);
    if (!library) {
        const char *reason = dlerror();
        snprintf(load_message, sizeof load_message, "%s", reason ? reason : "dlopen failed");
    }
    for (int i = 0; i < thread_variable_count; i++) {
        if (saved[i]) {
            setenv(thread_variables[i], saved[i], 1);
            free(saved[i]);
        } else {
            unsetenv(thread_variables[i]);
        }
    }
    if (!library) {
        load_status = FRG_LAPACK_NO_LIBRARY;
        return;
    }

    dgesv_routine = (__typeof__(LAPACKE_dgesv) *)dlsym(library, "LAPACKE_dgesv");
    dgeev_routine = (__typeof__(LAPACKE_dgeev) *)dlsym(library, "LAPACKE_dgeev");
    if (!dgesv_routine || !dgeev_routine) {
        snprintf(load_message, sizeof load_message, "%s", dgesv_routine ? "LAPACKE_dgeev" : "LAPACKE_dgesv");
        load_status = FRG_LAPACK_NO_ROUTINE;
        return;
    }

    // dlsym on the handle searches liblapacke and the libraries it pulled in (LAPACK, BLAS).
    void (*set_int)(int);
    void (*set_dim)(int64_t);
    if ((set_int = (void (*)(int))dlsym(library, "openblas_set_num_threads"))) set_int(1);
    if ((set_dim = (void (*)(int64_t))dlsym(library, "bli_thread_set_num_threads"))) set_dim(1);
    if ((set_int = (void (*)(int))dlsym(library, "MKL_Set_Num_Threads"))) set_int(1);
    openblas_threads = (int (*)(void))dlsym(library, "openblas_get_num_threads");
    blis_threads = (int64_t (*)(void))dlsym(library, "bli_thread_get_num_threads");
    mkl_threads = (int (*)(void))dlsym(library, "MKL_Get_Max_Threads");
    openblas_pool = (const int *)dlsym(library, "blas_num_threads");

    Dl_info info;
    void *dgeev_fortran = dlsym(library, "dgeev_");
    if (dgeev_fortran && dladdr(dgeev_fortran, &info) && info.dli_fname) {
        if (!realpath(info.dli_fname, provider)) snprintf(provider, sizeof provider, "%s", info.dli_fname);
    }
    load_status = FRG_LAPACK_LOADED;
}

frg_lapack_status frg_lapack_load(void) {
    pthread_once(&load_once, load);
    return load_status;
}

const char *frg_lapack_load_message(void) {
    return load_message;
}

int32_t frg_lapacke_dgesv(int layout, int32_t n, int32_t nrhs, double *a, int32_t lda, int32_t *ipiv,
                          double *b, int32_t ldb) {
    return dgesv_routine(layout, n, nrhs, a, lda, ipiv, b, ldb);
}

int32_t frg_lapacke_dgeev(int layout, char jobvl, char jobvr, int32_t n, double *a, int32_t lda,
                          double *wr, double *wi, double *vl, int32_t ldvl, double *vr, int32_t ldvr) {
    return dgeev_routine(layout, jobvl, jobvr, n, a, lda, wr, wi, vl, ldvl, vr, ldvr);
}

int frg_blas_thread_count(void) {
    if (frg_lapack_load() != FRG_LAPACK_LOADED) return -1;
    if (openblas_threads) return openblas_threads();
    if (blis_threads) return (int)blis_threads();
    if (mkl_threads) return mkl_threads();
    return -1;
}

int frg_openblas_pool_size(void) {
    if (frg_lapack_load() != FRG_LAPACK_LOADED || !openblas_pool) return -1;
    return *openblas_pool;
}

const char *frg_lapack_provider(void) {
    frg_lapack_load();
    return provider;
}
