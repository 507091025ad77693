#ifndef FRG_MPI_SHIM_H
#define FRG_MPI_SHIM_H

// A thin C face of MPI for Swift: plain ints and byte buffers on MPI_COMM_WORLD. Every function
// returns an MPI error code (FRG_MPI_SUCCESS on success); MPI_ERRORS_RETURN is set on the world
// communicator right after initialization, so failures come back as codes instead of aborting.

#define FRG_MPI_SUCCESS 0

/// MPI_Init_thread(MPI_THREAD_FUNNELED): only the main thread calls MPI; the sampler's worker
/// threads never do. Then MPI_ERRORS_RETURN on MPI_COMM_WORLD.
int frg_mpi_init(void);
/// 1 once MPI_Init has run (and, for frg_mpi_finalized, MPI_Finalize).
int frg_mpi_initialized(void);
int frg_mpi_finalized(void);
int frg_mpi_finalize(void);
/// MPI_Abort on the world communicator: ends every rank with `status`. Does not return.
void frg_mpi_abort(int status);

int frg_mpi_rank(int *rank);
int frg_mpi_size(int *size);
/// Ranks sharing this node's memory (MPI_Comm_split_type with MPI_COMM_TYPE_SHARED).
int frg_mpi_local_size(int *size);

/// Blocking send of `count` bytes.
int frg_mpi_send(const void *bytes, int count, int destination, int tag);
/// Nonblocking send; `*request` is an opaque handle for frg_mpi_test (freed when it completes).
/// The bytes must stay alive until then.
int frg_mpi_isend(const void *bytes, int count, int destination, int tag, void **request);
/// Whether the send behind `*request` has completed (`*done` = 1; the handle is then freed and
/// set to NULL).
int frg_mpi_test(void **request, int *done);
/// Whether a message from `source` (-1: any) with `tag` (-1: any) is waiting; if so its source,
/// tag and size in bytes.
int frg_mpi_iprobe(int source, int tag, int *found, int *foundSource, int *foundTag, int *count);
/// Receives the message of exactly `count` bytes from `source` with `tag` (as found by iprobe).
int frg_mpi_recv(void *bytes, int count, int source, int tag);
/// MPI_Allgather of one int per rank: `all` receives `size` ints.
int frg_mpi_allgather_int(int value, int *all);
int frg_mpi_barrier(void);

/// The name of the error class of `code` (`MPI_ERR_TRUNCATE`, …) and MPI's own description.
const char *frg_mpi_error_class_name(int code);
void frg_mpi_error_string(int code, char *buffer, int capacity);
/// MPI_Get_library_version (e.g. "Open MPI v4.1.4, …"), its first line.
void frg_mpi_library_version(char *buffer, int capacity);

/// Processors this process may run on (its affinity mask: a launcher that binds a rank to one core
/// leaves it one); -1 if unknown. Not an MPI call: callable any time.
int frg_affinity_processor_count(void);

#endif
