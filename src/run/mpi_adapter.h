/* SPDX-License-Identifier: GPL-3.0-or-later */
/* itsim internal: the MPI adapter (src/run/mpi_adapter.c), the only code
 * that includes <mpi.h>. Ranks, byte messages between them (blocking and
 * non-blocking), a broadcast from rank 0 and a maximum over all ranks:
 * what the distributed trial runner (trial_mpi.c) needs, nothing of MPI's
 * types. Without MPI (ITS_HAVE_MPI undefined when itsim was built) there
 * is one rank and the message functions return ITS_EINVAL.
 *
 * Threads: MPI is initialised with MPI_THREAD_SERIALIZED; callers make
 * every call from one thread at a time (trial_mpi.c: one lock per rank).
 * Messages are bytes: ranks must run the same build of itsim on
 * machines of the same byte order (the trial handshake checks the build). */
#ifndef ITS_RUN_MPI_ADAPTER_H
#define ITS_RUN_MPI_ADAPTER_H

#include <stddef.h>
#include "itsim/status.h"

/* MPI_Init_thread (SERIALIZED) unless MPI is initialised already. ITS_OK;
 * ITS_EINVAL (built without MPI, or the MPI library gives less than
 * SERIALIZED) with the reason in msg. */
its_status its__mpi_init(int *argc, char ***argv, char *msg, size_t msglen);
/* MPI_Finalize when its__mpi_init initialised MPI; otherwise nothing. */
void its__mpi_finalize(void);
/* This process's rank (0 when MPI is not initialised) and the number of
 * ranks (1 then). */
int its__mpi_rank(void);
int its__mpi_size(void);
/* The MPI library's version text (static), or NULL when built without MPI. */
const char *its__mpi_library(void);

/* A pending non-blocking send (its__mpi_isend). */
typedef struct its__mpi_req its__mpi_req;

/* Send len bytes to rank dest with tag (>= 0) without waiting: buf must
 * stay unchanged until its__mpi_test says the send is complete. *req is
 * freed by its__mpi_test/_wait when complete. ITS_OK, ITS_ENOMEM,
 * ITS_EIO (MPI's error text in msg). */
its_status its__mpi_isend(int dest, int tag, const void *buf, size_t len, its__mpi_req **req);
/* 1 when the send is complete (req freed), 0 when pending; -1 on an MPI
 * error (req freed). wait != 0 blocks until complete. */
int its__mpi_test(its__mpi_req *req, int wait);
/* A message waiting from any rank with any tag: 1 and its source, tag and
 * length in bytes, 0 when none; -1 on an MPI error. Does not block. */
int its__mpi_poll(int *src, int *tag, size_t *len);
/* Receive the message poll announced (from src with tag) into buf (len
 * bytes). ITS_OK or ITS_EIO. */
its_status its__mpi_recv(int src, int tag, void *buf, size_t len);
/* Broadcast len bytes from rank 0 to every rank (collective). */
its_status its__mpi_bcast(void *buf, size_t len);
/* *v becomes the maximum of *v over all ranks (collective). */
its_status its__mpi_max(long *v);

#endif
