// A small C shim over SUNDIALS CVODE 6.4: the one place that touches N_Vectors, SUNMatrix,
// SUNLinearSolver and the SUNContext. The Swift ODE module sees plain double arrays.
//
// Life cycle (mirrors SUNDIALS' own cvRoberts_dns.c example):
//   cvshim_create → cvshim_init → cvshim_set_tolerances → cvshim_set_dense_solver or
//   cvshim_set_band_solver → optional setters → cvshim_advance (repeatedly) → cvshim_free.
// Every call that can fail returns a CVODE flag (CV_SUCCESS = 0, negative on failure); the
// message CVODE produced for the most recent failure is kept in the shim (cvshim_last_error)
// instead of being printed to stderr.
//
// Callback convention: each callback gets the `user` pointer given to cvshim_init and returns
// 0 on success, a positive value for a recoverable failure (CVODE retries with a smaller
// step) and a negative value for an unrecoverable one (CVODE stops).
#pragma once

#include <stddef.h>
#include <cvode/cvode.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Right-hand side: ydot = f(t, y), both arrays of length n.
typedef int (*cvshim_rhs_fn)(double t, const double *y, double *ydot, void *user);

/// Root (event) functions: gout[i] = g_i(t, y) for i < count.
typedef int (*cvshim_root_fn)(double t, const double *y, double *gout, void *user);

/// Storage of the Jacobian CVODE asks for, J[i][j] = ∂f_i/∂y_j (0-based), column-major:
///   J[i][j] is data[offset + j * column_stride + i].
/// Dense: column_stride = n, offset = 0. Band (SUNDIALS band storage, see
/// sunmatrix_band.h): column_stride = ldim - 1 and offset = stored upper bandwidth, which
/// is SM_ELEMENT_B(A, i, j) = cols[j][i - j + smu] written out. Only entries with
/// -upper <= i - j <= lower exist for a band matrix. CVODE zeroes the matrix before the call.
typedef struct {
    double *data;
    long n;
    long column_stride;
    long offset;
    long upper;  /* upper half-bandwidth (n - 1 for dense) */
    long lower;  /* lower half-bandwidth (n - 1 for dense) */
} cvshim_matrix;

/// Jacobian: fills J at (t, y); fy = f(t, y) is given for free.
typedef int (*cvshim_jac_fn)(double t, const double *y, const double *fy, cvshim_matrix J,
                             void *user);

/// Counters and step sizes since cvshim_init (CVODE's optional outputs).
typedef struct {
    long steps;                      /* CVodeGetNumSteps */
    long rhs_evals;                  /* CVodeGetNumRhsEvals (excludes difference-quotient Jacobians) */
    long rhs_evals_jacobian;         /* CVodeGetNumLinRhsEvals: f calls for difference-quotient Jacobians */
    long jacobian_evals;             /* CVodeGetNumJacEvals */
    long error_test_failures;        /* CVodeGetNumErrTestFails */
    long nonlinear_iterations;       /* CVodeGetNumNonlinSolvIters */
    long nonlinear_conv_failures;    /* CVodeGetNumNonlinSolvConvFails */
    long linear_solver_setups;       /* CVodeGetNumLinSolvSetups */
    long root_evals;                 /* CVodeGetNumGEvals */
    int last_order;                  /* CVodeGetLastOrder */
    double initial_step;             /* CVodeGetActualInitStep */
    double last_step;                /* CVodeGetLastStep (signed: negative toward decreasing t) */
    double current_time;             /* CVodeGetCurrentTime: CVODE's internal time, may lie past the last output */
    double current_step;             /* CVodeGetCurrentStep: the step size CVODE will try next (signed) */
    int current_order;               /* CVodeGetCurrentOrder: the order CVODE will use next */
} cvshim_statistics;

typedef struct cvshim cvshim;

/// Allocates the shim and its SUNContext. NULL only when out of memory.
cvshim *cvshim_create(void);

/// Frees everything the shim owns (CVODE memory, vectors, matrix, linear solver, context).
/// Accepts NULL and a partly initialized shim.
void cvshim_free(cvshim *shim);

/// CVodeCreate + CVodeInit: method is CV_BDF or CV_ADAMS, y0 has n entries (copied).
int cvshim_init(cvshim *shim, int method, long n, double t0, const double *y0,
                cvshim_rhs_fn rhs, void *user);

/// Relative tolerance and absolute tolerance(s): atol_count is 1 (scalar) or n (per component).
int cvshim_set_tolerances(cvshim *shim, double rtol, const double *atol, long atol_count);

/// Newton iteration with a dense direct solver; jac NULL means CVODE's difference quotients.
int cvshim_set_dense_solver(cvshim *shim, cvshim_jac_fn jac);

/// Newton iteration with a band direct solver of half-bandwidths upper (mu) and lower (ml).
int cvshim_set_band_solver(cvshim *shim, long upper, long lower, cvshim_jac_fn jac);

/// Fixed-point (functional) iteration instead of Newton's method, with `acceleration` Anderson
/// vectors (0: plain iteration): no Jacobian and no linear solve, the iteration of choice for
/// Adams on non-stiff problems. Use instead of cvshim_set_dense_solver / cvshim_set_band_solver.
int cvshim_set_fixed_point(cvshim *shim, long acceleration);

/// count root functions; directions[i] is +1 (only increasing crossings), -1 (only
/// decreasing) or 0 (both), or directions is NULL for all 0.
int cvshim_set_roots(cvshim *shim, int count, cvshim_root_fn g, const int *directions);

/// CVODE never steps past tstop (CVodeSetStopTime).
int cvshim_set_stop_time(cvshim *shim, double tstop);

/// Maximum internal steps per cvshim_advance call (CVodeSetMaxNumSteps; CVODE's default is 500).
int cvshim_set_max_steps(cvshim *shim, long max_steps);

/// One call to CVode: toward tout (one_step = 0: CV_NORMAL, interpolated to tout; otherwise
/// CV_ONE_STEP, a single internal step). Writes the time reached and the n-component state
/// there (also on failure, where CVODE leaves y at the last successful time). Returns
/// CV_SUCCESS, CV_TSTOP_RETURN, CV_ROOT_RETURN or a negative CVODE flag.
int cvshim_advance(cvshim *shim, double tout, int one_step, double *t_reached, double *y);

/// The k-th derivative of CVODE's interpolating polynomial at t (CVodeGetDky), which must lie
/// within the last step taken: k = 0 gives the state at t without stopping the integration there.
int cvshim_get_dky(cvshim *shim, double t, int k, double *out);

/// After CV_ROOT_RETURN: found[i] = +1 / -1 if g_i crossed zero increasing / decreasing, else 0.
int cvshim_root_info(cvshim *shim, int *found);

int cvshim_statistics_get(cvshim *shim, cvshim_statistics *out);

/// CVODE's message for the most recent failure ("" if none), formatted "function: message".
const char *cvshim_last_error(const cvshim *shim);

/// Number of warnings CVODE reported (e.g. "t + h = t"), and the most recent one ("" if none).
long cvshim_warning_count(const cvshim *shim);
const char *cvshim_last_warning(const cvshim *shim);

/// CVODE's name for a return flag, e.g. "CV_TOO_MUCH_WORK" (CVodeGetReturnFlagName), copied
/// into buffer (always NUL-terminated).
void cvshim_flag_name(int flag, char *buffer, size_t size);

#ifdef __cplusplus
}
#endif
