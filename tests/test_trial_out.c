/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The trial summary writers (src/io/trial_out.c): summary.json of a summary
 * made by its__trial_summarise from hand-built outcome rows is valid JSON
 * (checked by the strict recursive-descent parser below, RFC 8259 grammar),
 * has the keys of docs/trial.md in their nesting, writes NaN as null and
 * every number so that strtod gives back exactly the double (tolerance 0:
 * the writer promises round-trip), and escapes hostile trial names and arm
 * ids (quotes, backslashes, control characters, invalid UTF-8). arms.csv:
 * a header and one record per arm with as many fields, ids quoted. */
#include "io/io.h"
#include "its_test.h"

#include <float.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define N_ARMS 3
#define PER_ARM 8

/* ---- a strict JSON parser into a fixed pool (no allocation) ---------------- */

enum { J_NULL, J_BOOL, J_NUM, J_STR, J_ARR, J_OBJ };
typedef struct jnode {
    int type;
    double num;
    const char *str, *key; /* decoded, in the arena */
    int child, next;       /* first child, next sibling; -1 none */
} jnode;

static jnode pool[8192];
static int n_nodes;
static char arena[1 << 17];
static size_t n_arena;
static const char *jp;

static void ws(void)
{
    while (*jp == ' ' || *jp == '\n' || *jp == '\t' || *jp == '\r')
        jp++;
}

static int hex4(const char *s, unsigned *cp)
{
    int k;
    *cp = 0;
    for (k = 0; k < 4; k++) {
        char c = s[k];
        unsigned d = c >= '0' && c <= '9' ? (unsigned)(c - '0')
                   : c >= 'a' && c <= 'f' ? (unsigned)(c - 'a' + 10)
                   : c >= 'A' && c <= 'F' ? (unsigned)(c - 'A' + 10) : 16u;
        if (d == 16u)
            return 0;
        *cp = *cp * 16u + d;
    }
    return 1;
}

static void put_utf8(unsigned cp)
{
    if (cp < 0x80) {
        arena[n_arena++] = (char)cp;
    } else if (cp < 0x800) {
        arena[n_arena++] = (char)(0xc0 | (cp >> 6));
        arena[n_arena++] = (char)(0x80 | (cp & 0x3f));
    } else {
        arena[n_arena++] = (char)(0xe0 | (cp >> 12));
        arena[n_arena++] = (char)(0x80 | ((cp >> 6) & 0x3f));
        arena[n_arena++] = (char)(0x80 | (cp & 0x3f));
    }
}

/* A string at jp (after its quote is checked), decoded into the arena. */
static const char *jstring(void)
{
    const char *start = arena + n_arena;
    if (*jp++ != '"')
        return NULL;
    while (*jp != '"') {
        unsigned char c = (unsigned char)*jp++;
        if (c < 0x20 || n_arena + 8 > sizeof arena)
            return NULL; /* raw control characters are not JSON */
        if (c != '\\') {
            arena[n_arena++] = (char)c;
            continue;
        }
        c = (unsigned char)*jp++;
        switch (c) {
        case '"': case '\\': case '/': arena[n_arena++] = (char)c; break;
        case 'b': arena[n_arena++] = '\b'; break;
        case 'f': arena[n_arena++] = '\f'; break;
        case 'n': arena[n_arena++] = '\n'; break;
        case 'r': arena[n_arena++] = '\r'; break;
        case 't': arena[n_arena++] = '\t'; break;
        case 'u': {
            unsigned cp;
            if (!hex4(jp, &cp) || (cp >= 0xd800 && cp <= 0xdfff))
                return NULL;
            jp += 4;
            put_utf8(cp);
            break;
        }
        default: return NULL;
        }
    }
    jp++;
    arena[n_arena++] = '\0';
    return start;
}

/* A number by the JSON grammar -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)? */
static int jnumber(double *x)
{
    const char *s = jp;
    char *end;
    if (*jp == '-')
        jp++;
    if (*jp == '0')
        jp++;
    else if (*jp >= '1' && *jp <= '9')
        while (*jp >= '0' && *jp <= '9')
            jp++;
    else
        return 0;
    if (*jp == '.') {
        if (!(*++jp >= '0' && *jp <= '9'))
            return 0;
        while (*jp >= '0' && *jp <= '9')
            jp++;
    }
    if (*jp == 'e' || *jp == 'E') {
        jp++;
        if (*jp == '+' || *jp == '-')
            jp++;
        if (!(*jp >= '0' && *jp <= '9'))
            return 0;
        while (*jp >= '0' && *jp <= '9')
            jp++;
    }
    *x = strtod(s, &end);
    return end == jp;
}

static int jvalue(void);

/* The members (obj) or items of a container after its opening bracket. */
static int jcontainer(int obj)
{
    int self = n_nodes++, last = -1;
    char close = obj ? '}' : ']';
    pool[self] = (jnode){obj ? J_OBJ : J_ARR, 0.0, NULL, NULL, -1, -1};
    ws();
    if (*jp == close) {
        jp++;
        return self;
    }
    for (;;) {
        const char *key = NULL;
        int v;
        ws();
        if (obj) {
            if (*jp != '"' || !(key = jstring()))
                return -1;
            ws();
            if (*jp++ != ':')
                return -1;
        }
        if ((v = jvalue()) < 0)
            return -1;
        pool[v].key = key;
        if (last < 0)
            pool[self].child = v;
        else
            pool[last].next = v;
        last = v;
        ws();
        if (*jp == ',') {
            jp++;
            continue;
        }
        if (*jp++ != close)
            return -1;
        return self;
    }
}

static int jvalue(void)
{
    int self;
    ws();
    if (n_nodes + 1 >= (int)(sizeof pool / sizeof *pool))
        return -1;
    if (*jp == '{' || *jp == '[')
        return jcontainer(*jp++ == '{');
    self = n_nodes++;
    pool[self] = (jnode){J_NULL, 0.0, NULL, NULL, -1, -1};
    if (*jp == '"') {
        pool[self].type = J_STR;
        return (pool[self].str = jstring()) ? self : -1;
    }
    if (!strncmp(jp, "null", 4) || !strncmp(jp, "true", 4) || !strncmp(jp, "false", 5)) {
        pool[self].type = *jp == 'n' ? J_NULL : J_BOOL;
        pool[self].num = *jp == 't';
        jp += *jp == 'f' ? 5 : 4;
        return self;
    }
    pool[self].type = J_NUM;
    return jnumber(&pool[self].num) ? self : -1;
}

/* The root of the document text, -1 when it is not exactly one JSON value. */
static int jparse(const char *text)
{
    int root;
    n_nodes = 0;
    n_arena = 0;
    jp = text;
    root = jvalue();
    ws();
    return root >= 0 && *jp == '\0' ? root : -1;
}

static int jget(int obj, const char *key)
{
    int c;
    if (obj < 0 || pool[obj].type != J_OBJ)
        return -1;
    for (c = pool[obj].child; c >= 0; c = pool[c].next)
        if (!strcmp(pool[c].key, key))
            return c;
    return -1;
}

static int jat(int arr, int i)
{
    int c;
    if (arr < 0 || pool[arr].type != J_ARR)
        return -1;
    for (c = pool[arr].child; c >= 0 && i > 0; c = pool[c].next)
        i--;
    return c;
}

static int jlen(int arr)
{
    int c, n = 0;
    if (arr < 0 || pool[arr].type != J_ARR)
        return -1;
    for (c = pool[arr].child; c >= 0; c = pool[c].next)
        n++;
    return n;
}

/* Node v holds exactly x: null when x is NaN, else the same double. */
static int same_num(int v, double x)
{
    if (v < 0)
        return 0;
    if (isnan(x))
        return pool[v].type == J_NULL;
    return pool[v].type == J_NUM && pool[v].num == x;
}

static int same_est(int obj, const char *key, its_estimate e)
{
    int o = jget(obj, key);
    return o >= 0 && same_num(jget(o, "value"), e.value) && same_num(jget(o, "ci_low"), e.ci_low)
        && same_num(jget(o, "ci_high"), e.ci_high);
}

/* ---- the summary under test ------------------------------------------------ */

/* Hostile names: quotes, backslashes, control characters, DEL, UTF-8, and
 * (last arm) an invalid UTF-8 byte, which becomes U+FFFD. */
static const char trial_name[] = "trial \"x\" \\ 1\n\t\x01\x1f\x7f caf\xc3\xa9";
static const char *const arm_ids[N_ARMS] = {"un\"treated\"", "hd\\il2\r\n,;", "pd1 \xff end"};
static const char arm2_decoded[] = "pd1 \xef\xbf\xbd end";

static const char *decoded_id(size_t a)
{
    return a == 2 ? arm2_decoded : arm_ids[a];
}

/* Arm 0 and 1: events at distinct times with some censoring; arm 2: every
 * row censored, so its medians are not reached (NaN, null). */
static size_t make_rows(its__outcome *rows)
{
    static const its_response best[PER_ARM] = {ITS_RESP_CR, ITS_RESP_PR, ITS_RESP_PR,
                                               ITS_RESP_SD, ITS_RESP_SD, ITS_RESP_PD,
                                               ITS_RESP_PD, ITS_RESP_NE};
    size_t n = 0, a, i, j;
    for (a = 0; a < N_ARMS; a++)
        for (i = 0; i < PER_ARM; i++) {
            its__outcome *r = &rows[n++];
            double k = (double)i;
            memset(r, 0, sizeof *r);
            r->patient = (long)(a * PER_ARM + i);
            r->arm = a;
            r->status = ITS_OK;
            r->best = best[(i + a) % PER_ARM];
            r->pfs_days = 47.3 * (k + 1.0) * (1.0 + 0.31 * (double)a) + 0.1;
            r->pfs_event = a != 2 && i % 3 != 2;
            r->os_days = r->pfs_days + 100.0 / 3.0;
            r->os_event = a != 2 && i % 4 != 1;
            r->ttr_days = (r->best == ITS_RESP_CR || r->best == ITS_RESP_PR) ? 40.0 + k : (double)NAN;
            r->dor_days = isfinite(r->ttr_days) ? r->pfs_days : (double)NAN;
            r->dor_event = r->pfs_event;
            r->doses_planned = 7;
            r->doses_given = 7 - (long)(i % 3);
            r->doses_planned_c1 = 4;
            r->doses_given_c1 = 4 - (long)(i % 2);
            for (j = 0; j < ITS_AE_NTERMS; j++)
                r->worst_grade[j] = (int)((i + j) % 5);
        }
    return n;
}

static char *write_json(const its__trial_summary *s, its_status *st)
{
    char *buf = NULL, msg[256] = "";
    size_t len = 0;
    FILE *fp = open_memstream(&buf, &len);
    *st = its__trial_write_summary_json(fp, trial_name, 30, 24, 32, 2, 730.5, arm_ids, s, msg,
                                        sizeof msg);
    fclose(fp);
    return buf;
}

static void check_arm(int arr, size_t a, const its__arm_summary *x)
{
    static const char *const est_keys[] = {"orr", "cr", "pr", "sd", "pd", "dcr", "grade3plus",
                                           "pfs_median_days", "os_median_days",
                                           "ttr_median_days", "dor_median_days"};
    its_estimate est[sizeof est_keys / sizeof *est_keys];
    int o = jat(arr, (int)a), id = jget(o, "id"), ok = 1;
    size_t k;
    est[0] = x->orr, est[1] = x->cr, est[2] = x->pr, est[3] = x->sd, est[4] = x->pd;
    est[5] = x->dcr, est[6] = x->grade3, est[7] = x->pfs_median, est[8] = x->os_median;
    est[9] = x->ttr_median, est[10] = x->dor_median;
    its_test_true(id >= 0 && pool[id].type == J_STR
                      && !strcmp(pool[id].str, decoded_id(a)),
                  "arm %zu: id read back equal to the hostile id", a);
    its_test_true(same_num(jget(o, "n"), (double)x->n) && same_num(jget(o, "failures"), 0.0),
                  "arm %zu: n = %ld", a, x->n);
    for (k = 0; k < sizeof est_keys / sizeof *est_keys; k++)
        ok &= same_est(o, est_keys[k], est[k]);
    ok &= same_est(o, "pfs_6m", x->pfs_at[0]) && same_est(o, "os_24m", x->os_at[2]);
    ok &= same_num(jget(o, "dose_intensity"), x->dose_intensity);
    ok &= same_est(jget(o, "grade3plus_terms"), its_ae_term_id(ITS_AE_FEVER), x->grade3_term[ITS_AE_FEVER]);
    its_test_true(ok, "arm %zu: every estimate {value, ci_low, ci_high} read back exactly", a);
}

static void test_json(const its__trial_summary *s)
{
    its_status st;
    char *text = write_json(s, &st);
    int root = jparse(text), arms, cmps, c, i;

    its_test_true(st == ITS_OK && root >= 0, "summary.json is valid JSON (%d)", (int)st);
    its_test_true(jget(root, "trial") >= 0 && !strcmp(pool[jget(root, "trial")].str, trial_name),
                  "trial name read back equal to the hostile name");
    its_test_true(same_num(jget(root, "patients"), 30) && same_num(jget(root, "accepted"), 24)
                      && same_num(jget(root, "failures"), 2)
                      && same_num(jget(root, "draws"), 32)
                      && same_num(jget(root, "acceptance_rate"), 24.0 / 32.0)
                      && same_num(jget(root, "horizon_days"), 730.5),
                  "patients, accepted, failures, draws, acceptance rate 0.75, horizon_days");
    arms = jget(root, "arms");
    cmps = jget(root, "comparisons");
    its_test_true(jlen(arms) == N_ARMS && jlen(cmps) == 3, "%d arms, %d comparisons", jlen(arms),
                  jlen(cmps));
    for (i = 0; i < N_ARMS; i++)
        check_arm(arms, (size_t)i, &s->arms[i]);
    its_test_true(isnan(s->arms[2].pfs_median.value)
                      && pool[jget(jget(jat(arms, 2), "pfs_median_days"), "value")].type == J_NULL,
                  "a median not reached is null");
    for (i = 0; i < 3; i++) {
        const its__arm_comparison *x = &s->comparisons[i];
        int o = jat(cmps, i), pair = jget(o, "arms");
        c = jat(pair, 1);
        its_test_true(jlen(pair) == 2 && pool[jat(pair, 0)].type == J_STR && c >= 0
                          && !strcmp(pool[jat(pair, 0)].str, decoded_id(x->a))
                          && pool[c].type == J_STR && !strcmp(pool[c].str, decoded_id(x->b))
                          && same_num(jget(o, "logrank_p_pfs"), x->logrank_p_pfs)
                          && same_num(jget(o, "logrank_p_os"), x->logrank_p_os)
                          && same_num(jget(o, "robust_score_p_pfs"), x->robust_score_p_pfs)
                          && same_num(jget(o, "robust_score_p_os"), x->robust_score_p_os)
                          && same_est(o, "hr_os", x->hr_os) && same_est(o, "hr_pfs", x->hr_pfs)
                          && same_est(o, "hr_os_conditional", x->hr_os_conditional)
                          && same_est(o, "hr_pfs_conditional", x->hr_pfs_conditional)
                          && same_est(o, "orr_difference", x->orr_diff),
                      "comparison %d (%zu, %zu): p-values and hazard ratios read back", i, x->a,
                      x->b);
    }
    free(text);
}

/* The same rows as a paired design (patient i in every arm): every
 * patient's times grow with the arm, so the conditional (within-patient)
 * HR of arms 0 and 1 is not estimable (null) while the marginal one is
 * written; both keys read back. */
static void test_json_paired(void)
{
    its__outcome rows[N_ARMS * PER_ARM];
    its__trial_summary s;
    char msg[256] = "", *text;
    size_t n = make_rows(rows), i;
    its_status st;
    int root, o, strat, lo, cond;

    for (i = 0; i < n; i++)
        rows[i].patient = (long)(i % PER_ARM);
    st = its__trial_summarise(rows, n, N_ARMS, ITS__TRIAL_PAIRED, &s, msg, sizeof msg);
    if (!its_test_true(st == ITS_OK, "paired summary (%d '%s')", (int)st, msg))
        return;
    text = write_json(&s, &st);
    root = jparse(text);
    o = root >= 0 ? jat(jget(root, "comparisons"), 0) : -1;
    strat = o >= 0 ? jget(o, "stratified") : -1;
    lo = o >= 0 ? jget(jget(o, "hr_os"), "ci_low") : -1;
    cond = o >= 0 ? jget(jget(o, "hr_os_conditional"), "value") : -1;
    its_test_true(st == ITS_OK && strat >= 0 && pool[strat].type == J_BOOL && pool[strat].num == 1
                      && same_est(o, "hr_os", s.comparisons[0].hr_os)
                      && same_est(o, "hr_pfs", s.comparisons[0].hr_pfs)
                      && same_est(o, "hr_os_conditional", s.comparisons[0].hr_os_conditional)
                      && same_est(o, "hr_pfs_conditional", s.comparisons[0].hr_pfs_conditional)
                      && same_num(jget(o, "robust_score_p_os"), s.comparisons[0].robust_score_p_os)
                      && isfinite(s.comparisons[0].robust_score_p_os),
                  "paired: stratified true, marginal and conditional HRs and the robust score "
                  "p read back");
    its_test_true(lo >= 0 && pool[lo].type == J_NUM && cond >= 0 && pool[cond].type == J_NULL,
                  "paired, arms 0-1 ordered alike in every patient: marginal HR a number, "
                  "conditional null");
    free(text);
    its__trial_summary_free(&s);
}

/* ---- arms.csv -------------------------------------------------------------- */

/* Splits CSV text (RFC 4180: quoted fields, "" a quote) into records;
 * fields[r] is the number of fields of record r; first[r] the first field
 * unquoted (up to 63 bytes). Returns the number of records or -1. */
static int csv_records(const char *s, int *fields, char first[][64], int max)
{
    int r = 0, f = 0, quoted = 0;
    size_t len = 0;
    for (; *s; s++) {
        if (quoted) {
            if (*s == '"' && s[1] == '"')
                s++;
            else if (*s == '"') {
                quoted = 0;
                continue;
            }
        } else if (*s == '"') {
            quoted = 1;
            continue;
        } else if (*s == ',' || *s == '\n') {
            if (r >= max)
                return -1;
            if (f == 0)
                first[r][len] = '\0';
            f++;
            if (*s == '\n')
                fields[r++] = f, f = 0;
            len = 0;
            continue;
        }
        if (f == 0 && len < 63)
            first[r][len++] = *s;
    }
    return quoted || f ? -1 : r;
}

static void test_csv(const its__trial_summary *s)
{
    char *buf = NULL, msg[256] = "", first[8][64];
    size_t len = 0, a;
    int fields[8], n, ok = 1;
    FILE *fp = open_memstream(&buf, &len);
    its_status st = its__trial_write_arms_csv(fp, arm_ids, s, msg, sizeof msg);
    fclose(fp);
    n = csv_records(buf, fields, first, 8);
    its_test_true(st == ITS_OK && n == 1 + N_ARMS, "arms.csv: header and %d arms (%d records)",
                  N_ARMS, n);
    its_test_true(n > 0 && !strncmp(buf, "arm,n,failures,", 15) && strstr(buf, ",orr,orr_low,orr_high,")
                      && strstr(buf, ",pfs_median_days,pfs_median_days_low,"),
                  "arms.csv header names its columns");
    for (a = 0; n == 1 + N_ARMS && a < N_ARMS; a++)
        ok &= fields[a + 1] == fields[0] && !strcmp(first[a + 1], arm_ids[a]);
    its_test_true(ok && n > 0 && fields[0] > 60, "every row has the header's %d fields and its id",
                  n > 0 ? fields[0] : 0);
    free(buf);
}

/* comparisons.csv: a header and one record per pair, the hostile arm ids
 * quoted and read back, every record with the header's 22 fields. */
static void test_comparisons_csv(const its__trial_summary *s)
{
    char *buf = NULL, msg[256] = "", first[8][64];
    size_t len = 0;
    int fields[8], n, i, ok = 1;
    FILE *fp = open_memstream(&buf, &len);
    its_status st = its__trial_write_comparisons_csv(fp, arm_ids, s, msg, sizeof msg);
    fclose(fp);
    n = csv_records(buf, fields, first, 8);
    its_test_true(st == ITS_OK && n == 1 + (int)s->n_comparisons,
                  "comparisons.csv: header and %zu pairs (%d records)", s->n_comparisons, n);
    for (i = 1; i < n; i++)
        ok &= fields[i] == fields[0] && !strcmp(first[i], arm_ids[s->comparisons[i - 1].a]);
    its_test_true(ok && n > 0 && fields[0] == 22 &&
                      !strncmp(buf, "arm_a,arm_b,stratified,logrank_p_pfs,", 37),
                  "every record has the header's 22 fields and its first arm's id");
    free(buf);
}

/* ---- outcomes.csv ---------------------------------------------------------- */

/* Field f of record r of CSV text (RFC 4180), unquoted, into out; the
 * number of records in *n_rec and of fields of record r in *n_f. */
static void csv_field(const char *s, int r, int f, char *out, size_t outlen, int *n_rec,
                      int *n_f)
{
    int rec = 0, fld = 0, quoted = 0;
    size_t len = 0;
    out[0] = '\0';
    *n_f = 0;
    for (; *s; s++) {
        if (quoted && *s == '"' && s[1] == '"')
            s++;
        else if (*s == '"') {
            quoted = !quoted;
            continue;
        } else if (!quoted && (*s == ',' || *s == '\n')) {
            if (rec == r)
                *n_f = fld + 1;
            fld++;
            if (*s == '\n')
                rec++, fld = 0;
            continue;
        }
        if (rec == r && fld == f && len + 1 < outlen)
            out[len++] = *s, out[len] = '\0';
    }
    *n_rec = rec;
}

static void test_outcomes_csv(void)
{
    static const char *const msgs[] = {"", "solver, \"failed\"\nat t=3; \\ done", "x'y;z"};
    its__outcome rows[N_ARMS * PER_ARM];
    size_t n = make_rows(rows), len = 0;
    char dir[] = "/tmp/its_outcomes_XXXXXX", path[128], msg[256] = "", f[256], *buf = NULL;
    int n_rec = 0, n_f = 0, n_head = 0, ok = 1;
    FILE *fp;
    for (size_t i = 0; i < n; i++) {
        rows[i].message = msgs[i % 3];
        rows[i].status = i % 3 ? ITS_ESOLVER : ITS_OK;
        rows[i].best_change = -100.0 / 3.0 + (double)i;
        rows[i].worst_grade[1] = i % 2 ? -1 : 4;
    }
    if (!mkdtemp(dir))
        return;
    its_status st = its__trial_write_outcomes_csv(dir, arm_ids, N_ARMS, rows, n, msg, sizeof msg);
    snprintf(path, sizeof path, "%s/outcomes.csv", dir);
    fp = fopen(path, "r");
    if (!its_test_true(st == ITS_OK && fp, "outcomes.csv written (%s)", msg)) {
        if (fp)
            fclose(fp);
        return;
    }
    {
        char chunk[4096];
        size_t k;
        FILE *mem = open_memstream(&buf, &len);
        while ((k = fread(chunk, 1, sizeof chunk, fp)) > 0)
            fwrite(chunk, 1, k, mem);
        fclose(mem);
        fclose(fp);
    }
    csv_field(buf, 0, 0, f, sizeof f, &n_rec, &n_head);
    its_test_true(n_rec == (int)n + 1 && !strncmp(buf, "patient,arm,status,message,best_response,"
                                                       "best_change,ttr_days,", 62),
                  "a header and one record per row (%d records)", n_rec);
    for (int r = 1; r <= (int)n && ok; r++) {
        const its__outcome *o = &rows[r - 1];
        char g[256];
        csv_field(buf, r, 1, f, sizeof f, &n_rec, &n_f);
        ok &= n_f == n_head && !strcmp(f, arm_ids[o->arm]);
        csv_field(buf, r, 3, f, sizeof f, &n_rec, &n_f);
        ok &= !strcmp(f, o->message);
        csv_field(buf, r, 2, f, sizeof f, &n_rec, &n_f);
        ok &= !strcmp(f, its_status_name(o->status));
        csv_field(buf, r, 4, f, sizeof f, &n_rec, &n_f);
        ok &= !strcmp(f, its__response_code(o->best));
        csv_field(buf, r, 5, f, sizeof f, &n_rec, &n_f);
        ok &= strtod(f, NULL) == o->best_change;
        csv_field(buf, r, 6, g, sizeof g, &n_rec, &n_f);
        ok &= isnan(o->ttr_days) ? g[0] == '\0' : strtod(g, NULL) == o->ttr_days;
        csv_field(buf, r, 18, f, sizeof f, &n_rec, &n_f);
        ok &= o->worst_grade[1] < 0 ? f[0] == '\0' : atoi(f) == o->worst_grade[1];
        csv_field(buf, r, n_head - 1, f, sizeof f, &n_rec, &n_f);
        ok &= atol(f) == o->doses_given_c1;
        csv_field(buf, r, n_head - 2, f, sizeof f, &n_rec, &n_f);
        ok &= atol(f) == o->doses_planned_c1;
        if (!ok)
            printf("      record %d differs\n", r);
    }
    its_test_true(ok && n_head == 32 + ITS_AE_NTERMS, "every record has the header's %d fields; arm ids, "
                  "hostile messages (comma, quotes, newline, backslash) read back verbatim; "
                  "best_change exact; NaN empty; a term not graded empty; the first cycle's doses "
                  "last", n_head);
    free(buf);
    unlink(path);
    its_test_true(rmdir(dir) == 0, "nothing but outcomes.csv in the directory (no temporary)");
    rows[3].arm = N_ARMS;
    st = its__trial_write_outcomes_csv("/tmp", arm_ids, N_ARMS, rows, n, msg, sizeof msg);
    its_test_true(st == ITS_EINVAL && strstr(msg, "patient 3"), "an arm out of range: EINVAL "
                  "(%s)", msg);
    st = its__trial_write_outcomes_csv("/nonexistent/itsim", arm_ids, N_ARMS, rows, 3, msg,
                                       sizeof msg);
    its_test_true(st == ITS_EIO && strstr(msg, "/nonexistent/itsim/outcomes.csv"),
                  "a directory that does not exist: EIO (%s)", msg);
}

/* ---- numbers and errors ---------------------------------------------------- */

static void test_numbers(void)
{
    static const double x[] = {0.1, 1.0 / 3.0, 5.85, 1e-300, 4.9e-324, DBL_MAX, -2.5e17,
                               0.0, 182.625, 0.95};
    char *buf = NULL;
    size_t len = 0, i;
    int ok = 1;
    FILE *fp = open_memstream(&buf, &len);
    for (i = 0; i < sizeof x / sizeof *x; i++) {
        its__json_num(fp, x[i]);
        fputc(' ', fp);
    }
    its__json_num(fp, NAN);
    fputc(' ', fp);
    its__json_num(fp, INFINITY);
    fclose(fp);
    {
        char *p = buf, *end;
        for (i = 0; i < sizeof x / sizeof *x; i++, p = end)
            ok &= strtod(p, &end) == x[i] && end != p;
        ok &= !strcmp(p, " null null");
    }
    its_test_true(ok, "numbers read back exactly, NaN and inf are null: %s", buf);
    free(buf);
}

static void test_errors(const its__trial_summary *s)
{
    char msg[256] = "";
    FILE *ro = fopen("/dev/null", "r");
    its_status st = its__trial_write_summary_json(NULL, "t", 1, 1, 1, 0, 1.0, arm_ids, s, msg,
                                                  sizeof msg);
    its_test_true(st == ITS_EINVAL && msg[0], "NULL stream: EINVAL '%s'", msg);
    st = its__trial_write_arms_csv(stdout, NULL, s, msg, sizeof msg);
    its_test_true(st == ITS_EINVAL, "NULL ids: EINVAL");
    if (ro) {
        st = its__trial_write_summary_json(ro, "t", 1, 1, 1, 0, 1.0, arm_ids, s, msg, sizeof msg);
        its_test_true(st == ITS_EIO, "a stream that cannot be written: EIO '%s'", msg);
        clearerr(ro);
        st = its__trial_write_arms_csv(ro, arm_ids, s, msg, sizeof msg);
        its_test_true(st == ITS_EIO, "arms.csv on a stream that cannot be written: EIO");
        fclose(ro);
    }
}

/* The parser refuses what is not JSON, so that its acceptance means something. */
static void test_parser(void)
{
    static const char *const bad[] = {"{\"a\": nan}", "{\"a\": \"\x01\"}", "[1,]", "{\"a\" 1}",
                                      "[01]", "[1.]", "{\"a\": \"\\x\"}", "[1] [2]", "-inf"};
    size_t i;
    int ok = 1;
    for (i = 0; i < sizeof bad / sizeof *bad; i++)
        ok &= jparse(bad[i]) < 0;
    its_test_true(ok && jparse("{\"a\": [1, -0.5e3, null, true, \"\\u00e9\"]}") >= 0,
                  "the test's JSON parser refuses %zu invalid documents, accepts a valid one", i);
}

int main(void)
{
    its__outcome rows[N_ARMS * PER_ARM];
    its__trial_summary s;
    char msg[256] = "";
    size_t n = make_rows(rows);
    its_status st = its__trial_summarise(rows, n, N_ARMS, ITS__TRIAL_RANDOMISED, &s, msg,
                                         sizeof msg);
    if (!its_test_true(st == ITS_OK, "summarise (%d '%s')", (int)st, msg))
        return its_test_done();
    test_parser();
    test_json(&s);
    test_json_paired();
    test_csv(&s);
    test_comparisons_csv(&s);
    test_outcomes_csv();
    test_numbers();
    test_errors(&s);
    its__trial_summary_free(&s);
    return its_test_done();
}
