/* SPDX-License-Identifier: GPL-3.0-or-later */
/* itsim: named clinical regimens, each a complete tme scenario for the
 * default patient (70 kg, 175 cm), runnable with `itsim run --regimen NAME`. */
#include "pk/pk.h"

#include <string.h>

#define PATIENT "patient: {weight: 70 kg, height: 175 cm, bsa: mosteller}\n"
#define YEAR "simulate: {until: 365 d, output_every: 1 d}\n"

static const its_regimen regimens[] = {
    {"hd_il2", "high-dose IL-2: 600,000 IU/kg IV q8h, up to 14 doses (held while SBP < 90 mmHg); second cycle after 9 days of rest",
     "Proleukin (aldesleukin) US label; Atkins et al. 1999, J Clin Oncol 17:2105; Fyfe et al. 1995, J Clin Oncol 13:688",
     "# High-dose IL-2 (aldesleukin), two cycles.\n"
     "model: tme\n"
     "description: HD IL-2, 600000 IU/kg IV q8h x 14, second cycle after 9 days of rest\n" PATIENT
     "therapy:\n"
     "  - {agent: aldesleukin, route: iv, dose: 600000 IU/kg, duration: 15 min, every: 8 h, count: 14, cycle: 13.6667 d, cycles: 2}\n"
     "rules:\n"
     "  # label: withhold a dose while systolic pressure is below 90 mmHg\n"
     "  - {hold_if: SBP < 90 mmHg, applies_to: il2}\n"
     YEAR},
    {"hd_ifn", "high-dose IFN-a2b: 20 MIU/m2 IV 5 days a week for 4 weeks, then 10 MIU/m2 SC three times a week",
     "Intron A (interferon alfa-2b) US label; Kirkwood et al. 1996, J Clin Oncol 14:7 (E1684)",
     "# High-dose interferon alfa-2b: induction then maintenance (48 weeks).\n"
     "model: tme\n"
     "description: HD IFN-a2b, 20 MIU/m2 IV 5 d/week x 4 weeks, then 10 MIU/m2 SC TIW\n" PATIENT
     "therapy:\n"
     "  - {agent: interferon_alfa_2b, route: iv, dose: 20 MIU/m2, duration: 20 min, days: \"Mon,Tue,Wed,Thu,Fri\", weeks: 4}\n"
     "  - {agent: interferon_alfa_2b, route: sc, dose: 10 MIU/m2, start: 28 d, days: \"Mon,Wed,Fri\", weeks: 48}\n"
     YEAR},
    {"ld_ifn", "low-dose IFN-a2b: 3 MIU SC three times a week",
     "Kirkwood et al. 2000, J Clin Oncol 18:2444 (E1690 low-dose arm: 3 MIU SC three times a week)",
     "# Low-dose interferon alfa-2b.\n"
     "model: tme\n"
     "description: LD IFN-a2b, 3 MIU SC three times a week\n" PATIENT
     "therapy:\n"
     "  - {agent: interferon_alfa_2b, route: sc, dose: 3 MIU, days: \"Mon,Wed,Fri\", weeks: 52}\n"
     YEAR},
    {"gmcsf", "GM-CSF: sargramostim 250 ug/m2 SC daily, days 1-14 of 28",
     "E4697: 250 ug/m2 days 1-14 of 28, as tabulated by Kaufman et al. 2014, J Immunother Cancer 2:11, Table 1",
     "# Sargramostim, 13 cycles of 28 days.\n"
     "model: tme\n"
     "description: GM-CSF, 250 ug/m2 SC daily days 1-14 of 28\n" PATIENT
     "therapy:\n"
     "  - {agent: sargramostim, route: sc, dose: 250 ug/m2, every: 1 d, count: 14, cycle: 28 d, cycles: 13}\n"
     YEAR},
    {"pembrolizumab", "anti-PD-1: pembrolizumab 200 mg IV every 3 weeks",
     "Keytruda (pembrolizumab) US label: 200 mg every 3 weeks",
     "# Pembrolizumab, 200 mg q3w for a year.\n"
     "model: tme\n"
     "description: pembrolizumab 200 mg IV q3w\n" PATIENT
     "therapy:\n"
     "  - {agent: pembrolizumab, route: iv, dose: 200 mg, duration: 30 min, every: 21 d, until: 364 d}\n"
     YEAR},
    {"dacarbazine", "chemotherapy comparator: dacarbazine 1,000 mg/m2 IV every 3 weeks",
     "comparator arms of CheckMate 066 (Robert et al. 2015, N Engl J Med 372:320) and EORTC 18032 (Patel et al. 2011, Eur J Cancer 47:1476): 1,000 mg/m2 day 1 q3w",
     "# Dacarbazine, 1,000 mg/m2 over 60 min every 3 weeks.\n"
     "model: tme\n"
     "description: dacarbazine 1000 mg/m2 IV q3w\n" PATIENT
     "therapy:\n"
     "  - {agent: dacarbazine, route: iv, dose: 1000 mg/m2, duration: 60 min, every: 21 d, until: 364 d}\n"
     YEAR},
};

size_t its_regimen_count(void)
{
    return sizeof regimens / sizeof regimens[0];
}

const its_regimen *its_regimen_at(size_t i)
{
    return i < its_regimen_count() ? &regimens[i] : NULL;
}

const its_regimen *its_regimen_find(const char *name)
{
    size_t i;
    if (name == NULL)
        return NULL;
    for (i = 0; i < its_regimen_count(); i++)
        if (strcmp(regimens[i].name, name) == 0)
            return &regimens[i];
    return NULL;
}
