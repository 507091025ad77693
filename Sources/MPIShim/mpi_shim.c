// sched_getaffinity and CPU_COUNT.
#define _GNU_SOURCE
#include "MPIShim.h"

#include <mpi.h>  // through the CMPI system library (its pkg-config flags)
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int frg_mpi_init(void) {
    int provided = 0;
    int status = MPI_Init_thread(NULL, NULL, MPI_THREAD_FUNNELED, &provided);
    if (status != MPI_SUCCESS) return status;
    return MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
}

int frg_mpi_initialized(void) {
    int flag = 0;
    MPI_Initialized(&flag);
    return flag;
}

int frg_mpi_finalized(void) {
    int flag = 0;
    MPI_Finalized(&flag);
    return flag;
}

int frg_mpi_finalize(void) { return MPI_Finalize(); }

void frg_mpi_abort(int status) {
    MPI_Abort(MPI_COMM_WORLD, status);
    // MPI_Abort should not return; if the library does, end this rank all the same.
    exit(status);
}

int frg_mpi_rank(int *rank) { return MPI_Comm_rank(MPI_COMM_WORLD, rank); }

int frg_mpi_size(int *size) { return MPI_Comm_size(MPI_COMM_WORLD, size); }

int frg_mpi_local_size(int *size) {
    MPI_Comm local;
    int status = MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL, &local);
    if (status != MPI_SUCCESS) return status;
    status = MPI_Comm_size(local, size);
    MPI_Comm_free(&local);
    return status;
}

int frg_mpi_send(const void *bytes, int count, int destination, int tag) {
    return MPI_Send(bytes, count, MPI_BYTE, destination, tag, MPI_COMM_WORLD);
}

int frg_mpi_isend(const void *bytes, int count, int destination, int tag, void **request) {
    MPI_Request *handle = malloc(sizeof(MPI_Request));
    if (handle == NULL) return MPI_ERR_NO_MEM;
    int status = MPI_Isend(bytes, count, MPI_BYTE, destination, tag, MPI_COMM_WORLD, handle);
    if (status != MPI_SUCCESS) {
        free(handle);
        *request = NULL;
        return status;
    }
    *request = handle;
    return MPI_SUCCESS;
}

int frg_mpi_test(void **request, int *done) {
    MPI_Request *handle = *request;
    if (handle == NULL) {
        *done = 1;
        return MPI_SUCCESS;
    }
    int status = MPI_Test(handle, done, MPI_STATUS_IGNORE);
    if (status == MPI_SUCCESS && *done) {
        free(handle);
        *request = NULL;
    }
    return status;
}

int frg_mpi_iprobe(int source, int tag, int *found, int *foundSource, int *foundTag, int *count) {
    MPI_Status info;
    int status = MPI_Iprobe(source < 0 ? MPI_ANY_SOURCE : source, tag < 0 ? MPI_ANY_TAG : tag, MPI_COMM_WORLD, found, &info);
    if (status != MPI_SUCCESS || !*found) return status;
    *foundSource = info.MPI_SOURCE;
    *foundTag = info.MPI_TAG;
    return MPI_Get_count(&info, MPI_BYTE, count);
}

int frg_mpi_recv(void *bytes, int count, int source, int tag) {
    return MPI_Recv(bytes, count, MPI_BYTE, source, tag, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
}

int frg_mpi_allgather_int(int value, int *all) {
    return MPI_Allgather(&value, 1, MPI_INT, all, 1, MPI_INT, MPI_COMM_WORLD);
}

int frg_mpi_barrier(void) { return MPI_Barrier(MPI_COMM_WORLD); }

const char *frg_mpi_error_class_name(int code) {
    int class = code;
    if (MPI_Error_class(code, &class) != MPI_SUCCESS) class = code;
    switch (class) {
#define NAME(c) case c: return #c;
        NAME(MPI_SUCCESS) NAME(MPI_ERR_BUFFER) NAME(MPI_ERR_COUNT) NAME(MPI_ERR_TYPE) NAME(MPI_ERR_TAG)
        NAME(MPI_ERR_COMM) NAME(MPI_ERR_RANK) NAME(MPI_ERR_REQUEST) NAME(MPI_ERR_ROOT) NAME(MPI_ERR_GROUP)
        NAME(MPI_ERR_OP) NAME(MPI_ERR_TOPOLOGY) NAME(MPI_ERR_DIMS) NAME(MPI_ERR_ARG) NAME(MPI_ERR_UNKNOWN)
        NAME(MPI_ERR_TRUNCATE) NAME(MPI_ERR_OTHER) NAME(MPI_ERR_INTERN) NAME(MPI_ERR_IN_STATUS)
        NAME(MPI_ERR_PENDING) NAME(MPI_ERR_NO_MEM) NAME(MPI_ERR_UNSUPPORTED_OPERATION)
#undef NAME
    default: return "MPI_ERR_UNKNOWN";
    }
}

void frg_mpi_error_string(int code, char *buffer, int capacity) {
    char text[MPI_MAX_ERROR_STRING];
    int length = 0;
    if (MPI_Error_string(code, text, &length) != MPI_SUCCESS) length = 0;
    text[length < MPI_MAX_ERROR_STRING ? length : MPI_MAX_ERROR_STRING - 1] = '\0';
    snprintf(buffer, (size_t)capacity, "%s", text);
}

void frg_mpi_library_version(char *buffer, int capacity) {
    char text[MPI_MAX_LIBRARY_VERSION_STRING];
    int length = 0;
    if (MPI_Get_library_version(text, &length) != MPI_SUCCESS) length = 0;
    text[length < MPI_MAX_LIBRARY_VERSION_STRING ? length : MPI_MAX_LIBRARY_VERSION_STRING - 1] = '\0';
    char *newline = strchr(text, '\n');
    if (newline) *newline = '\0';
    char *comma = strchr(text, ',');
    if (comma) *comma = '\0';
    snprintf(buffer, (size_t)capacity, "%s", text);
}

int frg_affinity_processor_count(void) {
    cpu_set_t set;
    CPU_ZERO(&set);
    if (sched_getaffinity(0, sizeof set, &set) != 0) return -1;
    return CPU_COUNT(&set);
}
