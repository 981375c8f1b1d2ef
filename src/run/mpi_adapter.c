/* SPDX-License-Identifier: GPL-3.0-or-later */
/* itsim: the MPI adapter (run/mpi_adapter.h), the one file that calls MPI
 * (Open MPI, Debian's libopenmpi-dev). Built without MPI, it is a single
 * rank that cannot send. */
#include "run/mpi_adapter.h"
#include "core/core.h"

#include <limits.h>
#include <string.h>

#ifdef ITS_HAVE_MPI
#include <mpi.h>

struct its__mpi_req {
    MPI_Request r;
};

static int g_inited; /* this adapter called MPI_Init_thread */

its_status its__mpi_init(int *argc, char ***argv, char *msg, size_t msglen)
{
    int done = 0, provided = MPI_THREAD_SINGLE;
    if (msg && msglen)
        msg[0] = '\0';
    if (MPI_Initialized(&done) != MPI_SUCCESS)
        return ITS_EIO;
    if (done) {
        (void)MPI_Query_thread(&provided);
    } else {
        if (MPI_Init_thread(argc, argv, MPI_THREAD_SERIALIZED, &provided) != MPI_SUCCESS) {
            its__fmt(msg, msglen, "MPI_Init_thread failed");
            return ITS_EIO;
        }
        g_inited = 1;
        (void)MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
    }
    if (provided < MPI_THREAD_SERIALIZED) {
        its__fmt(msg, msglen, "the MPI library does not support MPI_THREAD_SERIALIZED");
        return ITS_EINVAL;
    }
    return ITS_OK;
}

void its__mpi_finalize(void)
{
    int fin = 0;
    if (g_inited && MPI_Finalized(&fin) == MPI_SUCCESS && !fin)
        (void)MPI_Finalize();
    g_inited = 0;
}

static int active(void)
{
    int ini = 0, fin = 0;
    return MPI_Initialized(&ini) == MPI_SUCCESS && ini && MPI_Finalized(&fin) == MPI_SUCCESS &&
           !fin;
}

int its__mpi_rank(void)
{
    int r = 0;
    if (!active() || MPI_Comm_rank(MPI_COMM_WORLD, &r) != MPI_SUCCESS)
        return 0;
    return r;
}

int its__mpi_size(void)
{
    int n = 1;
    if (!active() || MPI_Comm_size(MPI_COMM_WORLD, &n) != MPI_SUCCESS || n < 1)
        return 1;
    return n;
}

const char *its__mpi_library(void)
{
    static char text[MPI_MAX_LIBRARY_VERSION_STRING];
    int n = 0;
    char *nl;
    if (!text[0] && MPI_Get_library_version(text, &n) != MPI_SUCCESS)
        return "MPI (version unknown)";
    nl = strpbrk(text, ",\n");
    if (nl)
        *nl = '\0';
    return text;
}

its_status its__mpi_isend(int dest, int tag, const void *buf, size_t len, its__mpi_req **req)
{
    its__mpi_req *q;
    *req = NULL;
    if (len > INT_MAX)
        return ITS_ERANGE;
    q = its__malloc(sizeof *q);
    if (!q)
        return ITS_ENOMEM;
    if (MPI_Isend(buf, (int)len, MPI_BYTE, dest, tag, MPI_COMM_WORLD, &q->r) != MPI_SUCCESS) {
        its__free(q);
        return ITS_EIO;
    }
    *req = q;
    return ITS_OK;
}

int its__mpi_test(its__mpi_req *req, int wait)
{
    int done = 0, rc;
    rc = wait ? MPI_Wait(&req->r, MPI_STATUS_IGNORE)
              : MPI_Test(&req->r, &done, MPI_STATUS_IGNORE);
    if (rc != MPI_SUCCESS) {
        its__free(req);
        return -1;
    }
    if (wait || done) {
        its__free(req);
        return 1;
    }
    return 0;
}

int its__mpi_poll(int *src, int *tag, size_t *len)
{
    MPI_Status s;
    int flag = 0, n = 0;
    if (MPI_Iprobe(MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_COMM_WORLD, &flag, &s) != MPI_SUCCESS)
        return -1;
    if (!flag)
        return 0;
    if (MPI_Get_count(&s, MPI_BYTE, &n) != MPI_SUCCESS || n < 0)
        return -1;
    *src = s.MPI_SOURCE;
    *tag = s.MPI_TAG;
    *len = (size_t)n;
    return 1;
}

its_status its__mpi_recv(int src, int tag, void *buf, size_t len)
{
    if (len > INT_MAX)
        return ITS_ERANGE;
    return MPI_Recv(buf, (int)len, MPI_BYTE, src, tag, MPI_COMM_WORLD, MPI_STATUS_IGNORE) ==
                   MPI_SUCCESS
               ? ITS_OK
               : ITS_EIO;
}

its_status its__mpi_bcast(void *buf, size_t len)
{
    if (len > INT_MAX)
        return ITS_ERANGE;
    return MPI_Bcast(buf, (int)len, MPI_BYTE, 0, MPI_COMM_WORLD) == MPI_SUCCESS ? ITS_OK
                                                                                 : ITS_EIO;
}

its_status its__mpi_max(long *v)
{
    long in = *v;
    return MPI_Allreduce(&in, v, 1, MPI_LONG, MPI_MAX, MPI_COMM_WORLD) == MPI_SUCCESS ? ITS_OK
                                                                                      : ITS_EIO;
}

#else /* built without MPI: one rank */

its_status its__mpi_init(int *argc, char ***argv, char *msg, size_t msglen)
{
    (void)argc;
    (void)argv;
    its__fmt(msg, msglen, "itsim was built without MPI (install libopenmpi-dev and rebuild)");
    return ITS_EINVAL;
}

void its__mpi_finalize(void) {}
int its__mpi_rank(void) { return 0; }
int its__mpi_size(void) { return 1; }
const char *its__mpi_library(void) { return NULL; }

its_status its__mpi_isend(int dest, int tag, const void *buf, size_t len, its__mpi_req **req)
{
    (void)dest;
    (void)tag;
    (void)buf;
    (void)len;
    *req = NULL;
    return ITS_EINVAL;
}

int its__mpi_test(its__mpi_req *req, int wait)
{
    (void)req;
    (void)wait;
    return -1;
}

int its__mpi_poll(int *src, int *tag, size_t *len)
{
    (void)src;
    (void)tag;
    (void)len;
    return -1;
}

its_status its__mpi_recv(int src, int tag, void *buf, size_t len)
{
    (void)src;
    (void)tag;
    (void)buf;
    (void)len;
    return ITS_EINVAL;
}

its_status its__mpi_bcast(void *buf, size_t len)
{
    (void)buf;
    (void)len;
    return ITS_EINVAL;
}

its_status its__mpi_max(long *v)
{
    (void)v;
    return ITS_OK;
}
#endif
