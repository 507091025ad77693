// C shim over SUNDIALS CVODE 6.4. See include/cvode_shim.h for the contract; the sequence of
// CVODE calls follows SUNDIALS' example cvRoberts_dns.c.
#include "cvode_shim.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <nvector/nvector_serial.h>
#include <sunlinsol/sunlinsol_band.h>
#include <sunlinsol/sunlinsol_dense.h>
#include <sunnonlinsol/sunnonlinsol_fixedpoint.h>
#include <sunmatrix/sunmatrix_band.h>
#include <sunmatrix/sunmatrix_dense.h>

enum { MESSAGE_SIZE = 1024 };

struct cvshim {
    SUNContext context;
    void *cvode;            /* CVODE memory */
    N_Vector y;             /* state CVODE writes its output into */
    N_Vector abstol;        /* per-component absolute tolerances, when given */
    N_Vector dky;           /* output of cvshim_get_dky, allocated on first use */
    SUNNonlinearSolver nonlinear; /* the fixed-point iteration, when chosen (Newton is CVODE's own) */
    SUNMatrix matrix;
    SUNLinearSolver solver;
    long n;
    cvshim_rhs_fn rhs;
    cvshim_jac_fn jac;
    cvshim_root_fn roots;
    void *user;
    char last_error[MESSAGE_SIZE];
    char last_warning[MESSAGE_SIZE];
    long warnings;
};

/* ---- CVODE → shim callbacks: unwrap N_Vector / SUNMatrix, forward to the user's callback. */

static int rhs_trampoline(realtype t, N_Vector y, N_Vector ydot, void *user_data) {
    cvshim *shim = user_data;
    return shim->rhs(t, N_VGetArrayPointer(y), N_VGetArrayPointer(ydot), shim->user);
}

static int root_trampoline(realtype t, N_Vector y, realtype *gout, void *user_data) {
    cvshim *shim = user_data;
    return shim->roots(t, N_VGetArrayPointer(y), gout, shim->user);
}

static int jac_trampoline(realtype t, N_Vector y, N_Vector fy, SUNMatrix J, void *user_data,
                          N_Vector tmp1, N_Vector tmp2, N_Vector tmp3) {
    (void)tmp1; (void)tmp2; (void)tmp3;
    cvshim *shim = user_data;
    cvshim_matrix m;
    m.n = shim->n;
    if (SUNMatGetID(J) == SUNMATRIX_BAND) {
        m.data = SUNBandMatrix_Data(J);
        m.column_stride = SUNBandMatrix_LDim(J) - 1;
        m.offset = SUNBandMatrix_StoredUpperBandwidth(J);
        m.upper = SUNBandMatrix_UpperBandwidth(J);
        m.lower = SUNBandMatrix_LowerBandwidth(J);
    } else {
        m.data = SUNDenseMatrix_Data(J);
        m.column_stride = shim->n;
        m.offset = 0;
        m.upper = shim->n - 1;
        m.lower = shim->n - 1;
    }
    return shim->jac(t, N_VGetArrayPointer(y), N_VGetArrayPointer(fy), m, shim->user);
}

/* CVODE reports errors and warnings here instead of printing them (CVodeSetErrHandlerFn). */
static void error_handler(int error_code, const char *module, const char *function, char *msg,
                          void *eh_data) {
    (void)module;
    cvshim *shim = eh_data;
    if (error_code == CV_WARNING) {
        shim->warnings += 1;
        snprintf(shim->last_warning, MESSAGE_SIZE, "%s: %s", function, msg);
    } else {
        snprintf(shim->last_error, MESSAGE_SIZE, "%s: %s", function, msg);
    }
}

/* Failures outside CVODE proper (allocation, context) have no CVODE message: write one. */
static int fail(cvshim *shim, int flag, const char *what) {
    snprintf(shim->last_error, MESSAGE_SIZE, "%s", what);
    return flag;
}

/* ---- Life cycle. */

cvshim *cvshim_create(void) {
    cvshim *shim = calloc(1, sizeof *shim);
    if (shim == NULL) return NULL;
    if (SUNContext_Create(NULL, &shim->context) != 0) {
        free(shim);
        return NULL;
    }
    return shim;
}

void cvshim_free(cvshim *shim) {
    if (shim == NULL) return;
    /* Same order as cvRoberts_dns.c: vectors, CVODE memory, solver, matrix, context. */
    if (shim->y) N_VDestroy(shim->y);
    if (shim->abstol) N_VDestroy(shim->abstol);
    if (shim->dky) N_VDestroy(shim->dky);
    if (shim->cvode) CVodeFree(&shim->cvode);
    if (shim->nonlinear) SUNNonlinSolFree(shim->nonlinear);
    if (shim->solver) SUNLinSolFree(shim->solver);
    if (shim->matrix) SUNMatDestroy(shim->matrix);
    if (shim->context) SUNContext_Free(&shim->context);
    free(shim);
}

int cvshim_init(cvshim *shim, int method, long n, double t0, const double *y0,
                cvshim_rhs_fn rhs, void *user) {
    if (shim->cvode != NULL) return fail(shim, CV_ILL_INPUT, "cvshim_init: already initialized");
    if (n < 1) return fail(shim, CV_ILL_INPUT, "cvshim_init: dimension must be at least 1");
    shim->n = n;
    shim->rhs = rhs;
    shim->user = user;

    shim->y = N_VNew_Serial(n, shim->context);
    if (shim->y == NULL) return fail(shim, CV_MEM_FAIL, "N_VNew_Serial: allocation failed");
    memcpy(N_VGetArrayPointer(shim->y), y0, (size_t)n * sizeof(double));
    /* Fused vector operations (one call for CVODE's linear combinations of the Nordsieck history
       instead of one per term): for the small systems frg integrates, CVODE's own vector
       arithmetic, not f, dominates a step. CVODE's clones of y inherit the setting. */
    if (N_VEnableFusedOps_Serial(shim->y, SUNTRUE) != 0)
        return fail(shim, CV_MEM_FAIL, "N_VEnableFusedOps_Serial failed");

    shim->cvode = CVodeCreate(method, shim->context);
    if (shim->cvode == NULL) return fail(shim, CV_MEM_FAIL, "CVodeCreate: allocation failed");
    int flag = CVodeSetErrHandlerFn(shim->cvode, error_handler, shim);
    if (flag != CV_SUCCESS) return flag;
    flag = CVodeInit(shim->cvode, rhs_trampoline, t0, shim->y);
    if (flag != CV_SUCCESS) return flag;
    /* CVODE hands the shim to the trampolines, which hand `user` to the Swift callbacks. */
    return CVodeSetUserData(shim->cvode, shim);
}

int cvshim_set_tolerances(cvshim *shim, double rtol, const double *atol, long atol_count) {
    if (atol_count == 1) return CVodeSStolerances(shim->cvode, rtol, atol[0]);
    if (atol_count != shim->n)
        return fail(shim, CV_ILL_INPUT, "cvshim_set_tolerances: atol_count must be 1 or n");
    if (shim->abstol == NULL) {
        shim->abstol = N_VNew_Serial(shim->n, shim->context);
        if (shim->abstol == NULL) return fail(shim, CV_MEM_FAIL, "N_VNew_Serial: allocation failed");
    }
    memcpy(N_VGetArrayPointer(shim->abstol), atol, (size_t)shim->n * sizeof(double));
    return CVodeSVtolerances(shim->cvode, rtol, shim->abstol);
}

/* Attaches matrix + direct solver (taking ownership of both) and the optional Jacobian. */
static int attach_linear_solver(cvshim *shim, SUNMatrix matrix, SUNLinearSolver solver,
                                cvshim_jac_fn jac) {
    if (shim->matrix != NULL)
        return fail(shim, CV_ILL_INPUT, "cvshim: a linear solver is already attached");
    shim->matrix = matrix;
    shim->solver = solver;
    if (matrix == NULL || solver == NULL)
        return fail(shim, CV_MEM_FAIL, "SUNMatrix/SUNLinearSolver: allocation failed");
    int flag = CVodeSetLinearSolver(shim->cvode, solver, matrix);
    if (flag != CV_SUCCESS) return flag;
    shim->jac = jac;
    /* Without jac, CVODE keeps its difference-quotient Jacobian. */
    return jac != NULL ? CVodeSetJacFn(shim->cvode, jac_trampoline) : CV_SUCCESS;
}

int cvshim_set_dense_solver(cvshim *shim, cvshim_jac_fn jac) {
    SUNMatrix A = SUNDenseMatrix(shim->n, shim->n, shim->context);
    SUNLinearSolver LS = A != NULL ? SUNLinSol_Dense(shim->y, A, shim->context) : NULL;
    return attach_linear_solver(shim, A, LS, jac);
}

int cvshim_set_band_solver(cvshim *shim, long upper, long lower, cvshim_jac_fn jac) {
    if (upper < 0 || lower < 0 || upper >= shim->n || lower >= shim->n)
        return fail(shim, CV_ILL_INPUT, "cvshim_set_band_solver: need 0 <= upper, lower < n");
    SUNMatrix A = SUNBandMatrix(shim->n, upper, lower, shim->context);
    SUNLinearSolver LS = A != NULL ? SUNLinSol_Band(shim->y, A, shim->context) : NULL;
    return attach_linear_solver(shim, A, LS, jac);
}

int cvshim_set_fixed_point(cvshim *shim, long acceleration) {
    if (shim->nonlinear != NULL || shim->matrix != NULL)
        return fail(shim, CV_ILL_INPUT, "cvshim: a solver is already attached");
    shim->nonlinear = SUNNonlinSol_FixedPoint(shim->y, (int)acceleration, shim->context);
    if (shim->nonlinear == NULL)
        return fail(shim, CV_MEM_FAIL, "SUNNonlinSol_FixedPoint: allocation failed");
    return CVodeSetNonlinearSolver(shim->cvode, shim->nonlinear);
}

/* ---- Optional inputs. */

int cvshim_set_roots(cvshim *shim, int count, cvshim_root_fn g, const int *directions) {
    shim->roots = g;
    int flag = CVodeRootInit(shim->cvode, count, root_trampoline);
    if (flag != CV_SUCCESS || directions == NULL) return flag;
    /* CVodeSetRootDirection takes a non-const pointer but only reads (and copies) it. */
    return CVodeSetRootDirection(shim->cvode, (int *)directions);
}

int cvshim_set_stop_time(cvshim *shim, double tstop) {
    return CVodeSetStopTime(shim->cvode, tstop);
}

int cvshim_set_max_steps(cvshim *shim, long max_steps) {
    return CVodeSetMaxNumSteps(shim->cvode, max_steps);
}

/* ---- Integration and outputs. */

int cvshim_advance(cvshim *shim, double tout, int one_step, double *t_reached, double *y) {
    realtype t = 0;
    int flag = CVode(shim->cvode, tout, shim->y, &t, one_step ? CV_ONE_STEP : CV_NORMAL);
    *t_reached = t;
    memcpy(y, N_VGetArrayPointer(shim->y), (size_t)shim->n * sizeof(double));
    return flag;
}

int cvshim_get_dky(cvshim *shim, double t, int k, double *out) {
    if (shim->dky == NULL) {
        shim->dky = N_VNew_Serial(shim->n, shim->context);
        if (shim->dky == NULL) return fail(shim, CV_MEM_FAIL, "N_VNew_Serial: allocation failed");
    }
    int flag = CVodeGetDky(shim->cvode, t, k, shim->dky);
    if (flag == CV_SUCCESS) memcpy(out, N_VGetArrayPointer(shim->dky), (size_t)shim->n * sizeof(double));
    return flag;
}

int cvshim_root_info(cvshim *shim, int *found) {
    return CVodeGetRootInfo(shim->cvode, found);
}

int cvshim_statistics_get(cvshim *shim, cvshim_statistics *out) {
    void *mem = shim->cvode;
    int flag = CVodeGetNumSteps(mem, &out->steps);
    if (flag == CV_SUCCESS) flag = CVodeGetNumRhsEvals(mem, &out->rhs_evals);
    if (flag == CV_SUCCESS) flag = CVodeGetNumErrTestFails(mem, &out->error_test_failures);
    if (flag == CV_SUCCESS) flag = CVodeGetNumNonlinSolvIters(mem, &out->nonlinear_iterations);
    if (flag == CV_SUCCESS) flag = CVodeGetNumNonlinSolvConvFails(mem, &out->nonlinear_conv_failures);
    if (flag == CV_SUCCESS) flag = CVodeGetNumLinSolvSetups(mem, &out->linear_solver_setups);
    if (flag == CV_SUCCESS) flag = CVodeGetNumGEvals(mem, &out->root_evals);
    if (flag == CV_SUCCESS) flag = CVodeGetLastOrder(mem, &out->last_order);
    if (flag == CV_SUCCESS) flag = CVodeGetActualInitStep(mem, &out->initial_step);
    if (flag == CV_SUCCESS) flag = CVodeGetLastStep(mem, &out->last_step);
    if (flag == CV_SUCCESS) flag = CVodeGetCurrentTime(mem, &out->current_time);
    if (flag == CV_SUCCESS) flag = CVodeGetCurrentStep(mem, &out->current_step);
    if (flag == CV_SUCCESS) flag = CVodeGetCurrentOrder(mem, &out->current_order);
    if (flag != CV_SUCCESS) return flag;
    out->jacobian_evals = 0;
    out->rhs_evals_jacobian = 0;
    if (shim->solver != NULL) {
        flag = CVodeGetNumJacEvals(mem, &out->jacobian_evals);
        if (flag == CV_SUCCESS) flag = CVodeGetNumLinRhsEvals(mem, &out->rhs_evals_jacobian);
    }
    return flag;
}

const char *cvshim_last_error(const cvshim *shim) { return shim->last_error; }

long cvshim_warning_count(const cvshim *shim) { return shim->warnings; }

const char *cvshim_last_warning(const cvshim *shim) { return shim->last_warning; }

void cvshim_flag_name(int flag, char *buffer, size_t size) {
    if (size == 0) return;
    /* CVodeGetReturnFlagName returns a malloc'ed string that the caller must free. */
    char *name = CVodeGetReturnFlagName(flag);
    if (name == NULL) {
        snprintf(buffer, size, "CVODE flag %d", flag);
        return;
    }
    snprintf(buffer, size, "%s", name);
    free(name);
}
