/* SPDX-License-Identifier: GPL-3.0-or-later */
/* itsim: the carrier library. Named delivery systems (hydrogels, scaffolds,
 * mesoporous silica, liposomes, polymeric particles) with their release law,
 * its values, the share reaching tumours or staying local, and sources;
 * scenario items take them with `carrier: NAME` (src/scenario/therapy.c). */
#include "pk/pk.h"

#include <math.h>
#include <string.h>

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* Tumour delivery of systemically given nanoparticles: median 0.7 % of the
 * injected dose over 2005-2015 studies (Wilhelm et al. 2016, Nat Rev Mater
 * 1:16014, abstract). */
#define WILHELM_TF                                                                         \
    {.name = "tumour_fraction", .value = 0.007, .unit = "1", .domain = ITS_DOMAIN_FRACTION,  \
     .description = "share of an IV dose reaching the lesions",                            \
     .source = "Wilhelm et al. 2016, Nat Rev Mater 1:16014, abstract: median delivery "    \
               "efficiency 0.7 % of the injected dose"}

/* Physical gel: IL-2 from 2 % agar, 50, 75 and 100 % released at 4 h, 2 d
 * and 10 d; least squares of burst + first order on these three points. */
static const its_param_def p_hydrogel[] = {
    {.name = "release_time", .value = 2.595, .unit = "d", .domain = ITS_DOMAIN_POSITIVE,
     .description = "1/k of the first-order phase (k = 0.3854 /d)",
     .source = "fit to Vaage & Mayhew 1991, Int J Cancer 47(4), doi:10.1002/ijc.2910470417, "
               "abstract: IL-2 from 2 % agar in vitro, 50/75/100 % at 4 h/2 d/10 d (least "
               "squares of burst + first order)"},
    {.name = "burst", .value = 0.4656, .unit = "1", .domain = ITS_DOMAIN_FRACTION,
     .description = "released at once", .source = "same fit (largest residual 0.011)"},
};

/* ReGel (PLGA-PEG-PLGA thermogel) with IL-2, peritumoral in mice. */
static const its_param_def p_thermogel[] = {
    {.name = "release_time", .value = 69.25, .unit = "h", .domain = ITS_DOMAIN_POSITIVE,
     .description = "1/k: terminal half-life 48 h / ln 2",
     .source = "Samlowski et al. 2006, J Immunother 29:524, abstract: t1/2 beta 48 h after "
               "peritumoral injection in mice (release and local clearance together); in vitro "
               "release over 72-96 h"},
    {.name = "burst", .value = 0.2, .unit = "1", .domain = ITS_DOMAIN_FRACTION,
     .description = "released at once",
     .source = "assumed: the abstract reports an early burst without its size"},
};

/* PLG macroporous scaffold with GM-CSF (Ali et al. 2009). */
static const its_param_def p_scaffold[] = {
    {.name = "release_time", .value = 5.46, .unit = "d", .domain = ITS_DOMAIN_POSITIVE,
     .description = "1/k: about 60 % released by day 5",
     .source = "assumed: about 60 % of the GM-CSF in 5 days and most of the rest over 10 more, "
               "recalled from Ali et al. 2009, Nat Mater 8:151, Fig. 1, whose text was not "
               "reached (to be digitised)"},
};

/* Mesoporous silica rods (Kim et al. 2015): no verified curve; the
 * scaffold's values. */
static const its_param_def p_msr[] = {
    {.name = "release_time", .value = 5.46, .unit = "d", .domain = ITS_DOMAIN_POSITIVE,
     .description = "1/k, as the PLG scaffold",
     .source = "assumed: the scaffold's value; the GM-CSF release curve of Kim et al. 2015, "
               "Nat Biotechnol 33:64, Fig. 2, was not read"},
};

/* Mesoporous silica nanoparticles given IV. */
static const its_param_def p_msn[] = {
    {.name = "release_time", .value = 113.0, .unit = "h", .domain = ITS_DOMAIN_POSITIVE,
     .description = "Higuchi duration (F = sqrt(t/tau)), k_H = 0.094 /sqrt(h)",
     .source = "assumed: Higuchi fit of a protein from albumin microspheres (IL-12, 46 % in "
               "24 h; Drug Dev Ind Pharm 1999, 995-1004), no MSN cytokine curve found"},
    WILHELM_TF,
    {.name = "circulation_time", .value = 12.0, .unit = "h", .domain = ITS_DOMAIN_POSITIVE,
     .description = "time scale of release into blood from circulating particles",
     .source = "assumed: no circulation time of cytokine-loaded MSN found"},
};

/* Liposomes: a depot SC or IT, circulating particles IV. */
static const its_param_def p_liposome[] = {
    {.name = "release_time", .value = 11.0, .unit = "h", .domain = ITS_DOMAIN_POSITIVE,
     .description = "1/k = mean residence time at the injection site",
     .source = "\"Continuous release of interleukin-2 from liposomal IL-2 ... after "
               "subcutaneous administration to mice\", Drug Dev Ind Pharm 2003;29(10):1149, "
               "abstract: site mean residence time 11.0 +- 1.65 h"},
    WILHELM_TF,
    {.name = "circulation_time", .value = 12.0, .unit = "h", .domain = ITS_DOMAIN_POSITIVE,
     .description = "time scale of release into blood from circulating liposomes",
     .source = "assumed: no circulation time of cytokine liposomes found; shorter than the "
               "terminal half-life of PEGylated liposomal doxorubicin in patients (median 45 h, "
               "Gabizon et al. 1994, Cancer Res 54, abstract), a drug that stays encapsulated"},
};

/* Liposomes embedded in agar (Vaage & Mayhew 1991). */
static const its_param_def p_liposome_gel[] = {
    {.name = "release_time", .value = 332.4, .unit = "d", .domain = ITS_DOMAIN_POSITIVE,
     .description = "power-law duration: F = 0.1641 t^0.3112 (t in d) reaches 1 at 332 d",
     .source = "fit to Vaage & Mayhew 1991, Int J Cancer 47(4), doi:10.1002/ijc.2910470417, "
               "abstract: IL-2 from liposomes in agar in vitro, 8/22/33 % at 4 h/2 d/10 d "
               "(least squares of the Korsmeyer-Peppas law)"},
    {.name = "release_shape", .value = 0.3112, .unit = "1", .domain = ITS_DOMAIN_POSITIVE,
     .description = "power-law exponent n", .source = "same fit (largest residual 0.016)"},
};

/* PLGA particles: microsphere depot SC or IT, nanoparticles IV. */
static const its_param_def p_plga[] = {
    {.name = "release_time", .value = 40.0, .unit = "d", .domain = ITS_DOMAIN_POSITIVE,
     .description = "zero-order duration: 2.5 %/d",
     .source = "Hora et al. 1990, Bio/Technology 8:755, abstract: PEG-IL-2 from PLGA "
               "microspheres, 2-3 %/day for 20-30 days after a burst"},
    {.name = "burst", .value = 0.1, .unit = "1", .domain = ITS_DOMAIN_FRACTION,
     .description = "released at once",
     .source = "assumed: Hora et al. report a burst without its size in the abstract"},
    WILHELM_TF,
    {.name = "circulation_time", .value = 12.0, .unit = "h", .domain = ITS_DOMAIN_POSITIVE,
     .description = "time scale of release into blood from circulating particles",
     .source = "assumed: no circulation time of cytokine-loaded PLGA particles found"},
};
static const its_carrier_yield y_plga[] = {
    {.substance = "IL-2", .fraction = 0.4,
     .source = "Sharma et al. 2004, Cancer Biother Radiopharm 19:764, abstract: 40 % of IL-2 "
               "activity recovered after encapsulation (PLA-based microspheres)"},
    {.substance = "GM-CSF", .fraction = 0.6,
     .source = "same: 60 % of GM-CSF activity recovered"},
};

static const its_param_def p_nanoparticle[] = {WILHELM_TF};

static const its_carrier carriers[] = {
    {.name = "hydrogel", .title = "physical hydrogel depot (2 % agar; IL-2)", .routes = "it,sc",
     .measured_with = "IL-2", .has_law = 1, .law = ITS_RELEASE_FIRST_ORDER,
     .n_params = N(p_hydrogel), .params = p_hydrogel,
     .notes = "mouse in-vitro release, three published points; the fit is weakly constrained"},
    {.name = "thermogel", .title = "ReGel thermosensitive PLGA-PEG-PLGA gel (IL-2)",
     .routes = "it,sc", .measured_with = "IL-2", .has_law = 1, .law = ITS_RELEASE_FIRST_ORDER,
     .n_params = N(p_thermogel), .params = p_thermogel,
     .notes = "in vivo in mice: < 1.5 % of the dose in blood or kidney over 48 h (Samlowski "
              "2006); the burst is assumed"},
    {.name = "scaffold", .title = "PLG macroporous scaffold releasing GM-CSF (Ali et al. 2009)",
     .routes = "it,sc", .measured_with = "GM-CSF", .has_law = 1, .law = ITS_RELEASE_FIRST_ORDER,
     .n_params = N(p_scaffold), .params = p_scaffold,
     .action = "placed at a lesion (route it), its GM-CSF enters the lesion and raises the DC "
               "share of incoming monocytes, DC maturation and T-cell survival, and above "
               "EC50_gm_mdsc recruits MDSC (docs/models/tme.md, \"GM-CSF, dendritic cells and "
               "MDSC\"); the CpG and tumour lysate of the vaccine are not modelled",
     .notes = "mouse; release values not verified; no human dose published (the WDVAX trial, "
              "NCT01753089, gives none). Shape check: vaccine-site DC detectable on day 3, "
              "peak on days 5-7, sharp drop by day 12 (Ali, Emerich, Dranoff & Mooney 2009, Sci "
              "Transl Med 1:8ra19, Fig. 2, read in a secondary copy only)"},
    {.name = "mesoporous_silica",
     .title = "mesoporous silica rod scaffold (Kim et al. 2015; GM-CSF)", .routes = "it,sc",
     .measured_with = "GM-CSF", .has_law = 1, .law = ITS_RELEASE_FIRST_ORDER,
     .n_params = N(p_msr), .params = p_msr,
     .action = "as scaffold: GM-CSF into the lesion acts on tme's DC biology",
     .notes = "mouse; release values are the PLG scaffold's, not verified for MSR"},
    {.name = "mesoporous_silica_np", .title = "mesoporous silica nanoparticles given IV",
     .routes = "iv", .measured_with = NULL, .has_law = 1, .law = ITS_RELEASE_HIGUCHI,
     .n_params = N(p_msn), .params = p_msn,
     .notes = "no cytokine release curve from MSN found: the law is borrowed"},
    {.name = "liposome", .title = "liposomes (DSPC/DSPG; IL-2): depot SC or IT, particles IV",
     .routes = "iv,it,sc", .measured_with = "IL-2", .has_law = 1,
     .law = ITS_RELEASE_FIRST_ORDER, .n_params = N(p_liposome), .params = p_liposome,
     .notes = "site residence measured SC in mice; the IV circulation time is assumed"},
    {.name = "liposome_gel", .title = "liposomes in 2 % agar (IL-2; Vaage & Mayhew 1991)",
     .routes = "it,sc", .measured_with = "IL-2", .has_law = 1, .law = ITS_RELEASE_PEPPAS,
     .n_params = N(p_liposome_gel), .params = p_liposome_gel,
     .notes = "in-vitro release, three published points"},
    {.name = "polymeric_nanoparticle",
     .title = "PLGA particles: microsphere depot SC or IT, nanoparticles IV", .routes = "iv,it,sc",
     .measured_with = "IL-2", .has_law = 1, .law = ITS_RELEASE_ZERO_ORDER,
     .n_params = N(p_plga), .params = p_plga, .n_yields = N(y_plga), .yields = y_plga,
     .notes = "release of PEG-IL-2 from microspheres; the burst and the IV circulation time are "
              "assumed. GM-CSF from PLGA/PLA microspheres: steady for about a week without a "
              "significant burst (Pettit et al. 1997, Pharm Res 14:1422, abstract): give "
              "release_time: 7 d, burst: 0 on the item. Emulsion-made IL-2 particles released "
              "only 15-30 % of the load (J Pharm Sci 2004;93:1100, abstract)"},
    {.name = "nanoparticle", .title = "generic systemic nanoparticle (the item's release law)",
     .routes = "iv", .measured_with = NULL, .has_law = 0, .n_params = N(p_nanoparticle),
     .params = p_nanoparticle,
     .notes = "no law of its own: the item's release law acts in the lesions; released into "
              "blood at once unless the item gives circulation_time"},
};

size_t its_carrier_count(void)
{
    return N(carriers);
}

const its_carrier *its_carrier_at(size_t i)
{
    return i < N(carriers) ? &carriers[i] : NULL;
}

const its_carrier *its_carrier_find(const char *name)
{
    size_t i;
    if (name == NULL)
        return NULL;
    for (i = 0; i < N(carriers); i++)
        if (strcmp(carriers[i].name, name) == 0)
            return &carriers[i];
    return NULL;
}

const its_param_def *its_carrier_param(const its_carrier *c, const char *name)
{
    size_t i;
    if (c == NULL || name == NULL)
        return NULL;
    for (i = 0; i < c->n_params; i++)
        if (strcmp(c->params[i].name, name) == 0)
            return &c->params[i];
    return NULL;
}

int its_carrier_allows(const its_carrier *c, const char *route)
{
    const char *p;
    size_t n;
    if (c == NULL || route == NULL || !*route)
        return 0;
    n = strlen(route);
    for (p = c->routes; p && *p; p = strchr(p, ',') ? strchr(p, ',') + 1 : NULL)
        if (strncmp(p, route, n) == 0 && (p[n] == ',' || p[n] == '\0'))
            return 1;
    return 0;
}

double its_carrier_yield_of(const its_carrier *c, const char *substance)
{
    size_t i;
    if (c == NULL)
        return (double)NAN;
    if (substance == NULL)
        return 1.0;
    for (i = 0; i < c->n_yields; i++)
        if (strcmp(c->yields[i].substance, substance) == 0)
            return c->yields[i].fraction;
    return 1.0;
}

its_status its_carrier_release(const its_carrier *c, const char *time_unit, its_release *r)
{
    const its_param_def *tau, *shape, *burst;
    its_status st;
    if (c == NULL || time_unit == NULL || r == NULL)
        return ITS_EINVAL;
    if (!c->has_law)
        return ITS_ENOTFOUND;
    tau = its_carrier_param(c, "release_time");
    shape = its_carrier_param(c, "release_shape");
    burst = its_carrier_param(c, "burst");
    if (tau == NULL)
        return ITS_ENOTFOUND;
    r->law = c->law;
    r->shape = shape ? shape->value : 1.0;
    r->burst = burst ? burst->value : 0.0;
    st = its_unit_convert(tau->value, tau->unit, time_unit, &r->tau, NULL, 0);
    return st == ITS_OK ? ITS_OK : ITS_EUNIT;
}
