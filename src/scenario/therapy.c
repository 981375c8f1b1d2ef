/* SPDX-License-Identifier: GPL-3.0-or-later */
/* itsim: the therapy of a scenario. Each item is checked and converted to
 * model units (an agent's clinical dose through its label and the
 * patient, weekday calendars, cycles, nanoparticle carriers, release
 * laws), then expanded into administrations inside the horizon. */
#define ITS__SCENARIO_LAYER
#include "scenario/scenario.h"

#include <math.h>
#include <string.h>
#include <strings.h>

/* Record the warning msg at v (key) on the scenario, once. */
static void warn_at(its_scenario *sc, const sval *v, const char *key, const char *msg)
{
    char line[ITS__ERRLEN], saved[ITS__ERRLEN];
    size_t used = strlen(sc->warn);
    memcpy(saved, sc->err, sizeof saved); /* its__sc_fail() formats the position */
    (void)its__sc_fail(sc, ITS_OK, v, key, "warning: %s", msg);
    its__fmt(line, sizeof line, "%s\n", sc->err);
    memcpy(sc->err, saved, sizeof saved);
    if (!strstr(sc->warn, line))
        its__fmt(sc->warn + used, sizeof sc->warn - used, "%s", line);
}

static void warn_label_dose(its_scenario *sc, const its_agent *a, const sval *v,
                            const char *key, const its_patient *pt)
{
    char msg[512];
    double ratio;
    if (its_dose_label_check(a, v->text, pt, &ratio, msg, sizeof msg) != ITS_OK || !msg[0])
        return;
    warn_at(sc, v, key, msg);
}

/* An item naming an agent: pick the model input of its route and convert
 * the clinical dose ("600000 IU/kg", "20 MIU/m2", "200 mg") to that input's
 * unit. A dose with a duration becomes an infusion of dose/duration. */
static its_status resolve_agent(its_scenario *sc, const its_model_def *m, size_t i,
                                its__therapy *th)
{
    const sitem *it = &sc->therapy[i];
    const its_agent *a;
    const char *route = it->f[T_ROUTE].text ? it->f[T_ROUTE].text : "iv";
    char key[96], msg[256];
    its_patient pt;
    its_status st;
    int idx;

    its__fmt(key, sizeof key, "therapy[%zu].agent", i);
    a = its_agent_find(it->f[T_AGENT].text);
    if (a == NULL)
        return its__sc_fail(sc, ITS_ENOTFOUND, &it->f[T_AGENT], key,
                    "unknown agent '%s' (see `itsim agents`)", it->f[T_AGENT].text);
    if (it->f[T_INPUT].text) {
        its__fmt(key, sizeof key, "therapy[%zu].input", i);
        return its__sc_fail(sc, ITS_EPARSE, &it->f[T_INPUT], key,
                    "give either 'agent' (with 'route') or 'input', not both");
    }
    if (strcmp(route, "iv") != 0 && strcmp(route, "sc") != 0 && strcmp(route, "it") != 0) {
        its__fmt(key, sizeof key, "therapy[%zu].route", i);
        return its__sc_fail(sc, ITS_EPARSE, &it->f[T_ROUTE], key,
                    "unknown route '%s' (iv, sc, it)", route);
    }
    if (strcmp(route, "it") == 0 && !it->f[T_LESION].text) {
        /* intratumoral: into the injection site of the named lesion */
        its__fmt(key, sizeof key, "therapy[%zu].route", i);
        return its__sc_fail(sc, ITS_EPARSE, &it->f[T_ROUTE], key,
                    "an intratumoral dose needs 'lesion: N'");
    }
    /* The model's binding for the agent names the input of the route. */
    idx = its_model_agent_input(m, its_model_agent_binding(m, a->name, a->substance), route,
                                it->f[T_LESION].text);
    if (idx < 0)
        return its__sc_fail(sc, ITS_ENOTFOUND, it->f[T_ROUTE].text ? &it->f[T_ROUTE] : &it->f[T_AGENT],
                    key, "model %s has no input for %s by route %s%s%s", m->name, a->name,
                    route, it->f[T_LESION].text ? " into lesion " : "",
                    it->f[T_LESION].text ? it->f[T_LESION].text : "");
    th->input = idx;
    if (!it->f[T_DOSE].text) {
        its__fmt(key, sizeof key, "therapy[%zu]", i);
        return its__sc_fail(sc, ITS_EPARSE, &it->at, key,
                    "an agent needs 'dose' in clinical units (e.g. 600000 IU/kg)");
    }
    st = its__sc_patient(sc, &pt);
    if (st != ITS_OK)
        return st;
    its__fmt(key, sizeof key, "therapy[%zu].dose", i);
    st = its_dose_amount(a, it->f[T_DOSE].text, &pt, m->inputs[idx].unit, &th->dose,
                         msg, sizeof msg);
    if (st != ITS_OK)
        return its__sc_fail(sc, st, &it->f[T_DOSE], key, "%s", msg);
    th->has_dose = 1;
    warn_label_dose(sc, a, &it->f[T_DOSE], key, &pt);
    return ITS_OK;
}

/* days: "Mon,Wed,Fri" (or "1,3,5"; week 1 starts at `start`, a Monday),
 * weeks: N; cycle: TIME, cycles: N (the whole schedule repeats). */
static its_status resolve_calendar(its_scenario *sc, const its_model_def *m, size_t i,
                                   its__therapy *th)
{
    static const char *const names[7] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
    const sitem *it = &sc->therapy[i];
    char key[96];
    its_status st;

    st = its_unit_convert(1.0, "d", m->time_unit, &th->day, NULL, 0);
    if (st != ITS_OK)
        th->day = 0.0;
    if (it->f[T_DAYS].text) {
        const char *c = it->f[T_DAYS].text;
        its__fmt(key, sizeof key, "therapy[%zu].days", i);
        if (th->day <= 0.0)
            return its__sc_fail(sc, ITS_EUNIT, &it->f[T_DAYS], key,
                        "weekday schedules need a model time unit convertible to days");
        if (it->f[T_EVERY].text)
            return its__sc_fail(sc, ITS_EPARSE, &it->f[T_DAYS], key, "give either 'days' or 'every'");
        while (*c != '\0') {
            int d = -1, j;
            while (*c == ' ' || *c == ',')
                c++;
            if (*c == '\0')
                break;
            if (*c >= '1' && *c <= '7' && (c[1] == ',' || c[1] == ' ' || c[1] == '\0')) {
                d = *c - '1';
                c++;
            } else {
                for (j = 0; j < 7 && d < 0; j++)
                    if (strncasecmp(c, names[j], 3) == 0)
                        d = j;
                while (*c != '\0' && *c != ',' && *c != ' ')
                    c++;
            }
            if (d < 0 || th->n_days >= 7 || (th->n_days > 0 && d <= th->days[th->n_days - 1]))
                return its__sc_fail(sc, ITS_EPARSE, &it->f[T_DAYS], key,
                            "expected increasing weekdays such as 'Mon,Wed,Fri' or '1,3,5', got '%s'",
                            it->f[T_DAYS].text);
            th->days[th->n_days++] = d;
        }
        if (th->n_days == 0)
            return its__sc_fail(sc, ITS_EPARSE, &it->f[T_DAYS], key, "no weekday given");
        if (it->f[T_WEEKS].text) {
            its__fmt(key, sizeof key, "therapy[%zu].weeks", i);
            st = its__sc_whole_number(sc, &it->f[T_WEEKS], key, MAX_DOSES, &th->weeks);
            if (st != ITS_OK)
                return st;
        }
    } else if (it->f[T_WEEKS].text) {
        its__fmt(key, sizeof key, "therapy[%zu].weeks", i);
        return its__sc_fail(sc, ITS_EPARSE, &it->f[T_WEEKS], key, "'weeks' needs 'days'");
    }
    if (it->f[T_CYCLE].text || it->f[T_CYCLES].text) {
        its__fmt(key, sizeof key, "therapy[%zu].cycle", i);
        if (!it->f[T_CYCLE].text || !it->f[T_CYCLES].text)
            return its__sc_fail(sc, ITS_EPARSE, it->f[T_CYCLE].text ? &it->f[T_CYCLE] : &it->f[T_CYCLES],
                        key, "a repeated cycle needs both 'cycle' (its length) and 'cycles' (how many)");
        st = its__sc_quantity(sc, &it->f[T_CYCLE], key, m->time_unit, &th->cycle);
        if (st != ITS_OK)
            return st;
        if (!(th->cycle > 0.0))
            return its__sc_fail(sc, ITS_ERANGE, &it->f[T_CYCLE], key, "the cycle length must be positive");
        its__fmt(key, sizeof key, "therapy[%zu].cycles", i);
        st = its__sc_whole_number(sc, &it->f[T_CYCLES], key, MAX_DOSES, &th->cycles);
        if (st != ITS_OK)
            return st;
        th->has_cycle = 1;
    }
    return ITS_OK;
}

/* The lesions' intratumoral inputs of a dose given IV in carrier c, and
 * the share reaching them (tumour_fraction) and the time scale of release
 * into blood (circulation_time): the item's, else the carrier's. */
static its_status carrier_systemic(its_scenario *sc, const its_model_def *m, size_t i,
                                   const its_carrier *c, its__therapy *th)
{
    const sitem *it = &sc->therapy[i];
    const its_param_def *pd;
    char key[96], name[96];
    its_status st;
    int k;

    its__fmt(key, sizeof key, "therapy[%zu].carrier", i);
    for (k = 1; k <= 8; k++) {
        int idx;
        its__fmt(name, sizeof name, "%s_it_%d", m->inputs[th->input].name, k);
        idx = its_model_input_index(m, name);
        if (idx < 0)
            break;
        th->it_input[th->n_it++] = idx;
    }
    if (th->n_it == 0)
        return its__sc_fail(sc, ITS_ENOTFOUND, &it->f[T_CARRIER], key,
                    "model %s has no intratumoral inputs for %s", m->name,
                    m->inputs[th->input].name);
    pd = its_carrier_param(c, "tumour_fraction");
    th->tumour_fraction = pd ? pd->value : 0.0;
    if (it->f[T_TUMOUR_FRACTION].text) {
        its__fmt(key, sizeof key, "therapy[%zu].tumour_fraction", i);
        st = its__sc_quantity(sc, &it->f[T_TUMOUR_FRACTION], key, "1", &th->tumour_fraction);
        if (st != ITS_OK)
            return st;
        if (!(th->tumour_fraction >= 0.0 && th->tumour_fraction <= 1.0))
            return its__sc_fail(sc, ITS_ERANGE, &it->f[T_TUMOUR_FRACTION], key, "a fraction from 0 to 1");
    }
    pd = its_carrier_param(c, "circulation_time");
    th->circulation_time = 0.0;
    if (pd && its_unit_convert(pd->value, pd->unit, m->time_unit, &th->circulation_time, NULL,
                               0) != ITS_OK)
        return its__sc_fail(sc, ITS_EUNIT, &it->f[T_CARRIER], key,
                    "carrier %s: circulation time not convertible to %s", c->name, m->time_unit);
    if (it->f[T_CIRCULATION_TIME].text) {
        its__fmt(key, sizeof key, "therapy[%zu].circulation_time", i);
        st = its__sc_quantity(sc, &it->f[T_CIRCULATION_TIME], key, m->time_unit, &th->circulation_time);
        if (st != ITS_OK)
            return st;
        if (!(th->circulation_time > 0.0))
            return its__sc_fail(sc, ITS_ERANGE, &it->f[T_CIRCULATION_TIME], key, "must be positive");
    }
    th->has_carrier = 1;
    return ITS_OK;
}

/* The carrier list for messages: "hydrogel, thermogel, ...". */
static void carrier_names(char *buf, size_t len)
{
    size_t k, used = 0;
    buf[0] = '\0';
    for (k = 0; k < its_carrier_count() && used < len; k++) {
        its__fmt(buf + used, len - used, "%s%s", k ? ", " : "", its_carrier_at(k)->name);
        used += strlen(buf + used);
    }
}

/* carrier: NAME (src/pk/carriers.c; `itsim carriers`). Its release law
 * becomes the item's (the item's release keys win, in resolve_release),
 * its yield for the agent's substance scales the dose; given IV it splits
 * each dose between blood and the lesions (carrier_systemic), given SC or
 * IT it is a depot at the route's site. */
static its_status resolve_carrier(its_scenario *sc, const its_model_def *m, size_t i,
                                  its__therapy *th)
{
    const sitem *it = &sc->therapy[i];
    const char *route = it->f[T_ROUTE].text ? it->f[T_ROUTE].text : "iv";
    const its_agent *a = it->f[T_AGENT].text ? its_agent_find(it->f[T_AGENT].text) : NULL;
    const its_carrier *c;
    char key[96], names[256];

    its__fmt(key, sizeof key, "therapy[%zu].carrier", i);
    if (!it->f[T_CARRIER].text) {
        if (it->f[T_TUMOUR_FRACTION].text || it->f[T_CIRCULATION_TIME].text)
            return its__sc_fail(sc, ITS_EPARSE, &it->at, key,
                        "tumour_fraction and circulation_time need a carrier given IV "
                        "('carrier: nanoparticle', `itsim carriers`)");
        return ITS_OK;
    }
    c = its_carrier_find(it->f[T_CARRIER].text);
    if (c == NULL) {
        carrier_names(names, sizeof names);
        return its__sc_fail(sc, ITS_ENOTFOUND, &it->f[T_CARRIER], key,
                    "unknown carrier '%s' (%s; `itsim carriers`)", it->f[T_CARRIER].text, names);
    }
    if (!th->has_dose)
        return its__sc_fail(sc, ITS_EPARSE, &it->f[T_CARRIER], key, "a carrier takes a 'dose'");
    if (a == NULL && c->has_law)
        return its__sc_fail(sc, ITS_EPARSE, &it->f[T_CARRIER], key,
                    "carrier %s needs 'agent' (its route says where it goes; with 'input' only "
                    "the generic 'nanoparticle')", c->name);
    if (!its_carrier_allows(c, route))
        return its__sc_fail(sc, ITS_EPARSE, it->f[T_ROUTE].text ? &it->f[T_ROUTE] : &it->f[T_CARRIER],
                    key, "carrier %s is not given by route %s (its routes: %s)", c->name, route,
                    c->routes);
    if (strcmp(route, "iv") != 0 && (it->f[T_TUMOUR_FRACTION].text || it->f[T_CIRCULATION_TIME].text))
        return its__sc_fail(sc, ITS_EPARSE, it->f[T_TUMOUR_FRACTION].text ? &it->f[T_TUMOUR_FRACTION]
                                                                           : &it->f[T_CIRCULATION_TIME],
                    key, "tumour_fraction and circulation_time apply to a carrier given IV, "
                    "not to a depot (route %s)", route);
    th->carrier = c;
    th->carrier_yield = its_carrier_yield_of(c, a ? a->substance : NULL);
    th->dose *= th->carrier_yield;
    if (c->has_law && its_carrier_release(c, m->time_unit, &th->release) == ITS_OK)
        th->has_release = 1;
    if (a && c->measured_with && strcmp(c->measured_with, a->substance) != 0) {
        char msg[256];
        its__fmt(msg, sizeof msg, "carrier %s was characterised with %s; its release of %s is "
                 "assumed the same", c->name, c->measured_with, a->substance);
        warn_at(sc, &it->f[T_CARRIER], key, msg);
    }
    return strcmp(route, "iv") == 0 ? carrier_systemic(sc, m, i, c, th) : ITS_OK;
}

/* release: LAW, release_time: TIME, release_shape: N, burst: FRACTION. A
 * law given replaces a carrier's; without one, release_time, release_shape
 * and burst change the carrier's law. */
static its_status resolve_release(its_scenario *sc, const its_model_def *m, size_t i,
                                  its__therapy *th)
{
    const sitem *it = &sc->therapy[i];
    char key[96];
    size_t k;
    its_status st;

    its__fmt(key, sizeof key, "therapy[%zu].release", i);
    if (!it->f[T_RELEASE].text && !th->has_release)
        return its__sc_fail(sc, ITS_EPARSE, &it->at, key,
                    "release_time, release_shape and burst need 'release' (a law) or a "
                    "carrier with one");
    if (!th->has_dose)
        return its__sc_fail(sc, ITS_EPARSE, &it->f[T_RELEASE], key,
                    "a delivery system releases a 'dose' (not an infusion)");
    if (it->f[T_RELEASE].text) {
        for (k = 0; k < sizeof release_names / sizeof release_names[0]; k++)
            if (strcmp(it->f[T_RELEASE].text, release_names[k]) == 0)
                break;
        if (k == sizeof release_names / sizeof release_names[0])
            return its__sc_fail(sc, ITS_EPARSE, &it->f[T_RELEASE], key,
                        "unknown release law '%s' (zero_order, first_order, higuchi, "
                        "peppas, weibull)", it->f[T_RELEASE].text);
        th->release.law = (its_release_law)k;
        th->release.shape = 1.0;
        th->release.burst = 0.0;
        if (!it->f[T_RELEASE_TIME].text)
            return its__sc_fail(sc, ITS_EPARSE, &it->f[T_RELEASE], key,
                        "a release law needs 'release_time' (duration, 1/k or Td)");
    }
    if (it->f[T_RELEASE_TIME].text) {
        its__fmt(key, sizeof key, "therapy[%zu].release_time", i);
        st = its__sc_quantity(sc, &it->f[T_RELEASE_TIME], key, m->time_unit, &th->release.tau);
        if (st != ITS_OK)
            return st;
    }
    if (it->f[T_RELEASE_SHAPE].text) {
        its__fmt(key, sizeof key, "therapy[%zu].release_shape", i);
        st = its__sc_quantity(sc, &it->f[T_RELEASE_SHAPE], key, "1", &th->release.shape);
        if (st != ITS_OK)
            return st;
    }
    if (it->f[T_BURST].text) {
        its__fmt(key, sizeof key, "therapy[%zu].burst", i);
        st = its__sc_quantity(sc, &it->f[T_BURST], key, "1", &th->release.burst);
        if (st != ITS_OK)
            return st;
    }
    if (isnan(its_release_fraction(&th->release, 0.0))) {
        its__fmt(key, sizeof key, "therapy[%zu].release", i);
        return its__sc_fail(sc, ITS_ERANGE, it->f[T_RELEASE].text ? &it->f[T_RELEASE] : &it->at,
                    key, "invalid release: burst in [0, 1], release_time > 0, release_shape > 0");
    }
    th->has_release = 1;
    return ITS_OK;
}

/* What item i gives (an input with a dose or a rate) in model units. */
static its_status resolve_input(its_scenario *sc, const its_model_def *m, size_t i,
                                its__therapy *th)
{
    const sitem *it = &sc->therapy[i];
    char key[64], k2[96], runit[256];
    const its_input_def *in;
    its_status st;
    int idx;

    its__fmt(key, sizeof key, "therapy[%zu]", i);
    if (it->f[T_ROUTE].text) {
        its__fmt(k2, sizeof k2, "%s.route", key);
        return its__sc_fail(sc, ITS_EPARSE, &it->f[T_ROUTE], k2, "'route' needs 'agent'");
    }
    if (!it->f[T_INPUT].text)
        return its__sc_fail(sc, ITS_EPARSE, &it->at, key,
                    "missing key 'input' (the drug or cell product given) or 'agent'");
    its__fmt(k2, sizeof k2, "%s.input", key);
    idx = its_model_input_index(m, it->f[T_INPUT].text);
    if (idx < 0) {
        its__sc_name_list(runit, sizeof runit, m, 2);
        return its__sc_fail(sc, ITS_ENOTFOUND, &it->f[T_INPUT], k2,
                    "unknown input '%s' of model %s (inputs: %s)",
                    it->f[T_INPUT].text, m->name, runit);
    }
    th->input = idx;
    in = &m->inputs[idx];

    if (!it->f[T_DOSE].text && !it->f[T_RATE].text)
        return its__sc_fail(sc, ITS_EPARSE, &it->at, key,
                    "needs either 'dose' (a bolus amount in %s) or 'rate' "
                    "(an infusion rate in (%s)/%s)", in->unit, in->unit,
                    m->time_unit);
    if (it->f[T_DOSE].text && it->f[T_RATE].text) {
        its__fmt(k2, sizeof k2, "%s.rate", key);
        return its__sc_fail(sc, ITS_EPARSE, &it->f[T_RATE], k2,
                    "give either 'dose' or 'rate', not both");
    }
    if (it->f[T_DOSE].text) {
        th->has_dose = 1;
        its__fmt(k2, sizeof k2, "%s.dose", key);
        st = its__sc_quantity(sc, &it->f[T_DOSE], k2, in->unit, &th->dose);
        if (st != ITS_OK)
            return st;
        if (th->dose < 0.0)
            return its__sc_fail(sc, ITS_ERANGE, &it->f[T_DOSE], k2,
                        "a dose cannot be negative, got '%s'",
                        it->f[T_DOSE].text);
    } else {
        its__fmt(runit, sizeof runit, "(%s)/%s", in->unit, m->time_unit);
        its__fmt(k2, sizeof k2, "%s.rate", key);
        st = its__sc_quantity(sc, &it->f[T_RATE], k2, runit, &th->rate);
        if (st != ITS_OK)
            return st;
        if (th->rate < 0.0)
            return its__sc_fail(sc, ITS_ERANGE, &it->f[T_RATE], k2,
                        "an infusion rate cannot be negative, got '%s'",
                        it->f[T_RATE].text);
    }
    return ITS_OK;
}

/* When item i is given: start, every, until, count, duration. */
static its_status resolve_schedule(its_scenario *sc, const its_model_def *m, size_t i,
                                   double t0, its__therapy *th)
{
    const sitem *it = &sc->therapy[i];
    char key[64], k2[96];
    its_status st;

    its__fmt(key, sizeof key, "therapy[%zu]", i);
    th->start = t0;
    if (it->f[T_START].text) {
        its__fmt(k2, sizeof k2, "%s.start", key);
        st = its__sc_quantity(sc, &it->f[T_START], k2, m->time_unit, &th->start);
        if (st != ITS_OK)
            return st;
    }
    if (it->f[T_EVERY].text) {
        th->has_every = 1;
        its__fmt(k2, sizeof k2, "%s.every", key);
        st = its__sc_quantity(sc, &it->f[T_EVERY], k2, m->time_unit, &th->every);
        if (st != ITS_OK)
            return st;
        if (!(th->every > 0.0))
            return its__sc_fail(sc, ITS_ERANGE, &it->f[T_EVERY], k2,
                        "the interval must be positive, got '%s'",
                        it->f[T_EVERY].text);
        if (!it->f[T_UNTIL].text && !it->f[T_COUNT].text && !it->f[T_CYCLE].text)
            return its__sc_fail(sc, ITS_EPARSE, &it->f[T_EVERY], k2,
                        "a repeated dose needs 'until' (time of the last "
                        "administration) or 'count'");
    }
    if (it->f[T_UNTIL].text) {
        th->has_until = 1;
        its__fmt(k2, sizeof k2, "%s.until", key);
        st = its__sc_quantity(sc, &it->f[T_UNTIL], k2, m->time_unit, &th->until);
        if (st != ITS_OK)
            return st;
        if (!th->has_every && (th->has_dose || it->f[T_DURATION].text))
            return its__sc_fail(sc, ITS_EPARSE, &it->f[T_UNTIL], k2,
                        "'until' needs 'every' (or a constant 'rate' "
                        "without 'duration')");
        if (th->until < th->start - its__time_tol(th->until, th->start) ||
            (!th->has_every && !(th->until > th->start)))
            return its__sc_fail(sc, ITS_ERANGE, &it->f[T_UNTIL], k2,
                        "'%s' is not after the start of the dosing",
                        it->f[T_UNTIL].text);
    }
    if (it->f[T_COUNT].text) {
        th->has_count = 1;
        its__fmt(k2, sizeof k2, "%s.count", key);
        st = its__sc_whole_number(sc, &it->f[T_COUNT], k2, MAX_DOSES, &th->count);
        if (st != ITS_OK)
            return st;
        if (!th->has_every)
            return its__sc_fail(sc, ITS_EPARSE, &it->f[T_COUNT], k2,
                        "'count' needs 'every' (the interval)");
    }
    if (it->f[T_DURATION].text) {
        th->has_duration = 1;
        its__fmt(k2, sizeof k2, "%s.duration", key);
        if (th->has_dose && !it->f[T_AGENT].text)
            return its__sc_fail(sc, ITS_EPARSE, &it->f[T_DURATION], k2,
                        "'duration' is only valid with 'rate' (an infusion) "
                        "or with an agent's dose");
        st = its__sc_quantity(sc, &it->f[T_DURATION], k2, m->time_unit, &th->duration);
        if (st != ITS_OK)
            return st;
        if (!(th->duration > 0.0))
            return its__sc_fail(sc, ITS_ERANGE, &it->f[T_DURATION], k2,
                        "the duration must be positive, got '%s'",
                        it->f[T_DURATION].text);
        if (th->has_dose) { /* an agent's dose infused over the duration */
            th->has_dose = 0;
            th->rate = th->dose / th->duration;
            th->dose = 0.0;
        }
    }
    return ITS_OK;
}

its_status its__sc_therapy(its_scenario *sc, const its_model_def *m, size_t i, double t0,
                           its__therapy *th)
{
    const sitem *it = &sc->therapy[i];
    char k2[96];
    its_status st;

    memset(th, 0, sizeof *th);
    st = it->f[T_AGENT].text ? resolve_agent(sc, m, i, th) : resolve_input(sc, m, i, th);
    if (st == ITS_OK)
        st = resolve_schedule(sc, m, i, t0, th);
    if (st != ITS_OK)
        return st;
    st = resolve_calendar(sc, m, i, th);
    if (st != ITS_OK)
        return st;
    st = resolve_carrier(sc, m, i, th);
    if (st != ITS_OK)
        return st;
    if (it->f[T_RELEASE].text || it->f[T_RELEASE_TIME].text || it->f[T_RELEASE_SHAPE].text ||
        it->f[T_BURST].text) {
        st = resolve_release(sc, m, i, th);
        if (st != ITS_OK)
            return st;
    }
    if (!th->has_dose && th->has_every && !th->has_duration) {
        its__fmt(k2, sizeof k2, "therapy[%zu].rate", i);
        return its__sc_fail(sc, ITS_EPARSE, &it->f[T_RATE], k2,
                    "a repeated infusion needs a 'duration'");
    }
    return ITS_OK;
}

static its_status add_dose(its_scenario *sc, its__plan *plan, size_t *cap,
                           const its__dose *d)
{
    if (plan->n_doses == *cap) {
        size_t ncap = *cap ? 2 * *cap : 16;
        its__dose *p = its__realloc(plan->doses, ncap * sizeof *p);
        if (!p)
            return its__sc_nomem(sc);
        plan->doses = p;
        *cap = ncap;
    }
    plan->doses[plan->n_doses++] = *d;
    return ITS_OK;
}

/* A first administration outside the horizon is an error naming the item,
 * unless a command-line start or end moved the horizon. */
static its_status check_start(its_scenario *sc, const its__plan *plan, size_t i,
                              const char *key)
{
    const its__therapy *th = &plan->therapy[i];
    const sitem *it = &sc->therapy[i];
    const double tol = its__time_tol(plan->t0, plan->t1);
    const int before = th->start < plan->t0 - tol;
    sval cli;
    const sval *cand[2];
    const char *keys[2];
    size_t b;

    if (!before && !(th->start > plan->t1 + tol))
        return ITS_OK;
    cand[0] = it->f[T_START].text ? &it->f[T_START] : &it->at;
    cand[1] = before ? &sc->sim[S_START] : its__sc_horizon(sc, &cli);
    keys[0] = key;
    keys[1] = before ? "simulate.start" : "simulate.until";
    b = its__sc_blame(cand, 2) == 1 ? 1 : 0;
    return its__sc_fail(sc, ITS_ERANGE, cand[b], keys[b],
                        "administration at %g %s%s%s is %s the %s of the simulation (%g %s)",
                        th->start, plan->model->time_unit, b ? " by " : "", b ? key : "",
                        before ? "before" : "after", before ? "start" : "end",
                        before ? plan->t0 : plan->t1, plan->model->time_unit);
}

/* Time of the k-th administration of a series (within one cycle) in *t;
 * 0 when the series has ended before it. */
static int series_time(const its__therapy *th, long k, double *t)
{
    if (th->n_days > 0) { /* weekday schedule */
        long w = k / th->n_days;
        if (th->weeks > 0 && w >= th->weeks)
            return 0;
        *t = th->start + ((double)(7 * w) + th->days[k % th->n_days]) * th->day;
    } else {
        *t = th->start + (double)k * (th->has_every ? th->every : 0.0);
        if (k > 0 && !th->has_every)
            return 0;
    }
    if (th->has_count && k >= th->count)
        return 0;
    if (th->has_until &&
        *t > th->until + its__time_tol(th->until, th->has_every ? th->every : th->day))
        return 0;
    /* A cycle holds the administrations that fall inside it. */
    if (th->has_cycle && *t - th->start >= th->cycle - its__time_tol(th->cycle, th->cycle))
        return 0;
    return 1;
}

/* A nanoparticle dose d: the systemic share, released from circulating
 * particles, and the lesions' shares (share[j] / wsum of the rest). */
static its_status add_carrier(its_scenario *sc, its__plan *plan, size_t *cap,
                              const its__therapy *th, const its__dose *d,
                              const double *share, double wsum)
{
    its__dose sys = *d, les = *d;
    its_status st;
    int j;
    sys.amount = th->dose * (1.0 - th->tumour_fraction);
    sys.has_release = th->circulation_time > 0.0;
    sys.release.law = ITS_RELEASE_FIRST_ORDER;
    sys.release.burst = 0.0;
    sys.release.tau = th->circulation_time;
    sys.release.shape = 1.0;
    st = add_dose(sc, plan, cap, &sys);
    for (j = 0; j < th->n_it && st == ITS_OK; j++) {
        les.input = th->it_input[j];
        les.amount = wsum > 0.0 ? th->dose * th->tumour_fraction * share[j] / wsum : 0.0;
        st = add_dose(sc, plan, cap, &les);
    }
    return st;
}

/* Expand item i into administrations inside [t0, t1]. A first
 * administration outside the horizon is an error; later ones of a series
 * that fall after the end are dropped (so --until can shorten a run). */
its_status its__sc_expand(its_scenario *sc, its__plan *plan, size_t i, size_t *cap)
{
    const its__therapy *th = &plan->therapy[i];
    const sitem *it = &sc->therapy[i];
    const its_model_def *m = plan->model;
    const double tol = its__time_tol(plan->t0, plan->t1);
    char key[64];
    its__dose d;
    long k, c;
    double share[8], wsum = 0.0;
    its_status st;

    its__fmt(key, sizeof key, it->f[T_START].text ? "therapy[%zu].start" :
                                                    "therapy[%zu]", i);
    if ((st = check_start(sc, plan, i, key)) != ITS_OK)
        return st;
    memset(&d, 0, sizeof d);
    d.input = th->input;
    d.infusion = !th->has_dose;
    d.amount = th->dose;
    d.rate = th->rate;
    d.has_release = th->has_release;
    d.release = th->release;
    d.item = i;
    if (!th->has_dose) {
        if (th->has_duration)
            d.duration = th->duration;
        else if (th->has_until)
            d.duration = th->until - th->start;
        else
            d.duration = INFINITY;
    }
    if (th->has_carrier) {
        /* lesion shares of a nanoparticle dose: by initial lesion size */
        int j;
        for (j = 0; j < th->n_it; j++) {
            char cn[16];
            int ci;
            its__fmt(cn, sizeof cn, "C_%d", j + 1);
            ci = its_model_state_index(m, cn);
            share[j] = ci >= 0 ? fmax(plan->initial[ci], 0.0) : 1.0;
            wsum += share[j];
        }
    }
    for (c = 0; c < (th->has_cycle ? th->cycles : 1); c++) {
        const double offset = th->has_cycle ? (double)c * th->cycle : 0.0;
        double t;
        for (k = 0; series_time(th, k, &t); k++) {
            t += offset;
            if (t > plan->t1 + tol)
                break;
            if (plan->n_doses >= (size_t)MAX_DOSES)
                return its__sc_fail(sc, ITS_ERANGE, &it->at, key,
                            "more than %ld administrations", MAX_DOSES);
            /* within the tolerance of the horizon: exactly on it */
            d.t = fmin(fmax(t, plan->t0), plan->t1);
            st = th->has_carrier ? add_carrier(sc, plan, cap, th, &d, share, wsum)
                                 : add_dose(sc, plan, cap, &d);
            if (st != ITS_OK)
                return st;
        }
    }
    return ITS_OK;
}
