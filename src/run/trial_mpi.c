/* SPDX-License-Identifier: GPL-3.0-or-later */
/* itsim: a virtual trial over MPI ranks (docs/trial.md, "Running on
 * several machines (MPI)"). Rank 0 holds the queue of patients to run
 * (only those not stored yet) and answers the other ranks' requests for
 * work with chunks of it; its own threads take patients from the same
 * queue. Between patients, one thread of a rank at a time services MPI
 * (every MPI call is made holding the rank's MPI lock, through
 * run/mpi_adapter.h). The other ranks keep a chunk ahead (they ask again
 * when a patient per thread is left) and send their finished patients to
 * rank 0 in batches: the patient, its accepted draw, the drawn values by
 * index (the names are the same on every rank) and each outcome row with
 * its message and tumour assessments. Rank 0 gives them to the sink (the
 * store), so one process writes. A randomised trial first accepts every
 * patient the same way (phase 1: the results are the accepted draw and
 * the stratum), rank 0 allocates, then the patients are run with their
 * draw and arm (phase 2). An outcome is a pure function of (seed,
 * patient): the ranks, threads and order change nothing. */
#include "run/run.h"
#include "run/mpi_adapter.h"
#include "itsim/trial.h"
#include "itsim/version.h"

#include <string.h>
#include <time.h>
#ifdef _OPENMP
#include <omp.h>
#endif

/* The locks of a rank's threads (OpenMP locks, not named critical
 * sections: those would be global symbols of the library). */
#ifdef _OPENMP
typedef omp_lock_t lock_t;
#define LOCK(l) omp_set_lock(l)
#define UNLOCK(l) omp_unset_lock(l)
#else
typedef int lock_t;
#define LOCK(l) (void)(l)
#define UNLOCK(l) (void)(l)
#endif

enum { TAG_REQ = 1, TAG_WORK, TAG_RES1, TAG_RES2, TAG_FAIL, TAG_DONE, TAG_END };
#define ALL_ARMS UINT64_MAX   /* a paired patient: every arm */
#define NO_ATTEMPT UINT32_MAX /* the draw is accepted by the rank that runs it */
#define RES1_FLUSH 65536      /* bytes of phase-1 results sent at once */

/* A patient to accept (phase 1) or run (phase 2). */
typedef struct task {
    int64_t patient;
    uint64_t arm;
    uint32_t attempt;
    uint32_t pad;
} task;

typedef struct bytes {
    unsigned char *p;
    size_t n, cap;
    int nomem;
} bytes;

typedef struct reader {
    const unsigned char *p, *end;
    int bad;
} reader;

typedef struct outbox { /* a send in flight and its data */
    its__mpi_req *req;
    unsigned char *data;
    struct outbox *next;
} outbox;

typedef struct node {
    const its_trial *t;
    const its__trial_exec *x;
    int rank, size, nt, phase, paired;
    task *q;                     /* rank 0: to hand out; others: received */
    size_t q_head, q_n, q_cap;
    uint32_t *attempt;           /* rank 0, phase 1: per patient */
    uint64_t *stratum;
    size_t *arm;
    int done_ranks, stop_sent;   /* rank 0 */
    its__patient_draw *names;    /* rank 0: the names of the drawn values */
    int asked, no_more, fail_sent; /* other ranks */
    bytes res1;
    outbox *out;
    int failed;
    its_status st;
    char msg[ITS__ERRLEN];
    long run, rejected, failures;
    lock_t mpi_lock;             /* every MPI call and the queue */
    lock_t sink_lock;            /* the sink (rank 0) */
    lock_t fail_lock;            /* the first failure */
} node;

/* ---- bytes ------------------------------------------------------------------ */

static void put(bytes *b, const void *v, size_t n)
{
    if (b->nomem)
        return;
    if (b->n + n > b->cap) {
        size_t cap = 2 * (b->n + n) + 256;
        unsigned char *p = its__realloc(b->p, cap);
        if (!p) {
            b->nomem = 1;
            return;
        }
        b->p = p;
        b->cap = cap;
    }
    memcpy(b->p + b->n, v, n);
    b->n += n;
}

static void get(reader *r, void *v, size_t n)
{
    if (r->bad || (size_t)(r->end - r->p) < n) {
        r->bad = 1;
        memset(v, 0, n);
        return;
    }
    memcpy(v, r->p, n);
    r->p += n;
}

#define PUT(b, v) put((b), &(v), sizeof(v))
#define GET(r, v) get((r), &(v), sizeof(v))

static void nap(void)
{
    struct timespec ts = {0, 500000L}; /* 0.5 ms */
    nanosleep(&ts, NULL);
}

static void fail(node *nd, its_status st, const char *msg)
{
    LOCK(&nd->fail_lock);
    if (!nd->failed) {
        nd->failed = 1;
        nd->st = st;
        its__fmt(nd->msg, sizeof nd->msg, "%s", msg && msg[0] ? msg : its_strerror(st));
    }
    UNLOCK(&nd->fail_lock);
}

/* ---- sending (inside its__mpi) --------------------------------------------- */

/* Send b's bytes to dest without waiting; b is emptied (its data belongs to
 * the outbox until sent). */
static void post(node *nd, int dest, int tag, bytes *b)
{
    outbox *o = its__calloc(1, sizeof *o);
    its_status st = o && !b->nomem ? ITS_OK : ITS_ENOMEM;
    if (st == ITS_OK)
        st = its__mpi_isend(dest, tag, b->p ? (const void *)b->p : (const void *)"", b->n,
                            &o->req);
    if (st != ITS_OK) {
        its__free(o);
        its__free(b->p);
        fail(nd, st, st == ITS_ENOMEM ? "" : "rank: an MPI send failed");
    } else {
        o->data = b->p;
        o->next = nd->out;
        nd->out = o;
    }
    memset(b, 0, sizeof *b);
}

/* Forget the sends that are complete (wait: all of them). */
static void reap(node *nd, int wait)
{
    outbox **pp = &nd->out;
    while (*pp) {
        outbox *o = *pp;
        int r = its__mpi_test(o->req, wait);
        if (r == 0) {
            pp = &o->next;
            continue;
        }
        if (r < 0)
            fail(nd, ITS_EIO, "an MPI send failed");
        *pp = o->next;
        its__free(o->data);
        its__free(o);
    }
}

static void post_status(node *nd, int dest, int tag, its_status st, const char *msg)
{
    bytes b = {0};
    int32_t s = (int32_t)st;
    PUT(&b, s);
    put(&b, msg, strlen(msg) + 1);
    post(nd, dest, tag, &b);
}

/* Receive the message poll announced into a new buffer (*data). */
static its_status take_msg(int src, int tag, size_t len, unsigned char **data)
{
    its_status st;
    *data = its__malloc(len + 1);
    if (!*data)
        return ITS_ENOMEM;
    st = its__mpi_recv(src, tag, *data, len);
    if (st != ITS_OK) {
        its__free(*data);
        *data = NULL;
    }
    return st;
}

/* ---- a finished patient as bytes --------------------------------------------- */

static void put_outcome(bytes *b, const its__outcome *o)
{
    const char *m = o->message ? o->message : "";
    uint64_t arm = o->arm, na = o->n_assess;
    int32_t st = (int32_t)o->status, best = (int32_t)o->best;
    PUT(b, arm);
    PUT(b, st);
    PUT(b, best);
    PUT(b, o->best_change);
    PUT(b, o->ttr_days);
    PUT(b, o->dor_days);
    PUT(b, o->dor_event);
    PUT(b, o->pfs_days);
    PUT(b, o->pfs_event);
    PUT(b, o->os_days);
    PUT(b, o->os_event);
    PUT(b, o->doses_planned);
    PUT(b, o->doses_given);
    PUT(b, o->doses_reduced);
    PUT(b, o->doses_held);
    PUT(b, o->doses_planned_c1);
    PUT(b, o->doses_given_c1);
    PUT(b, o->worst_grade);
    PUT(b, o->stats);
    PUT(b, na);
    if (na) {
        put(b, o->assess_day, o->n_assess * sizeof *o->assess_day);
        put(b, o->assess_sum_mm, o->n_assess * sizeof *o->assess_sum_mm);
    }
    put(b, m, strlen(m) + 1);
}

static void put_patient(bytes *b, const its__trial_patient *p)
{
    int64_t id = p->patient;
    uint64_t nv = p->n_values, no = p->n_outcomes;
    size_t j;
    PUT(b, id);
    PUT(b, p->attempt);
    PUT(b, nv);
    for (j = 0; j < p->n_values; j++)
        PUT(b, p->values[j].value);
    PUT(b, no);
    for (j = 0; j < p->n_outcomes; j++)
        put_outcome(b, &p->outcomes[j]);
}

/* A message text inside the received bytes (NUL-terminated there). */
static const char *get_text(reader *r)
{
    const char *s = (const char *)r->p;
    const unsigned char *z = r->bad ? NULL : memchr(r->p, '\0', (size_t)(r->end - r->p));
    if (!z) {
        r->bad = 1;
        return "";
    }
    r->p = z + 1;
    return s;
}

static its_status get_outcome(reader *r, long patient, its__outcome *o)
{
    uint64_t arm, na;
    int32_t st, best;
    memset(o, 0, sizeof *o);
    o->patient = patient;
    GET(r, arm);
    GET(r, st);
    GET(r, best);
    o->arm = (size_t)arm;
    o->status = (its_status)st;
    o->best = (its_response)best;
    GET(r, o->best_change);
    GET(r, o->ttr_days);
    GET(r, o->dor_days);
    GET(r, o->dor_event);
    GET(r, o->pfs_days);
    GET(r, o->pfs_event);
    GET(r, o->os_days);
    GET(r, o->os_event);
    GET(r, o->doses_planned);
    GET(r, o->doses_given);
    GET(r, o->doses_reduced);
    GET(r, o->doses_held);
    GET(r, o->doses_planned_c1);
    GET(r, o->doses_given_c1);
    GET(r, o->worst_grade);
    GET(r, o->stats);
    GET(r, na);
    if (r->bad || na > (uint64_t)(r->end - r->p) / (2 * sizeof(double)))
        return ITS_EINVAL;
    if (na) {
        double *a = its__malloc(2 * (size_t)na * sizeof *a);
        if (!a)
            return ITS_ENOMEM;
        get(r, a, 2 * (size_t)na * sizeof *a);
        o->n_assess = (size_t)na;
        o->assess_day = a;
        o->assess_sum_mm = a + na;
    }
    o->message = get_text(r);
    return r->bad ? ITS_EINVAL : ITS_OK;
}

/* A received batch: the patients and what they own. */
typedef struct batch {
    its__trial_patient *p;
    size_t n;
} batch;

/* Free what a received batch owns (held through its const pointers). */
static void free_const(const void *p)
{
    union {
        const void *c;
        void *m;
    } u;
    u.c = p;
    its__free(u.m);
}

static void batch_free(batch *b)
{
    size_t i, k;
    for (i = 0; b->p && i < b->n; i++) {
        const its__outcome *o = b->p[i].outcomes;
        for (k = 0; o && k < b->p[i].n_outcomes; k++)
            free_const(o[k].assess_day);
        free_const(o);
        free_const(b->p[i].values);
    }
    its__free(b->p);
    memset(b, 0, sizeof *b);
}

static its_status get_patient(reader *r, const its__patient_draw *names, its__trial_patient *p)
{
    int64_t id;
    uint64_t nv, no;
    its__draw_value *v;
    its__outcome *o;
    size_t j;
    GET(r, id);
    GET(r, p->attempt);
    GET(r, nv);
    p->patient = (long)id;
    if (r->bad || nv != names->n_values)
        return ITS_EINVAL;
    p->values = v = its__calloc(names->n_values + 1, sizeof *v);
    if (!v)
        return ITS_ENOMEM;
    p->n_values = names->n_values;
    for (j = 0; j < names->n_values; j++) {
        v[j] = names->values[j];
        GET(r, v[j].value);
    }
    GET(r, no);
    if (r->bad || no > (uint64_t)(r->end - r->p))
        return ITS_EINVAL;
    p->outcomes = o = its__calloc((size_t)no + 1, sizeof *o);
    if (!o)
        return ITS_ENOMEM;
    for (j = 0; j < no; j++) {
        its_status st = get_outcome(r, p->patient, &o[j]);
        p->n_outcomes = j + 1; /* owned, also when it failed */
        if (st != ITS_OK)
            return st;
    }
    return ITS_OK;
}

static its_status get_batch(const unsigned char *data, size_t len, const its__patient_draw *names,
                            batch *b)
{
    reader r = {data, data + len, 0};
    uint64_t n;
    size_t i;
    memset(b, 0, sizeof *b);
    GET(&r, n);
    if (r.bad || n > len)
        return ITS_EINVAL;
    b->p = its__calloc((size_t)n + 1, sizeof *b->p);
    if (!b->p)
        return ITS_ENOMEM;
    for (i = 0; i < n; i++) {
        its_status st;
        b->n = i + 1;
        st = get_patient(&r, names, &b->p[i]);
        if (st != ITS_OK)
            return st;
    }
    return ITS_OK;
}

/* ---- counting and delivering finished patients ----------------------------------- */

static void count(node *nd, const its__trial_patient *p, size_t n)
{
    size_t i, k;
    for (i = 0; i < n; i++) {
        nd->run++;
        nd->rejected += (long)p[i].attempt;
        for (k = 0; k < p[i].n_outcomes; k++)
            nd->failures += p[i].outcomes[k].status != ITS_OK;
    }
}

/* Rank 0: to the sink, one thread at a time. */
static its_status sink(node *nd, const its__trial_patient *p, size_t n, char *msg, size_t msglen)
{
    its_status st = ITS_OK;
    LOCK(&nd->sink_lock);
    count(nd, p, n);
    st = nd->x->sink(nd->x->user, p, n, msg, msglen);
    UNLOCK(&nd->sink_lock);
    return st;
}

/* The finished patients of w: to the sink (rank 0) or to rank 0. */
static its_status deliver(node *nd, its__trial_worker *w, char *msg, size_t msglen)
{
    const its__trial_patient *p;
    size_t room, i, n = its__trial_worker_batch(w, &p, &room);
    its_status st = ITS_OK;
    bytes b = {0};
    uint64_t n64 = n;
    if (n == 0)
        return ITS_OK;
    if (nd->rank == 0) {
        st = sink(nd, p, n, msg, msglen);
    } else {
        PUT(&b, n64);
        for (i = 0; i < n; i++)
            put_patient(&b, &p[i]);
        if (b.nomem)
            st = ITS_ENOMEM;
        LOCK(&nd->mpi_lock);
        count(nd, p, n);
        post(nd, 0, TAG_RES2, &b);
        UNLOCK(&nd->mpi_lock);
    }
    its__trial_worker_clear(w);
    return st;
}

/* ---- rank 0: answering the others ---------------------------------------------- */

/* A request for work: a chunk of the queue (guided: a share of what is
 * left, at most what the rank asked for), none when the queue is empty,
 * or a stop when the trial failed. */
static void answer(node *nd, int src, const unsigned char *data, size_t len)
{
    reader r = {data, data + len, 0};
    uint32_t want = 1, n, left = (uint32_t)(nd->q_n - nd->q_head);
    int32_t stop = nd->failed ? (int32_t)nd->st : 0;
    bytes b = {0};
    GET(&r, want);
    n = left / (uint32_t)(2 * nd->size);
    n = n < 1 ? 1 : n > want ? want : n;
    if (n > left || nd->failed)
        n = nd->failed ? 0 : left;
    PUT(&b, stop);
    PUT(&b, n);
    put(&b, nd->q + nd->q_head, n * sizeof *nd->q);
    nd->q_head += n;
    post(nd, src, TAG_WORK, &b);
}

static void accepted(node *nd, const unsigned char *data, size_t len)
{
    reader r = {data, data + len, 0};
    while (!r.bad && r.p < r.end) {
        int64_t i;
        uint32_t a;
        uint64_t s;
        GET(&r, i);
        GET(&r, a);
        GET(&r, s);
        if (r.bad || i < 0 || i >= nd->t->spec->patients)
            break;
        nd->attempt[i] = a;
        nd->stratum[i] = s;
    }
    if (r.bad)
        fail(nd, ITS_EINVAL, "rank 0: a malformed message from another rank");
}

static void finished(node *nd, int src, const unsigned char *data, size_t len)
{
    batch b;
    char msg[ITS__ERRLEN];
    its_status st = get_batch(data, len, nd->names, &b);
    msg[0] = '\0';
    if (st == ITS_EINVAL)
        its__fmt(msg, sizeof msg, "rank 0: a malformed batch from rank %d", src);
    if (st == ITS_OK)
        st = sink(nd, b.p, b.n, msg, sizeof msg);
    if (st != ITS_OK)
        fail(nd, st, msg);
    batch_free(&b);
}

static void dispatch0(node *nd, int src, int tag, const unsigned char *data, size_t len)
{
    char msg[ITS__ERRLEN];
    int32_t st = 0;
    switch (tag) {
    case TAG_REQ:
        answer(nd, src, data, len);
        break;
    case TAG_RES1:
        accepted(nd, data, len);
        break;
    case TAG_RES2:
        finished(nd, src, data, len);
        break;
    case TAG_FAIL:
        memcpy(&st, data, len >= sizeof st ? sizeof st : 0);
        its__fmt(msg, sizeof msg, "rank %d: %.*s", src,
                 (int)(len > sizeof st ? len - sizeof st : 0), (const char *)data + sizeof st);
        fail(nd, st ? (its_status)st : ITS_EIO, msg);
        break;
    case TAG_DONE:
        nd->done_ranks++;
        break;
    default:
        fail(nd, ITS_EINVAL, "rank 0: an unexpected message");
    }
}

/* Everything waiting for rank 0 (inside its__mpi). */
static void service0(node *nd)
{
    int src, tag, r;
    size_t len;
    reap(nd, 0);
    if (nd->failed && !nd->stop_sent) { /* tell every rank to stop */
        int k;
        nd->stop_sent = 1;
        for (k = 1; k < nd->size; k++) {
            bytes b = {0};
            int32_t stop = (int32_t)nd->st;
            uint32_t zero = 0;
            PUT(&b, stop);
            PUT(&b, zero);
            post(nd, k, TAG_WORK, &b);
        }
    }
    while ((r = its__mpi_poll(&src, &tag, &len)) == 1) {
        unsigned char *data = NULL;
        its_status st = take_msg(src, tag, len, &data);
        if (st != ITS_OK) {
            fail(nd, st, "rank 0: cannot receive a message");
            return;
        }
        dispatch0(nd, src, tag, data, len);
        its__free(data);
    }
    if (r < 0)
        fail(nd, ITS_EIO, "rank 0: MPI failed");
}

/* ---- the other ranks ---------------------------------------------------------------- */

static void work_received(node *nd, const unsigned char *data, size_t len)
{
    reader r = {data, data + len, 0};
    int32_t stop;
    uint32_t n;
    GET(&r, stop);
    GET(&r, n);
    nd->asked = 0;
    if (r.bad || (size_t)(r.end - r.p) != (size_t)n * sizeof *nd->q) {
        fail(nd, ITS_EINVAL, "a malformed message from rank 0");
        return;
    }
    if (stop != 0 || n == 0) {
        nd->no_more = 1;
        if (stop != 0)
            nd->q_head = nd->q_n; /* a stop: the queued patients are not run */
        return;                  /* no more work: what is queued still runs */
    }
    if (nd->q_head > 0) { /* keep the queue at the start of its room */
        memmove(nd->q, nd->q + nd->q_head, (nd->q_n - nd->q_head) * sizeof *nd->q);
        nd->q_n -= nd->q_head;
        nd->q_head = 0;
    }
    if (nd->q_n + n > nd->q_cap) {
        task *q = its__realloc(nd->q, (nd->q_n + n) * sizeof *q);
        if (!q) {
            fail(nd, ITS_ENOMEM, "");
            return;
        }
        nd->q = q;
        nd->q_cap = nd->q_n + n;
    }
    memcpy(nd->q + nd->q_n, r.p, (size_t)n * sizeof *nd->q);
    nd->q_n += n;
}

/* Everything waiting for this rank, the failure to report, and a request
 * for work when a patient per thread is left (inside its__mpi). */
static void service1(node *nd)
{
    int src, tag, r;
    size_t len;
    reap(nd, 0);
    while ((r = its__mpi_poll(&src, &tag, &len)) == 1 && tag == TAG_WORK) {
        unsigned char *data = NULL;
        its_status st = take_msg(src, tag, len, &data);
        if (st != ITS_OK) {
            fail(nd, st, "cannot receive a message");
            break;
        }
        work_received(nd, data, len);
        its__free(data);
    }
    if (r < 0)
        fail(nd, ITS_EIO, "MPI failed");
    if (nd->failed && !nd->fail_sent) {
        char msg[ITS__ERRLEN];
        nd->fail_sent = 1;
        nd->no_more = 1;
        its__fmt(msg, sizeof msg, "%s", nd->msg);
        post_status(nd, 0, TAG_FAIL, nd->st, msg);
    }
    if (nd->res1.n >= RES1_FLUSH)
        post(nd, 0, TAG_RES1, &nd->res1);
    /* ask early and for enough: rank 0 answers only between its own
     * patients, so the next chunk must be on its way while this rank still
     * has two patients per thread to run */
    if (!nd->no_more && !nd->asked && nd->q_n - nd->q_head <= 2 * (size_t)nd->nt) {
        bytes b = {0};
        uint32_t want = 4 * (uint32_t)nd->nt;
        PUT(&b, want);
        post(nd, 0, TAG_REQ, &b);
        nd->asked = 1;
    }
}

/* ---- the threads of a rank ----------------------------------------------------------- */

/* The next patient for this thread: 1 and *tk, 0 none now, -1 none any more. */
static int next_task(node *nd, task *tk)
{
    int got = 0;
    LOCK(&nd->mpi_lock);
    if (nd->rank == 0)
        service0(nd);
    else
        service1(nd);
    if (nd->failed || (nd->x->cancel && *nd->x->cancel))
        got = -1;
    else if (nd->q_head < nd->q_n)
        got = (*tk = nd->q[nd->q_head++], 1);
    else if (nd->rank == 0 || nd->no_more)
        got = -1;
    UNLOCK(&nd->mpi_lock);
    return got;
}

/* Phase 1: the accepted draw and stratum of patient i. */
static void note_accepted(node *nd, int64_t i, uint32_t a, uint64_t s)
{
    if (nd->rank == 0) {
        nd->attempt[i] = a;
        nd->stratum[i] = s;
        return;
    }
    LOCK(&nd->mpi_lock);
    PUT(&nd->res1, i);
    PUT(&nd->res1, a);
    PUT(&nd->res1, s);
    UNLOCK(&nd->mpi_lock);
}

static its_status run_task(node *nd, its__trial_worker *w, const task *tk, char *msg,
                           size_t msglen)
{
    uint32_t a = tk->attempt;
    uint64_t s = 0;
    size_t room;
    const its__trial_patient *p;
    its_status st = ITS_OK;
    if (a == NO_ATTEMPT)
        st = its__trial_accept(w, (long)tk->patient, &a, &s, msg, msglen);
    if (st != ITS_OK)
        return st;
    if (nd->phase == 1) {
        note_accepted(nd, tk->patient, a, s);
        return ITS_OK;
    }
    st = its__trial_run_one(w, (long)tk->patient, a,
                            tk->arm == ALL_ARMS ? (size_t)-1 : (size_t)tk->arm, msg, msglen);
    if (st == ITS_OK && (its__trial_worker_batch(w, &p, &room), room == 0))
        st = deliver(nd, w, msg, msglen);
    return st;
}

static void thread_loop(node *nd)
{
    its__trial_worker *w = NULL;
    char msg[ITS__ERRLEN];
    task tk;
    int got;
    its_status st = its__trial_worker_create(nd->t, nd->x->batch, &w);
    if (st != ITS_OK) {
        fail(nd, st, "");
        return;
    }
    while ((got = next_task(nd, &tk)) >= 0) {
        if (got == 0) {
            nap();
            continue;
        }
        msg[0] = '\0';
        st = run_task(nd, w, &tk, msg, sizeof msg);
        if (st != ITS_OK)
            fail(nd, st, msg);
    }
    if (nd->x->cancel && *nd->x->cancel)
        fail(nd, ITS_ECANCELLED, "cancelled");
    /* what is finished is kept, also after a failure */
    if ((st = deliver(nd, w, msg, sizeof msg)) != ITS_OK)
        fail(nd, st, msg);
    its__trial_worker_free(w);
}

/* ---- a phase on every rank ------------------------------------------------------------ */

static void run_threads(node *nd)
{
#ifdef _OPENMP
#pragma omp parallel num_threads(nd->nt)
#endif
    thread_loop(nd);
}

/* Rank 0: the queue out and every rank done, then the phase's status to
 * every rank (a randomised trial is allocated before). */
static void phase_rank0(node *nd)
{
    int k;
    run_threads(nd);
    while (nd->done_ranks < nd->size - 1) {
        service0(nd);
        nap();
    }
    if (nd->phase == 1 && !nd->failed) {
        its_status st = its__trial_allocate_all(nd->t->spec, (size_t)nd->t->spec->patients,
                                                nd->stratum, nd->arm);
        if (st != ITS_OK)
            fail(nd, st, "");
    }
    for (k = 1; k < nd->size; k++)
        post_status(nd, k, TAG_END, nd->failed ? nd->st : ITS_OK, nd->failed ? nd->msg : "");
    reap(nd, 1);
}

/* Another rank: its results and failure out, done, then the phase's
 * status from rank 0 (work that still arrives is dropped). */
static void phase_other(node *nd)
{
    bytes b = {0};
    char one = 1;
    int src, tag, r, end = 0;
    size_t len;
    run_threads(nd);
    nd->no_more = 1;
    service1(nd);
    if (nd->res1.n > 0)
        post(nd, 0, TAG_RES1, &nd->res1);
    put(&b, &one, 1);
    post(nd, 0, TAG_DONE, &b);
    while (!end) {
        unsigned char *data = NULL;
        reap(nd, 0);
        if ((r = its__mpi_poll(&src, &tag, &len)) == 0) {
            nap();
            continue;
        }
        if (r < 0 || take_msg(src, tag, len, &data) != ITS_OK) {
            fail(nd, ITS_EIO, "MPI failed");
            break; /* rank 0 is gone or MPI broke: nothing more to wait for */
        }
        if (tag == TAG_END) {
            int32_t st = 0;
            end = 1;
            memcpy(&st, data, len >= sizeof st ? sizeof st : 0);
            nd->st = (its_status)st;
            nd->failed = st != 0;
            its__fmt(nd->msg, sizeof nd->msg, "%.*s",
                     (int)(len > sizeof st ? len - sizeof st : 0), (const char *)data + sizeof st);
        }
        its__free(data);
    }
    reap(nd, 1);
}

static void node_free(node *nd)
{
    its__free(nd->q);
    its__free(nd->attempt);
    its__free(nd->stratum);
    its__free(nd->arm);
    its__free(nd->res1.p);
    its__patient_draw_free(nd->names);
    reap(nd, 1);
#ifdef _OPENMP
    omp_destroy_lock(&nd->mpi_lock);
    omp_destroy_lock(&nd->sink_lock);
    omp_destroy_lock(&nd->fail_lock);
#endif
}

/* Rank 0's queue for a phase: every patient (phase 1) or those not stored
 * yet with their draw and arm (phase 2). */
static void fill_queue(node *nd)
{
    const long n = nd->t->spec->patients;
    long i;
    nd->q_head = nd->q_n = 0;
    for (i = 0; i < n && nd->q; i++) {
        task *tk = &nd->q[nd->q_n];
        if (nd->phase == 2 && nd->x->done && nd->x->done[i])
            continue;
        memset(tk, 0, sizeof *tk);
        tk->patient = i;
        tk->attempt = nd->phase == 2 && !nd->paired ? nd->attempt[i] : NO_ATTEMPT;
        tk->arm = nd->phase == 2 && !nd->paired ? (uint64_t)nd->arm[i] : ALL_ARMS;
        nd->q_n++;
    }
}

/* What rank 0 needs: the queue, the names of the drawn values and, for a
 * randomised trial, the accepted draws, strata and arms. A failure here
 * goes through the phases (every rank must learn it). */
static void node_setup(node *nd)
{
    const size_t n = (size_t)nd->t->spec->patients;
    if (nd->rank != 0)
        return;
    nd->q = its__calloc(n + 1, sizeof *nd->q);
    nd->q_cap = n + 1;
    if (!nd->paired) {
        nd->attempt = its__calloc(n + 1, sizeof *nd->attempt);
        nd->stratum = its__calloc(n + 1, sizeof *nd->stratum);
        nd->arm = its__calloc(n + 1, sizeof *nd->arm);
    }
    if (its__patient_draw_create(nd->t, &nd->names) != ITS_OK || !nd->q ||
        (!nd->paired && (!nd->attempt || !nd->stratum || !nd->arm)))
        fail(nd, ITS_ENOMEM, "");
}

its_status its__trial_execute_mpi(const its_trial *t, const its__trial_exec *x,
                                  its__trial_counts *counts, char *msg, size_t msglen)
{
    node nd;
    if (its__mpi_size() <= 1)
        return its__trial_execute(t, x, counts, msg, msglen);
    if (msg && msglen)
        msg[0] = '\0';
    if (!t || !x || x->batch == 0 || !counts)
        return ITS_EINVAL;
    memset(counts, 0, sizeof *counts);
    memset(&nd, 0, sizeof nd);
#ifdef _OPENMP
    omp_init_lock(&nd.mpi_lock);
    omp_init_lock(&nd.sink_lock);
    omp_init_lock(&nd.fail_lock);
#endif
    nd.t = t;
    nd.x = x;
    nd.rank = its__mpi_rank();
    nd.size = its__mpi_size();
    nd.paired = t->spec->design == ITS__TRIAL_PAIRED;
    nd.nt = 1;
#ifdef _OPENMP
    nd.nt = x->threads > 0 ? x->threads : omp_get_max_threads();
#endif
    if (nd.rank == 0 && !x->sink)
        fail(&nd, ITS_EINVAL, "rank 0 needs a sink");
    node_setup(&nd);
    {
        /* a rank that cannot start (rank 0 out of memory) would never send
         * the end of a phase: every rank learns it before the phases */
        long bad = nd.failed ? 1 : 0;
        if (its__mpi_max(&bad) != ITS_OK)
            fail(&nd, ITS_EIO, "MPI: the ranks could not agree on starting the trial");
        else if (bad && !nd.failed)
            fail(&nd, ITS_ENOMEM, "another rank could not start the trial");
    }
    for (nd.phase = nd.paired ? 2 : 1; nd.phase <= 2 && !nd.failed; nd.phase++) {
        nd.asked = nd.no_more = nd.fail_sent = nd.done_ranks = nd.stop_sent = 0;
        if (nd.rank == 0) {
            fill_queue(&nd);
            phase_rank0(&nd);
        } else {
            nd.q_head = nd.q_n = 0;
            phase_other(&nd);
        }
    }
    counts->run = nd.run;
    counts->rejected = nd.rejected;
    counts->failures = nd.failures;
    if (nd.failed && msg && msglen)
        its__fmt(msg, msglen, "%s", nd.msg);
    node_free(&nd);
    return nd.failed ? nd.st : ITS_OK;
}

/* ---- the handshake ----------------------------------------------------------------------- */

/* What identifies the trial and the build (FNV-1a, 64 bits). */
static uint64_t identity(const its_trial *t)
{
    uint64_t h = 1469598103934665603ULL;
    const size_t sizes[] = {sizeof(long), sizeof(its__outcome), sizeof(its_stats),
                            t->spec->n_arms};
    const char *v = its_version();
    size_t i;
#define MIX(ptr, len)                                                                           \
    for (i = 0; i < (len); i++)                                                                 \
        h = (h ^ ((const unsigned char *)(ptr))[i]) * 1099511628211ULL;
    MIX(t->text, t->len)
    MIX(&t->spec->patients, sizeof t->spec->patients)
    MIX(&t->spec->seed, sizeof t->spec->seed)
    MIX(sizes, sizeof sizes)
    MIX(v, strlen(v))
    if (t->identity_extra) /* an included population's hash (population.from) */
        MIX(t->identity_extra, strlen(t->identity_extra))
#undef MIX
    return h;
}

its_status its__trial_mpi_agree(const its_trial *t, its_status st0, char *msg, size_t msglen)
{
    struct {
        int32_t st;
        uint64_t id;
        char msg[ITS__ERRLEN];
    } hs;
    long other = 0;
    const int rank = its__mpi_rank();
    if (its__mpi_size() <= 1)
        return st0;
    memset(&hs, 0, sizeof hs);
    if (rank == 0) {
        hs.st = (int32_t)st0;
        hs.id = t ? identity(t) : 0;
        its__fmt(hs.msg, sizeof hs.msg, "%s", msg ? msg : "");
    }
    if (its__mpi_bcast(&hs, sizeof hs) != ITS_OK) {
        its__fmt(msg, msglen, "MPI: the broadcast from rank 0 failed");
        return ITS_EIO;
    }
    if (rank > 0 && (!t || hs.id != identity(t)))
        other = rank;
    if (its__mpi_max(&other) != ITS_OK) {
        its__fmt(msg, msglen, "MPI: the reduction over the ranks failed");
        return ITS_EIO;
    }
    if (hs.st != 0) {
        if (rank > 0)
            its__fmt(msg, msglen, "%s", hs.msg);
        return (its_status)hs.st;
    }
    if (other > 0) {
        its__fmt(msg, msglen,
                 "rank %ld holds another trial than rank 0: every rank must read the same "
                 "trial file with the same --patients and --seed, with the same build of itsim",
                 other);
        return ITS_EINVAL;
    }
    return ITS_OK;
}

/* ---- public ---------------------------------------------------------------------------------- */

int its__trial_mpi_rank(void)
{
    return its__mpi_rank();
}

int its__trial_mpi_size(void)
{
    return its__mpi_size();
}

its_status its_mpi_init(int *argc, char ***argv, char *msg, size_t msglen)
{
    return its__mpi_init(argc, argv, msg, msglen);
}

void its_mpi_finalize(void)
{
    its__mpi_finalize();
}

int its_mpi_rank(void)
{
    return its__mpi_rank();
}

int its_mpi_size(void)
{
    return its__mpi_size();
}

const char *its_mpi_library(void)
{
    return its__mpi_library();
}
