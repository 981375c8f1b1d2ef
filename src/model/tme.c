/* SPDX-License-Identifier: GPL-3.0-or-later */
/* itsim model tme: the tumour microenvironment. Blood, one tumour-draining
 * lymph node and 1-8 lesions; innate and adaptive cells, cytokines, side
 * effects. Equations and parameter provenance: docs/models/tme.md. */
#include <math.h>
#include <string.h>

#include "model/model.h"
#include "model/pk_values.h"

/* ---- state layout ---------------------------------------------------------
 * Systemic states first, then one block of NL states per lesion. */
enum {
    /* blood cell pools (cells in the whole blood volume) */
    S_NEU, S_MON, S_EOS, S_BAS, S_NK, S_N8, S_CD8, S_N4, S_TH, S_TREG, S_B,
    /* lymph node */
    S_CD8LN, S_THLN, S_DCLN,
    /* humoral arm */
    S_PC, S_AB,
    /* blood cytokines (pM) and anti-PD-1 (nM) */
    S_IL2, S_IFNA, S_GM, S_IFNG, S_APD1,
    /* side-effect physiology */
    S_CEIL2, S_PERM, S_CEIFN, S_TOL, S_FLU, S_IRAE, S_FAT,
    /* pharmacokinetic compartments of the therapy agents */
    S_IL2P, S_IL2SC, S_IFNASC, S_GMSC, S_APD1P,
    /* cytotoxic chemotherapy (dacarbazine) and the Friberg marrow chain */
    S_DTIC, S_PROL, S_TR1, S_TR2, S_TR3,
    /* peginterferon alfa-2b: SC depot and plasma */
    S_PEGSC, S_PEG,
    /* T-cell expansion, bystanders and IL-2 redistribution (docs/models/tme.md,
     * "T-cell expansion, bystanders and Tregs") */
    S_PF8, S_PF4, S_M8, S_M4, S_PR8, S_PR4, S_SIGT, S_SIGNK, S_BYS, S_MARG,
    /* organ toxicity: marrow stem pool, platelet chain, fluid, kidney,
     * liver, nausea (docs/models/tme.md, "Organ toxicity") */
    S_STEM, S_DMG, S_PPROL, S_PTR1, S_PTR2, S_PTR3, S_PLT, S_FLUID, S_GFR, S_CREA,
    S_ALT, S_AST, S_BIL, S_NAU,
    NSYS
};

enum {
    L_C, L_K, L_EIFN, L_NK, L_NEU, L_EOS, L_BAS, L_MC, L_M1, L_M2, L_IDC,
    L_MDC, L_CD8, L_EX, L_TH, L_TREG, L_DEB, L_IL2, L_IFNA, L_GM, L_IFNG,
    L_IL2IT, L_IFNAIT, L_GMIT,
    /* clonal composition: shares of the cancer cells in subclonal-load bins
     * 1-3 and in the presentation-loss (escape) compartment; bin 0 holds
     * the rest (docs/models/tme.md, "Tumour antigens and clones") */
    L_S1, L_S2, L_S3, L_SE,
    /* monocytic myeloid-derived suppressor cells (docs/models/tme.md,
     * "GM-CSF, dendritic cells and MDSC") */
    L_MDSC,
    NL
};

#define MAX_LESIONS 8
#define NBIN 4 /* subclonal-load bins per lesion (plus the escape compartment) */

/* The per-lesion parameters STEM_k, in this order for each lesion k: growth,
 * immune access, effector T-cell death, antigen presentation (multipliers
 * of the shared values; 1 in the reference lesion). A lesion's organ site
 * sets them (its_site_def, `sites` below); a scenario may set each. */
enum { LP_GROW, LP_ACCESS, LP_TDEATH, LP_PRESENT, NPL };

/* ---- parameters -------------------------------------------------------------- */
enum {
    P_V_blood, P_rho, P_C_min,
    P_lambda1, P_b_ang, P_K_max, P_Imax_ifn_ang, P_EC50_ifn_ang, P_tau_ifn_exposure, P_a_mast_ang,
    P_K_mast, P_a_m2_ang, P_K_m2_ang,
    P_tmb, P_exome_mb, P_f_immunogenic, P_f_precursor,
    P_clonal_share, P_ccf_sub, P_mut_rate, P_p_hla_loss, P_K_rec,
    P_neu0, P_d_neu, P_mon0, P_d_mon, P_eos0, P_d_eos, P_bas0, P_d_bas,
    P_nk0, P_d_nk, P_naive_cd8_0, P_d_naive_cd8, P_naive_cd4_0, P_d_naive_cd4, P_treg0, P_d_treg, P_b_cell0, P_d_b,
    P_q_T, P_q_nk, P_q_treg, P_q_neu, P_q_mon, P_q_eos, P_q_bas, P_Kc_rec, P_k_LN_out,
    P_k_act_cd8, P_k_act_cd4, P_K_dc_LN, P_N0_div, P_N_il2_cd8, P_N_il2_cd4, P_EC50_il2_teff,
    P_a_help, P_K_help,
    P_f_dc0, P_f_dc_gm, P_EC50_gm, P_k_mat, P_K_debris, P_a_ifn_dc, P_EC50_ifn_dc,
    P_a_gm_dc, P_k_mig, P_d_idc, P_d_mdc, P_k_debris,
    P_f_m1_in, P_k_m1_to_m2, P_a_bas_m2, P_K_bas, P_k_m2_to_m1, P_EC50_ifng_m1, P_a_ifn_m1,
    P_EC50_ifn_m1, P_d_mac, P_k_m1_kill, P_K_m1_C,
    P_k_nk_kill, P_K_nk_C, P_d_nk_tissue, P_a_il2_nk, P_EC50_il2_nk, P_p_nk_il2, P_a_ifn_nk,
    P_EC50_ifn_nk,
    P_k_neu_kill, P_d_neu_tissue, P_k_eos_kill, P_d_eos_tissue, P_d_bas_tissue, P_K_inn_C, P_s_mc, P_d_mc,
    P_k_cd8_kill, P_K_T_C, P_K_T_Treg, P_d_cd8, P_p_il2_cd8, P_k_exh, P_k_treg_supp,
    P_k_reinv, P_a_ifn_lymph, P_EC50_ifn_lymph, P_a_ifn_mhc, P_EC50_ifn_mhc, P_s_gm_survival,
    P_d_ex,
    P_pdl1_0, P_pdl1_ifng_max, P_EC50_ifng_pdl1, P_K_pd1, P_EC50_antipd1, P_V_antipd1, P_CL_antipd1, P_Q_antipd1, P_V2_antipd1,
    P_d_th, P_p_il2_th, P_p_il2_treg, P_EC50_il2_treg, P_il2_expansion_cap,
    P_k_b_act, P_f_b_specific, P_m_plasma, P_d_plasma, P_s_ab, P_k_ab, P_f_ab_lesion, P_k_adcc, P_K_ab,
    P_k_exchange, P_k_it_local, P_s_il2, P_f_il2_spill, P_r_cd8_il2, P_k_il2_consumption, P_K_il2_consumption, P_deg_il2_tissue, P_V_il2, P_CL_il2, P_Q_il2, P_V2_il2, P_F_il2_sc, P_ka_il2_sc, P_s_ifng, P_r_nk_ifng, P_r_th_ifng,
    P_deg_ifng, P_cl_ifng_blood, P_s_ifna, P_deg_ifna, P_cl_ifna_blood, P_V_ifna, P_F_ifna_sc, P_ka_ifna_sc,
    P_s_gm, P_deg_gm, P_cl_gm_blood, P_V_gm, P_F_gm_sc, P_ka_gm_sc,
    P_ke0_il2, P_kout_perm, P_Emax_perm, P_EC50_perm, P_ke0_ifn, P_k_tolerance, P_EC50_flu,
    P_M50_flu, P_k_flu, P_Imax_neu_ifn, P_IC50_neu_ifn, P_a_gm_myelo, P_k_irae,
    P_k_irae_res, P_k_fatigue, P_EC50_fat_ifn, P_EC50_fat_il2,
    P_SBP0, P_dSBP_perm, P_T0, P_dT_il2, P_EC50_fever_il2, P_dT_flu,
    P_V_dtic, P_CL_dtic, P_MTT_neu, P_gamma_neu, P_slope_dtic, P_k_dtic_kill,
    P_V_peg, P_CL_peg, P_T_CL_peg, P_ka_peg, P_r_peg,
    P_C_seed,
    P_k_prec_renew, P_f_mem, P_mem_cap, P_k_burst, P_N_div_max, P_k_il2_signal, P_bys0, P_d_bys,
    P_p_bys_il2, P_k_marg, P_EC50_marg, P_k_marg_ret, P_f_imm_max, P_k_mem_act,
    P_W0, P_k_fill, P_k_excr, P_GFR0, P_V_creat, P_creat0, P_uln_creat, P_Imax_gfr,
    P_K_gfr_leak, P_k_gfr, P_alt0, P_ast0, P_bil0, P_k_alt, P_k_ast, P_k_bil, P_Emax_tx,
    P_Emax_bil, P_EC50_liver, P_plt0, P_MTT_plt, P_k_plt, P_gamma_plt, P_Emax_plt_il2,
    P_EC50_plt_il2, P_k_stem, P_slope_stem, P_EC50_nau_dtic, P_EC50_nau_il2, P_k_nau_on,
    P_k_nau_off, P_k_dmg,
    /* GM-CSF, MDSC and IFN-alpha (docs/models/tme.md, "GM-CSF, dendritic
     * cells and MDSC", "IFN-alpha") */
    P_f_mdsc0, P_f_mdsc_gm, P_EC50_gm_mdsc, P_K_mdsc,
    P_Imax_ifn_prolif, P_EC50_ifn_prolif, P_k_ifn_vreg, P_pdl1_ifna_max,
    P_k_ifng_vreg, P_EC50_ifng_vreg,
    /* per-lesion parameters, NPL per lesion, lesion 1 first
     * (docs/models/tme.md, "Lesion sites") */
    P_LES0,
    NP = P_LES0 + MAX_LESIONS * NPL
};

/* Source strings (docs/models/tme.md, "How sources are written"): a citation alone means
 * the number was read in that paper; "X, as quoted by Y" that it was read
 * in Y, which cites X; "derived: ..." is arithmetic on cited numbers;
 * "assumed: ..." has no published value, with the reason. */
#define WANG "Wang et al. 2021, J Immunother Cancer 9:e002100 (QSP-IO TNBC model, parameter file)"
#define AS_WANG(primary) primary ", as quoted by " WANG
#define BLOOD "mean of 291 normal adults ('Normal blood leukocyte concentration values'; " \
              "authors and journal not identified), inside the UK laboratory reference " \
              "intervals of Front Pharmacol 2020;11:314, Table 6"
#define LYMPH "Clin Diagn Lab Immunol 2004;11:168, Table 3 (CD19 B cells, adults)"
#define ASSUMED(why) "assumed: " why

#define LES_PARAMS(k)                                                                     \
    [P_LES0 + ((k) - 1) * NPL + LP_GROW] =                                                \
        {"grow_" #k, 1.0, "1", D_POS, "growth-rate multiplier of lesion " #k " (lambda1 times this)", \
         ASSUMED("1: the reference lesion the shared growth parameters were calibrated on; "   \
                 "its organ site sets it (docs/models/tme.md, \"Lesion sites\")")},            \
    [P_LES0 + ((k) - 1) * NPL + LP_ACCESS] =                                              \
        {"access_" #k, 1.0, "1", D_NN, "immune-cell entry multiplier of lesion " #k " (every q_ entry)", \
         ASSUMED("1: the reference lesion the entry rates were calibrated on; its organ site " \
                 "sets it (docs/models/tme.md, \"Lesion sites\")")},                          \
    [P_LES0 + ((k) - 1) * NPL + LP_TDEATH] =                                              \
        {"tdeath_" #k, 1.0, "1", D_POS, "effector CD8 death multiplier in lesion " #k,       \
         ASSUMED("1: the reference lesion; its organ site sets it (docs/models/tme.md, "       \
                 "\"Lesion sites\")")},                                                        \
    [P_LES0 + ((k) - 1) * NPL + LP_PRESENT] =                                             \
        {"present_" #k, 1.0, "1", D_NN, "antigen presentation of lesion " #k " (multiplies the antigen load T cells see)", \
         ASSUMED("1: presentation as calibrated; metastases of one patient differ in HLA "     \
                 "class I and antigen processing (docs/models/tme.md, \"Lesion sites\")")}

static const its_param_def params[NP] = {
    [P_V_blood] = {"V_blood", 5.0, "L", D_POS, "blood volume", "Sove et al. 2020 (QSP-IO, CPT Pharmacometrics Syst Pharmacol 9:484), parameter V_C, doi 10.1002/psp4.12040"},
    [P_rho] = {"rho", 1e9, "cell/mL", D_POS, "tumour cells per mL of lesion",
               "Del Monte 2009, Cell Cycle 8:505 (1e9 cells/cm3 conventional; 1e8 for epithelial tumours, rcc set)"},
    [P_C_min] = {"C_min", 1e6, "cell", D_POS, "lesion size floor in volume and cytokine arithmetic",
                ASSUMED("numerical guard; below ~1 mm3 a lesion has no own microenvironment")},

    [P_lambda1] = {"lambda1", 0.018, "1/d", D_NN, "Gompertz growth rate towards the vascular capacity",
                   ASSUMED("calibrated to an untreated melanoma lesion doubling of ~60 d at 1 cm3: Ollila et al. 1998, J Surg Oncol 69:206 (pulmonary metastases, doubling-time cut-point 60 d)")},
    [P_b_ang] = {"b_ang", 0.0207, "1/d", D_NN, "vascular stimulation by tumour cells (Hahnfeldt b)",
                 ASSUMED("form of Hahnfeldt 1999; rescaled with lambda1 for human doubling times")},
    [P_K_max] = {"K_max", 1e12, "cell", D_POS, "vascular set point (b/d)^(3/2) before the angiogenic modifiers (mast cells, M2 raise it)",
                ASSUMED("about 1 kg of tumour; sets Hahnfeldt d = b/K_max^(2/3)")},
    [P_Imax_ifn_ang] = {"Imax_ifn_ang", 0.5, "1", D_FRAC, "maximal IFN-alpha reduction of vascular stimulation",
                    "Raig et al. 2008, J Interferon Cytokine Res 28:553 (VEGF secretion -40 to -60 %); microvessel density -26 % in bladder, Onkologie 2003;26:147"},
    [P_EC50_ifn_ang] = {"EC50_ifn_ang", 10.0, "pM", D_POS, "IFN-alpha exposure for half the anti-angiogenic effect",
                    "derived: middle of the 10-100 U/mL that acted in Singh et al. 1995, PNAS 92:4562 and Torcia et al. 1999, Biochem Biophys Res Commun 262:838, at ~0.2 pM per U/mL"},
    [P_tau_ifn_exposure] = {"tau_ifn_exposure", 4.0, "d", D_POS, "delay of the anti-angiogenic IFN-alpha effect",
                   "Singh et al. 1995, PNAS 92:4562: bFGF down-regulation needs > 4 d of exposure"},
    [P_a_mast_ang] = {"a_mast_ang", 0.5, "1", D_NN, "maximal mast-cell boost of vascular stimulation",
                  ASSUMED("mast-cell density tracks microvessel density in melanoma (Ribatti et al. 2003, Eur J Clin Invest 33:420) but no effect size is published")},
    [P_K_mast] = {"K_mast", 1e-3, "1", D_POS, "mast cells per tumour cell for half the boost",
                  ASSUMED("order of the skin mast-cell density relative to tissue cells")},
    [P_a_m2_ang] = {"a_m2_ang", 0.5, "1", D_NN, "maximal M2 boost of vascular stimulation",
                   ASSUMED("M2 secrete angiogenic factor (Wu et al. 2010, as quoted by Wang et al. 2021, J Immunother Cancer 9:e002100); effect size not published")},
    [P_K_m2_ang] = {"K_m2_ang", 0.01, "1", D_POS, "M2 per tumour cell for half the boost", ASSUMED("see a_m2_ang")},

    [P_tmb] = {"tmb", 21.0, "1", D_NN, "tumour mutational burden (mutations per Mb)",
               "Salem et al., Caris abstract 'Characterization of tumor mutation load in solid tumors' (592-gene panel, 7,748 tumours): mean melanoma 21, RCC 6 mutations/Mb"},
    [P_exome_mb] = {"exome_mb", 30.0, "1", D_POS, "coding exome size (Mb)", ASSUMED("conventional coding-exome size of ~30 Mb (no primary measurement cited)")},
    [P_f_immunogenic] = {"f_immunogenic", 0.075, "1", D_FRAC, "fraction of mutations that are antigenic",
                 "default p = 0.075 of the model of Lakatos et al. 2020, Nat Genet 52:1057; measured: 37 of 608 "
                 "prioritised predicted epitopes (6.1 %) were recognised by the patients' T cells, Wells et al. 2020, "
                 "Cell 183:818 (TESLA)"},
    [P_f_precursor] = {"f_precursor", 1e-6, "1", D_FRAC, "naive precursor frequency per antigen reaching the draining node",
                  "Alanio et al. 2010, Blood 115:3718 (6e-7 to 1.3e-4 per CD8 T cell); the low end chosen for neoantigens, calibrated"},
    [P_clonal_share] = {"clonal_share", 0.7, "1", D_FRAC, "share of the immunogenic mutations that are clonal (trunk, in every cancer cell)",
                  ASSUMED("clonal neoantigens dominate in melanoma and NSCLC and their share varies between patients (McGranahan et al. 2016, Science 351:1463); no default share was read; a patient covariate")},
    [P_ccf_sub] = {"ccf_sub", 0.25, "1", D_FRAC, "mean share of the cancer cells that carry one subclonal neoantigen (cancer-cell fraction)",
                  ASSUMED("subclonal mutations are by definition carried by a part of the cells (McGranahan et al. 2016, Science 351:1463 call a mutation subclonal when its cancer-cell fraction is below 1); most lie at low fractions in neutrally growing tumours; no mean was read")},
    [P_mut_rate] = {"mut_rate", 1.0, "1", D_NN, "new coding mutations per cancer-cell division (per patient)",
                  ASSUMED("mean mu = 1 new mutation per daughter cell per division of the model of Lakatos et al. 2020, Nat Genet 52:1057 (model value); a patient covariate")},
    [P_p_hla_loss] = {"p_hla_loss", 1e-4, "1", D_FRAC, "probability per division of losing antigen presentation (HLA or B2M loss)",
                  ASSUMED("HLA loss of heterozygosity is frequent and often subclonal (McGranahan et al. 2017, Cell 171:1259) and B2M loss is a route of resistance to PD-1 blockade (Zaretsky et al. 2016, N Engl J Med 375:819); no per-division rate is published")},
    [P_K_rec] = {"K_rec", 10.0, "1", D_POS, "antigen load per cell (immunogenic neoantigens) for half-maximal T-cell recognition A/(A + K_rec)",
                  ASSUMED("saturating recognition; a cell presenting ~10 immunogenic neoantigens is half-maximally recognised, so the default melanoma (~47) is recognised at ~0.8")},

    [P_neu0] = {"neu0", 3.65e9, "cell/L", D_POS, "neutrophil set point", BLOOD},
    [P_d_neu] = {"d_neu", 0.89, "1/d", D_NN, "blood neutrophil loss (t1/2 0.78 d)", "Lahoz-Beneytez et al. 2016, Blood 127:3431 (blood half-life 0.78 d)"},
    [P_mon0] = {"mon0", 0.43e9, "cell/L", D_POS, "monocyte set point", BLOOD},
    [P_d_mon] = {"d_mon", 0.69, "1/d", D_NN, "blood monocyte loss (~1 d circulation)", "Patel et al. 2017, J Exp Med 214:1913 (classical monocytes ~1 d in blood)"},
    [P_eos0] = {"eos0", 0.15e9, "cell/L", D_POS, "eosinophil set point", BLOOD},
    [P_d_eos] = {"d_eos", 0.92, "1/d", D_NN, "blood eosinophil loss (t1/2 18 h)", "review 'The eosinophil and eosinophilia' (2001; circulating half-life ~18 h), bibliographic details not identified"},
    [P_bas0] = {"bas0", 0.03e9, "cell/L", D_POS, "basophil set point", BLOOD},
    [P_d_bas] = {"d_bas", 0.39, "1/d", D_NN, "blood basophil loss (t1/2 1.78 d, rhesus)", "He et al. 2018, J Immunol 200:4059 (rhesus macaque, basophil half-life 1.78 d; species caveat)"},
    [P_nk0] = {"nk0", 0.25e9, "cell/L", D_POS, "NK set point",
               "UCSF laboratory reference range 0.16-0.54e9/L (UCSF lab manual, test 610); chosen so NK are 10-15 % of lymphocytes"},
    [P_d_nk] = {"d_nk", 0.069, "1/d", D_NN, "NK loss", "Zhang et al. 2007, Immunology 121:258 (loss 6.9 %/d)"},
    [P_naive_cd8_0] = {"naive_cd8_0", 0.505e9, "cell/L", D_POS, "naive CD8 set point", AS_WANG("Autissier et al. 2010, Cytometry A 77:410")},
    [P_d_naive_cd8] = {"d_naive_cd8", 2.92e-4, "1/d", D_NN, "naive CD8 loss (t1/2 6.5 y)", "Vrisekoop et al. 2008, PNAS 105:6115 (half-life 6.5 y)"},
    [P_naive_cd4_0] = {"naive_cd4_0", 0.86e9, "cell/L", D_POS, "naive CD4 set point", AS_WANG("Autissier et al. 2010, Cytometry A 77:410")},
    [P_d_naive_cd4] = {"d_naive_cd4", 4.52e-4, "1/d", D_NN, "naive CD4 loss (t1/2 4.2 y)", "Vrisekoop et al. 2008, PNAS 105:6115 (half-life 4.2 y)"},
    [P_treg0] = {"treg0", 0.05e9, "cell/L", D_POS, "blood Treg set point (2.5e8 in 5 L)", "Churlaud et al. 2015, Front Immunol 6:171, as quoted by Sove et al. 2020, CPT Pharmacometrics Syst Pharmacol 9:484 (nTreg_C)"},
    [P_d_treg] = {"d_treg", 0.0866, "1/d", D_NN, "Treg turnover (doubling 8 d)", "Vukmanovic-Stejic et al. 2006, J Clin Invest 116:2423 (doubling 8 d)"},
    [P_b_cell0] = {"b_cell0", 0.35e9, "cell/L", D_POS, "B-cell set point", LYMPH},
    [P_d_b] = {"d_b", 0.019, "1/d", D_NN, "B-cell turnover", "Macallan et al. 2005, Blood 105:3633 (1.9 %/d)"},

    [P_q_T] = {"q_T", 0.0835, "1/(mL*d)", D_NN, "effector T entry per mL of lesion, per blood cell",
               "derived from Zhu et al. 1996 (PMID 8706023; transmigration 5.8e-5 /(cm3 min)), as quoted by " WANG},
    [P_q_nk] = {"q_nk", 2e-4, "1/(mL*d)", D_NN, "NK entry per mL of lesion",
                ASSUMED("NK are rare in melanoma infiltrates (Erdag et al. 2012, Cancer Res 72:1070); the T-cell law with a smaller rate")},
    [P_q_treg] = {"q_treg", 2e-3, "1/(mL*d)", D_NN, "Treg entry per mL of lesion",
                  ASSUMED("only activated Treg home; calibrated to lesion CD8:Treg of 5-10 at the grown baseline (8.4 in the largest lesion of the default patient); intraepithelial CD8/Treg ratios split ovarian-cancer survival, Sato et al. 2005, PNAS 102:18538")},
    [P_q_neu] = {"q_neu", 3e-4, "1/(mL*d)", D_NN, "neutrophil entry per mL of lesion",
                 ASSUMED("neutrophils ~0.5 % of lesion cells; no published densities for melanoma or RCC were found")},
    [P_q_mon] = {"q_mon", 5e-4, "1/(mL*d)", D_NN, "monocyte entry per mL of lesion",
                 ASSUMED("macrophages ~13 % of the melanoma immune infiltrate (Erdag et al. 2012, Cancer Res 72:1070) at a few % of cells")},
    [P_q_eos] = {"q_eos", 1e-3, "1/(mL*d)", D_NN, "eosinophil entry per mL of lesion",
                 ASSUMED("eosinophils a minor infiltrate; no published densities were found")},
    [P_q_bas] = {"q_bas", 1e-3, "1/(mL*d)", D_NN, "basophil entry per mL of lesion", ASSUMED("minor infiltrate")},
    [P_Kc_rec] = {"Kc_rec", 2.02e7, "cell2", D_POS, "recruitment switch-off C^2/(C^2+Kc_rec)", AS_WANG("de Pillis et al. 2006 (PMID 16153659)")},
    [P_k_LN_out] = {"k_LN_out", 24.0, "1/d", D_NN, "effector exit from the lymph node", AS_WANG("De Boer & Perelson 1995, J Theor Biol 175:567")},

    [P_k_act_cd8] = {"k_act_cd8", 23.0, "1/d", D_NN, "naive CD8 activation by mature DC", AS_WANG("De Boer & Perelson 1995; Robertson-Tessi et al. 2012 (PMID 22051568)")},
    [P_k_act_cd4] = {"k_act_cd4", 5.0, "1/d", D_NN, "naive CD4 activation", AS_WANG("De Boer & Perelson 1995; Robertson-Tessi et al. 2012 (PMID 22051568)")},
    [P_K_dc_LN] = {"K_dc_LN", 1e6, "cell", D_POS, "mature DC in the node for half-maximal priming",
                ASSUMED("10 T-cell contacts per DC (De Boer & Perelson 1995, as quoted by Wang et al. 2021); calibrated so that untreated melanoma escapes")},
    [P_N0_div] = {"N0_div", 5.0, "1", D_NN, "programmed divisions without IL-2 (2 TCR + 3 costimulation)", AS_WANG("Marchingo et al. 2014, Science 346:1123 (2 TCR + 3 costimulation divisions)")},
    [P_N_il2_cd8] = {"N_il2_cd8", 11.0, "1", D_NN, "extra divisions at saturating IL-2, CD8", AS_WANG("Marchingo et al. 2014, Science 346:1123")},
    [P_N_il2_cd4] = {"N_il2_cd4", 8.5, "1", D_NN, "extra divisions at saturating IL-2, CD4", AS_WANG("Marchingo et al. 2014, Science 346:1123")},
    [P_EC50_il2_teff] = {"EC50_il2_teff", 320.0, "pM", D_POS, "IL-2 for half-maximal effector proliferation", AS_WANG("Marchingo et al. 2014, Science 346:1123 (0.32 nM)")},
    [P_a_help] = {"a_help", 1.0, "1", D_NN, "maximal CD4 help to CD8 priming", ASSUMED("help doubles priming at saturation")},
    [P_K_help] = {"K_help", 1e6, "cell", D_POS, "helper T cells in the node for half the help", ASSUMED("same scale as K_dc_LN")},

    [P_f_dc0] = {"f_dc0", 0.4, "1", D_FRAC, "share of recruited monocytes becoming immature DC at basal GM-CSF", ASSUMED("the in vivo monocyte-to-DC rate is not published; 0.4 keeps the baseline lesion DC of the version in which endogenous lesion GM-CSF saturated f_dc at ~0.43")},
    [P_f_dc_gm] = {"f_dc_gm", 0.45, "1", D_FRAC, "extra share becoming DC at saturating GM-CSF", ASSUMED("monocyte-derived DC yield 33-50 % of monocytes in vitro (Blood 1998;92:1598) taken as the in vivo maximum")},
    [P_EC50_gm] = {"EC50_gm", 20.0, "pM", D_POS, "GM-CSF for half-maximal effects on DC, T-cell survival and myelopoiesis", "high-affinity GM-CSF receptor Kd 20-100 pM (Blood 1999;94:3748), lower end"},
    [P_k_mat] = {"k_mat", 1.5, "1/d", D_NN, "maximal DC maturation", AS_WANG("Chen et al. 2014 (PMID 25184733)")},
    [P_K_debris] = {"K_debris", 0.01, "1", D_POS, "debris per tumour cell for half-maximal maturation",
                 ASSUMED("antigen signal from killed cells; scale calibrated")},
    [P_a_ifn_dc] = {"a_ifn_dc", 1.0, "1", D_NN, "maximal IFN-alpha boost of DC maturation", ASSUMED("IFN-alpha doubles DC maturation at saturation; no published magnitude")},
    [P_EC50_ifn_dc] = {"EC50_ifn_dc", 20.0, "pM", D_POS, "IFN-alpha for half the DC effect", "derived: DC effects start at 10 U/mL and are maximal at 50-100 U/mL (Scand J Immunol 1999;50:499), ~20 pM at 0.2 pM per U/mL"},
    [P_a_gm_dc] = {"a_gm_dc", 1.0, "1", D_NN, "maximal GM-CSF boost of antigen presentation", ASSUMED("GM-CSF DC differentiation and presentation; no published size")},
    [P_k_mig] = {"k_mig", 4.0, "1/d", D_NN, "mature DC migration to the node", AS_WANG("Russo et al. 2016 (PMID 26876174)")},
    [P_d_idc] = {"d_idc", 0.15, "1/d", D_NN, "immature DC death", ASSUMED("value of the PDAC QSP model of popellab/SPQSP_PDAC, which gives no source")},
    [P_d_mdc] = {"d_mdc", 0.33, "1/d", D_NN, "mature DC death (~3 d life)", "derived: 1/(3 d) from the ~3 d lymphoid DC lifespan of Kamath et al. 2002, Blood 100:1734"},
    [P_k_debris] = {"k_debris", 0.1, "1/d", D_NN, "clearance of dead tumour cells", ASSUMED("value estimated (not measured) in the QSP-IO models; clearance of dead cells within ~10 d")},

    [P_f_m1_in] = {"f_m1_in", 0.5, "1", D_FRAC, "share of new macrophages arriving as M1", ASSUMED("unpolarised split")},
    [P_k_m1_to_m2] = {"k_m1_to_m2", 0.1, "1/d", D_NN, "M1 to M2 repolarisation", ASSUMED("value estimated (not measured) in the MAPLE and PDAC QSP models of popellab")},
    [P_a_bas_m2] = {"a_bas_m2", 1.0, "1", D_NN, "maximal basophil (type-2) boost of M1 to M2", ASSUMED("basophil IL-4 drives type-2 polarisation; no published size")},
    [P_K_bas] = {"K_bas", 1e-4, "1", D_POS, "basophils per tumour cell for half the boost", ASSUMED("minor infiltrate scale")},
    [P_k_m2_to_m1] = {"k_m2_to_m1", 0.045, "1/d", D_NN, "maximal M2 to M1 repolarisation", ASSUMED("value estimated from the M1/M2 ratio by Wang et al. 2021, J Immunother Cancer 9:e002100 (k_M1_pol)")},
    [P_EC50_ifng_m1] = {"EC50_ifng_m1", 2.9, "pM", D_POS, "IFN-gamma for half the M1 drive", AS_WANG("Altan-Bonnet et al. 2019 (PMID 30770905)")},
    [P_a_ifn_m1] = {"a_ifn_m1", 2.0, "1", D_NN, "IFN-alpha drive to M1 relative to IFN-gamma", ASSUMED("IFN-alpha pushes macrophages towards M1; no published magnitude (set to 0 to switch off)")},
    [P_EC50_ifn_m1] = {"EC50_ifn_m1", 20.0, "pM", D_POS, "IFN-alpha for half the M1 drive", ASSUMED("same scale as the DC effect")},
    [P_d_mac] = {"d_mac", 0.02, "1/d", D_NN, "macrophage death", AS_WANG("Ginhoux et al. 2016 (PMID 26982352)")},
    [P_k_m1_kill] = {"k_m1_kill", 0.33, "1/d", D_NN, "M1 killing of tumour cells", AS_WANG("Pan et al. 2020 (PMID 33365025)")},
    [P_K_m1_C] = {"K_m1_C", 2.0, "1", D_POS, "M1 kill saturation M1*C/(K*M1+C)", ASSUMED("value of Wang et al. 2021, J Immunother Cancer 9:e002100 (K_Mac_C), which gives no source")},

    [P_k_nk_kill] = {"k_nk_kill", 1.0, "1/d", D_NN, "NK killing per NK cell", ASSUMED("no in vivo NK killing rate was found; 1 kill per NK per day")},
    [P_K_nk_C] = {"K_nk_C", 1.2, "1", D_POS, "NK kill saturation", ASSUMED("same form and constant as the CD8 law (K_T_C)")},
    [P_d_nk_tissue] = {"d_nk_tissue", 0.1, "1/d", D_NN, "NK death in the lesion", ASSUMED("somewhat faster than blood NK loss 0.069/d")},
    [P_a_il2_nk] = {"a_il2_nk", 1.5, "1", D_NN, "maximal IL-2 boost of NK killing (x2.5)", ASSUMED("x2.5 maximum is a placeholder: the NK assays (Cell Immunol 1985;91:193) report +19-66 lysis points, not a fold")},
    [P_EC50_il2_nk] = {"EC50_il2_nk", 1000.0, "pM", D_POS, "IL-2 for half the NK effects (beta-gamma receptor)",
                       "intermediate-affinity (beta-gamma) IL-2 receptor of CD16+ NK, Kd 1.9-2 nM, J Exp Med 1990;171:1527; 1 nM used"},
    [P_p_nk_il2] = {"p_nk_il2", 1.0, "1/d", D_NN, "maximal IL-2-driven NK proliferation", ASSUMED("NK expand under IL-2 therapy; no published rate")},
    [P_a_ifn_nk] = {"a_ifn_nk", 2.75, "1", D_NN, "maximal IFN-alpha boost of NK killing", "IFN-alpha raises NK killing of K562 2.5-5-fold (scilit records 02a9d432 and 650a7052; authors not identified): mid-range x3.75"},
    [P_EC50_ifn_nk] = {"EC50_ifn_nk", 20.0, "pM", D_POS, "IFN-alpha for half the NK boost", ASSUMED("derived from the 150-300 U/mL that were effective (same NK studies); not a measured EC50")},

    [P_k_neu_kill] = {"k_neu_kill", 0.05, "1/d", D_NN, "neutrophil killing per cell", ASSUMED("N1 neutrophil cytotoxicity; no in vivo rate found")},
    [P_d_neu_tissue] = {"d_neu_tissue", 1.0, "1/d", D_NN, "neutrophil death in the lesion", ASSUMED("tissue life about a day")},
    [P_k_eos_kill] = {"k_eos_kill", 0.1, "1/d", D_NN, "eosinophil killing per cell", ASSUMED("eosinophil cytotoxicity in melanoma rejection (Eftimie et al. 2010 model); no published rate")},
    [P_d_eos_tissue] = {"d_eos_tissue", 0.2, "1/d", D_NN, "eosinophil death in the lesion", "derived: 1/(total lifespan ~6 d) from the review 'The eosinophil and eosinophilia' (2001), bibliographic details not identified"},
    [P_d_bas_tissue] = {"d_bas_tissue", 0.39, "1/d", D_NN, "basophil death in the lesion", ASSUMED("as in blood")},
    [P_K_inn_C] = {"K_inn_C", 1.2, "1", D_POS, "neutrophil/eosinophil kill saturation", ASSUMED("same form as K_T_C")},
    [P_s_mc] = {"s_mc", 2e-4, "1/d", D_NN, "mast-cell accrual per tumour cell", ASSUMED("gives ~1 % mast cells; densities are published only for normal skin (Janssens et al. 2005, J Clin Pathol 58:285)")},
    [P_d_mc] = {"d_mc", 0.02, "1/d", D_NN, "mast-cell loss", ASSUMED("long-lived tissue-resident cells")},

    [P_k_cd8_kill] = {"k_cd8_kill", 0.9, "1/d", D_NN, "CD8 killing per cell", AS_WANG("Robertson-Tessi et al. 2012 (PMID 22051568)") "; in vivo 2-16 kills per CTL per day, Halle et al. 2016, Immunity 44:233"},
    [P_K_T_C] = {"K_T_C", 1.2, "1", D_POS, "CD8 kill saturation", AS_WANG("Robertson-Tessi et al. 2012 (PMID 22051568)")},
    [P_K_T_Treg] = {"K_T_Treg", 11.0, "1", D_NN, "Treg suppression CD8/(CD8+K*Treg)", AS_WANG("Robertson-Tessi et al. 2012 (PMID 22051568)")},
    [P_d_cd8] = {"d_cd8", 0.06, "1/d", D_NN, "effector CD8 death at basal GM-CSF", ASSUMED("inside the 0.01-2 /d used across QSP-IO models: the 0.1 /d of the PDAC QSP model of popellab/SPQSP_PDAC times the 0.6 that saturating endogenous GM-CSF (1 - s_gm_survival x 0.8) gave it in lesions before GM-CSF was lowered to its basal level; keeps the lesion T-cell calibration")},
    [P_p_il2_cd8] = {"p_il2_cd8", 1.0, "1/d", D_NN, "maximal IL-2-driven effector proliferation", AS_WANG("Marchingo et al. 2014, Science 346:1123")},
    [P_k_exh] = {"k_exh", 0.1, "1/d", D_NN, "exhaustion via PD-1/PD-L1", ASSUMED("value estimated (not measured) by Wang et al. 2021, J Immunother Cancer 9:e002100 (k_Tcell)")},
    [P_k_treg_supp] = {"k_treg_supp", 0.1, "1/d", D_NN, "Treg-mediated effector death", ASSUMED("value estimated (not measured) by Wang et al. 2021, J Immunother Cancer 9:e002100 (k_Treg)")},
    [P_k_reinv] = {"k_reinv", 0.1, "1/d", D_NN, "re-invigoration of exhausted cells at full PD-1 blockade", ASSUMED("same scale as k_exh")},
    [P_a_ifn_lymph] = {"a_ifn_lymph", 0.5, "1", D_NN, "maximal IFN-alpha activation of CD8 effector function", ASSUMED("IFN-alpha lymphocyte activation; no published size")},
    [P_EC50_ifn_lymph] = {"EC50_ifn_lymph", 20.0, "pM", D_POS, "IFN-alpha for half the lymphocyte activation", ASSUMED("as for DC")},
    [P_a_ifn_mhc] = {"a_ifn_mhc", 1.5, "1", D_NN, "maximal IFN-alpha MHC-I up-regulation (x2.5)", "surface beta2-microglobulin +100-200 % with IFN-alpha, PNAS 1982;79:3265"},
    [P_EC50_ifn_mhc] = {"EC50_ifn_mhc", 20.0, "pM", D_POS, "IFN-alpha for half the MHC-I effect", ASSUMED("10-100 U/mL scale")},
    [P_s_gm_survival] = {"s_gm_survival", 0.5, "1", D_FRAC, "maximal GM-CSF reduction of effector T death", ASSUMED("GM-CSF supports T-cell homeostasis; no published size")},
    [P_d_ex] = {"d_ex", 0.1, "1/d", D_NN, "exhausted CD8 death", ASSUMED("as effector death")},

    [P_pdl1_0] = {"pdl1_0", 1.0, "1", D_NN, "baseline tumour PD-L1 (relative; 0 = knock-out)", ASSUMED("relative scale; K_pd1 sets its effect")},
    [P_pdl1_ifng_max] = {"pdl1_ifng_max", 5.0, "1", D_NN, "maximal IFN-gamma induction of PD-L1 (6-fold)", AS_WANG("Shin et al. 2017 (PMID 27903500; 6-fold)")},
    [P_EC50_ifng_pdl1] = {"EC50_ifng_pdl1", 2.96, "pM", D_POS, "IFN-gamma for half PD-L1 induction", AS_WANG("Shin et al. 2017 (PMID 27903500)")},
    [P_K_pd1] = {"K_pd1", 1.0, "1", D_POS, "relative PD-L1 engagement for half-maximal inhibition (Hill 2)",
                 ASSUMED("baseline PD-L1 inhibits half; Hill n = 2 as in Wang et al. 2021, J Immunother Cancer 9:e002100")},
    [P_EC50_antipd1] = {"EC50_antipd1", 1.0, "nM", D_POS, "plasma anti-PD-1 for half receptor occupancy",
                   ASSUMED("full target engagement at troughs of >= 2 mg/kg q3w (Patnaik et al. 2015, Clin Cancer Res 21:4286), i.e. troughs >> 1 nM")},
    [P_V_antipd1] = {.name = "V_antipd1", .description = "anti-PD-1 central volume (pembrolizumab)", PK(ITS__PK_PEMBRO_VC)},
    [P_CL_antipd1] = {.name = "CL_antipd1", .description = "anti-PD-1 clearance (pembrolizumab)", PK(ITS__PK_PEMBRO_CL)},
    [P_Q_antipd1] = {.name = "Q_antipd1", .description = "anti-PD-1 inter-compartmental clearance (pembrolizumab)", PK(ITS__PK_PEMBRO_Q)},
    [P_V2_antipd1] = {.name = "V2_antipd1", .description = "anti-PD-1 peripheral volume (pembrolizumab)", PK(ITS__PK_PEMBRO_VP)},

    [P_d_th] = {"d_th", 0.06, "1/d", D_NN, "effector helper T death at basal GM-CSF", ASSUMED("as effector CD8")},
    [P_p_il2_th] = {"p_il2_th", 1.0, "1/d", D_NN, "maximal IL-2-driven helper proliferation", AS_WANG("Marchingo et al. 2014, Science 346:1123")},
    [P_p_il2_treg] = {"p_il2_treg", 0.5, "1/d", D_NN, "maximal IL-2-driven Treg proliferation", ASSUMED("Treg expand under IL-2 therapy; no published rate")},
    [P_EC50_il2_treg] = {"EC50_il2_treg", 3.2, "pM", D_POS, "IL-2 for half Treg proliferation (alpha-beta-gamma)", "Wang & Smith 1987, J Exp Med 166:1055, as quoted by Sove et al. 2020, CPT Pharmacometrics Syst Pharmacol 9:484 (IL2_50_Treg 3.2 pM)"},

    [P_il2_expansion_cap] = {"il2_expansion_cap", 10.0, "1", D_GE1,
                   "IL-2-driven expansion stops at this multiple of a blood pool's set point",
                   ASSUMED("IL-2 therapy expands NK and Treg a few-fold, not without bound")},
    [P_k_b_act] = {"k_b_act", 0.1, "1/d", D_NN, "activation of tumour-specific B cells at full antigen", ASSUMED("no published humoral priming rate")},
    [P_f_b_specific] = {"f_b_specific", 1e-5, "1", D_FRAC, "tumour-specific B-cell frequency per antigen", ASSUMED("mirrors the CD8 precursor frequency")},
    [P_m_plasma] = {"m_plasma", 32.0, "1", D_NN, "plasma cells per activated B cell (5 divisions)", ASSUMED("5 divisions; no published expansion")},
    [P_d_plasma] = {"d_plasma", 0.2, "1/d", D_NN, "short-lived plasma-cell death", ASSUMED("short-lived plasmablasts, days")},
    [P_s_ab] = {"s_ab", 2.9e-7, "nmol/d", D_NN, "IgG secretion per plasma cell", "derived: 2,000 IgG molecules/s per plasma cell (textbook figure, primary not traced) = 2.9e-7 nmol/d"},
    [P_k_ab] = {"k_ab", 0.033, "1/d", D_NN, "IgG elimination (t1/2 21 d)", "Cancer Immunol Immunother 2024;73:242, Table 1 (IgG1 half-life 21 d)"},
    [P_f_ab_lesion] = {"f_ab_lesion", 0.3, "1", D_FRAC, "lesion/plasma antibody ratio", ASSUMED("partial IgG extravasation")},
    [P_k_adcc] = {"k_adcc", 0.1, "1/d", D_NN, "ADCC per NK or M1 at saturating antibody", AS_WANG("Richards et al. 2008 (PMID 18723496)")},
    [P_K_ab] = {"K_ab", 1.0, "nM", D_POS, "antibody for half-maximal ADCC", ASSUMED("FcgRIIIa Kd 0.28-0.5 uM applies to binding of opsonised targets; no published titre scale")},

    [P_k_it_local] = {"k_it_local", 0.693, "1/d", D_NN, "dispersal of free cytokine from an intratumoral injection site (t1/2 1 d)",
                "free IL-12 retention 1-2 d after intratumoral injection, Zaharoff et al. 2010, J Immunother 33:697; the IL-2 value is assumed equal"},
    [P_k_exchange] = {"k_exchange", 2.16, "1/d", D_NN, "cytokine exchange lesion <-> blood", "Zhu et al. 1996 (PMID 8706023), as quoted by Jafarnejad et al. 2019, AAPS J 21:79 (tumour lymph flow Q_TL 0.0015/min)"},
    [P_s_il2] = {"s_il2", 5.6e-5, "pmol/d", D_NN, "IL-2 secretion per newly primed helper T cell (node)", "Viselli & Mastro 1989, J Immunol Methods (0.86 pg/cell/day); derived: at MW 15,300"},
    [P_f_il2_spill] = {"f_il2_spill", 0.01, "1", D_FRAC, "share of node-made IL-2 reaching blood",
                       ASSUMED("most IL-2 is consumed in the node; serum IL-2 of healthy people is near the detection limit")},
    [P_r_cd8_il2] = {"r_cd8_il2", 0.3, "1", D_NN, "CD8 IL-2 secretion relative to helper T", ASSUMED("CD8 make less IL-2 than CD4")},
    [P_k_il2_consumption] = {"k_il2_consumption", 1.4e-7, "pmol/d", D_NN, "maximal IL-2 uptake per IL-2R+ cell",
                      "derived: 1,500 receptors x 0.04/min internalisation, Fallon & Lauffenburger 2000 as encoded in BioModels BIOMD0000000665"},
    [P_K_il2_consumption] = {"K_il2_consumption", 11.1, "pM", D_POS, "IL-2 for half-maximal uptake", "Fallon & Lauffenburger 2000, surface Kd 11.1 pM, as encoded in BioModels BIOMD0000000665"},
    [P_deg_il2_tissue] = {"deg_il2_tissue", 288.0, "1/d", D_NN, "IL-2 degradation in tissue (0.2/min)", AS_WANG("Lotze et al. 1985 (PMID 3871099)")},
    [P_V_il2] = {.name = "V_il2", .description = "IL-2 central volume", PK(ITS__PK_IL2_V1)},
    [P_CL_il2] = {.name = "CL_il2", .description = "IL-2 clearance", PK(ITS__PK_IL2_CL)},
    [P_Q_il2] = {.name = "Q_il2", .description = "IL-2 inter-compartmental clearance", PK(ITS__PK_IL2_Q)},
    [P_V2_il2] = {.name = "V2_il2", .description = "IL-2 peripheral volume", PK(ITS__PK_IL2_V2)},
    [P_F_il2_sc] = {.name = "F_il2_sc", .description = "IL-2 SC bioavailability", PK(ITS__PK_IL2_F_SC)},
    [P_ka_il2_sc] = {.name = "ka_il2_sc", .description = "IL-2 SC absorption", PK(ITS__PK_IL2_KA_SC)},
    [P_s_ifng] = {"s_ifng", 2.3e-9, "pmol/d", D_NN, "IFN-gamma secretion per CD8 effector",
                  ASSUMED("calibrated to the PD-L1 induction EC50 of 2.96 pM (Shin et al. 2017, as quoted by Wang et al. 2021); QSP-IO files span 2e-10 to 1e-5 pmol/cell/d")},
    [P_r_th_ifng] = {"r_th_ifng", 1.0 / 3.0, "1", D_NN, "helper T IFN-gamma secretion relative to CD8", AS_WANG("Kasahara et al. 1983")},
    [P_r_nk_ifng] = {"r_nk_ifng", 1.0, "1", D_NN, "NK IFN-gamma secretion relative to CD8", ASSUMED("no published per-NK IFN-gamma secretion; equal to CD8")},
    [P_deg_ifng] = {"deg_ifng", 7.68, "1/d", D_NN, "IFN-gamma degradation in tissue", AS_WANG("Hofstra et al. 1998")},
    [P_cl_ifng_blood] = {"cl_ifng_blood", 33.3, "1/d", D_NN, "IFN-gamma clearance from blood (t1/2 30 min)", "Kurzrock et al. 1985, Cancer Res 45:2866 (IV half-life 25-35 min)"},
    [P_s_ifna] = {"s_ifna", 1e-8, "pmol/d", D_NN, "endogenous IFN-alpha per mature DC", ASSUMED("low basal type-I IFN")},
    [P_deg_ifna] = {"deg_ifna", 2.0, "1/d", D_NN, "IFN-alpha loss in the lesion",
                    ASSUMED("no tissue half-life published; plasma clearance is mostly renal (Radwanski et al. 1987, J Clin Pharmacol 27:432)")},
    [P_cl_ifna_blood] = {.name = "cl_ifna_blood", .description = "IFN-alpha elimination from blood", PK(ITS__PK_IFN_KE)},
    [P_V_ifna] = {.name = "V_ifna", .description = "IFN-alpha volume", PK(ITS__PK_IFN_V)},
    [P_F_ifna_sc] = {.name = "F_ifna_sc", .description = "IFN-alpha SC bioavailability", PK(ITS__PK_IFN_F_SC)},
    [P_ka_ifna_sc] = {.name = "ka_ifna_sc", .description = "IFN-alpha SC absorption", PK(ITS__PK_IFN_KA_SC)},
    [P_s_gm] = {"s_gm", 2e-10, "pmol/d", D_NN, "endogenous GM-CSF per lesion helper T cell", ASSUMED("calibrated: baseline lesion GM-CSF of a few pM, below EC50_gm, as normal blood holds ~1 pM (Mortensen et al. 1993, Exp Hematol 21:1366)")},
    [P_deg_gm] = {"deg_gm", 5.55, "1/d", D_NN, "GM-CSF degradation (t1/2 ~3 h)", ASSUMED("value of the MAPLE and PDAC QSP models of popellab (half-life ~3 h), which give no source")},
    [P_cl_gm_blood] = {.name = "cl_gm_blood", .description = "GM-CSF elimination from blood", PK(ITS__PK_GM_KE)},
    [P_V_gm] = {.name = "V_gm", .description = "GM-CSF apparent volume", PK(ITS__PK_GM_V)},
    [P_F_gm_sc] = {.name = "F_gm_sc", .description = "GM-CSF SC bioavailability (apparent parameters)", PK(ITS__PK_GM_F_SC)},
    [P_ka_gm_sc] = {.name = "ka_gm_sc", .description = "GM-CSF SC absorption", PK(ITS__PK_GM_KA_SC)},

    [P_ke0_il2] = {"ke0_il2", 4.0, "1/d", D_NN, "IL-2 effect-site equilibration", ASSUMED("symptoms follow IL-2 doses within hours (chills and rigors within 1-2 h, Proleukin label)")},
    [P_kout_perm] = {"kout_perm", 1.0, "1/d", D_NN, "vascular permeability turnover", "derived: haemodynamic recovery within 2-3 d of stopping IL-2 (proleukin.com patient information), ~4 half-lives"},
    [P_Emax_perm] = {"Emax_perm", 1.0, "1", D_NN, "maximal IL-2 rise of permeability (x2)", "albumin escape rate +59 % with s.c. IL-2 (Ballmer-Weber et al., abstract; bibliographic details not identified); the maximum x2 is assumed"},
    [P_EC50_perm] = {"EC50_perm", 1000.0, "pM", D_POS, "effect-site IL-2 for half the leak", ASSUMED("~250 IU/mL, far above endogenous, reached by high-dose IL-2")},
    [P_ke0_ifn] = {"ke0_ifn", 6.0, "1/d", D_NN, "IFN-alpha effect-site equilibration", ASSUMED("flu-like symptoms within hours of an IFN-alpha dose (Vial & Descotes 1994, Drug Saf 10:115)")},
    [P_k_tolerance] = {"k_tolerance", 0.1, "1/d", D_NN, "development of tachyphylaxis", ASSUMED("flu-like symptoms smaller after 1-2 weeks of repeated dosing (Vial & Descotes 1994, Drug Saf 10:115)")},
    [P_EC50_flu] = {"EC50_flu", 10.0, "pM", D_POS, "effect-site IFN-alpha for half the flu-like response", ASSUMED("SC 5 MIU/m2 peaks at ~46 IU/mL ~ 10 pM (Radwanski et al. 1987, J Clin Pharmacol 27:432)")},
    [P_M50_flu] = {"M50_flu", 10.0, "pM", D_POS, "tolerance level that doubles EC50_flu", ASSUMED("no published tolerance model for IFN-alpha")},
    [P_k_flu] = {"k_flu", 24.0, "1/d", D_NN, "relaxation of the flu-like state", ASSUMED("resolves within ~12 h of a dose")},
    [P_Imax_neu_ifn] = {"Imax_neu_ifn", 0.5, "1", D_FRAC, "maximal IFN-alpha suppression of neutrophil production", ASSUMED("IFN-alpha neutropenia; no published size")},
    [P_IC50_neu_ifn] = {"IC50_neu_ifn", 20.0, "pM", D_POS, "IFN-alpha for half the suppression", ASSUMED("10-100 U/mL scale")},
    [P_a_gm_myelo] = {"a_gm_myelo", 1.0, "1", D_NN, "maximal GM-CSF boost of myeloid production", ASSUMED("sargramostim raises neutrophil and monocyte counts; no published size")},
    [P_k_irae] = {"k_irae", 0.01, "1/d", D_NN, "irAE drive at full PD-1 occupancy", ASSUMED("immune-related adverse events start over months on anti-PD-1")},
    [P_V_dtic] = {.name = "V_dtic", .description = "dacarbazine volume", PK(ITS__PK_DTIC_V)},
    [P_CL_dtic] = {.name = "CL_dtic", .description = "dacarbazine clearance", PK(ITS__PK_DTIC_CL)},
    [P_MTT_neu] = {.name = "MTT_neu", .description = "mean transit time of the neutrophil maturation chain", PK(ITS__PK_FRIBERG_MTT)},
    [P_gamma_neu] = {.name = "gamma_neu", .description = "feedback exponent gamma of (Circ0/Circ)^gamma", PK(ITS__PK_FRIBERG_GAMMA)},
    [P_slope_dtic] = {"slope_dtic", 0.0, "1/uM", D_NN, "direct dacarbazine effect on proliferating neutrophil precursors (Friberg slope)",
                      ASSUMED("0: dacarbazine acts on the stem pool (slope_stem), whose nadir timing follows the label; the direct Friberg effect (tme@1: 0.07/uM placeholder) gives nadirs within ~10 d")},
    [P_k_dtic_kill] = {"k_dtic_kill", 0.034, "1/(uM*d)", D_NN, "dacarbazine kill of tumour cells per exposure",
                       ASSUMED("~20 % of tumour cells per 1,000 mg/m2 dose (AUC 6.5 uM d); calibrate to response rates")},
    [P_V_peg] = {.name = "V_peg", .description = "peginterferon apparent volume", PK(ITS__PK_PEG_V_F)},
    [P_CL_peg] = {.name = "CL_peg", .description = "peginterferon apparent clearance at treatment start", PK(ITS__PK_PEG_CL_F)},
    [P_T_CL_peg] = {.name = "T_CL_peg", .description = "time constant of CL(t) = CL0/(1 + t/T), t from the start of the run", PK(ITS__PK_PEG_T_CL)},
    [P_ka_peg] = {.name = "ka_peg", .description = "peginterferon SC absorption", PK(ITS__PK_PEG_KA_SC)},
    [P_r_peg] = {"r_peg", 0.3, "1", D_NN, "IFN-alpha activity of peginterferon relative to IFN-alpha2b, per mole",
                 ASSUMED("PEGylation lowers in vitro specific activity several-fold; no published value for the ratio per mole")},
    [P_k_irae_res] = {"k_irae_res", 0.02, "1/d", D_NN, "irAE resolution", ASSUMED("weeks to resolve")},
    [P_k_fatigue] = {"k_fatigue", 0.1, "1/d", D_NN, "build-up and recovery of fatigue (t1/2 ~7 d)",
                 ASSUMED("fatigue develops within 2-4 weeks of IFN-alpha and persists through therapy (Vial & Descotes 1994, Drug Saf 10:115; Capuron et al. 2002, Neuropsychopharmacology 26:643)")},
    [P_EC50_fat_ifn] = {"EC50_fat_ifn", 2.0, "pM", D_POS, "effect-site IFN-alpha for half the fatigue drive (no tachyphylaxis)",
                        ASSUMED("calibrated: HD IFN-alpha (E1684) reaches grade 2 fatigue (0.57), 3 MIU TIW grade 1 (0.22); dose tiers of Quesada et al. 1986, J Clin Oncol 4:234")},
    [P_EC50_fat_il2] = {"EC50_fat_il2", 1000.0, "pM", D_POS, "effect-site IL-2 for half the fatigue drive",
                        ASSUMED("high-dose IL-2 only; constitutional grade 3-5 in 16 % (Schwartzentruber et al. 2011, N Engl J Med 364:2119)")},
    [P_SBP0] = {"SBP0", 120.0, "mmHg", D_POS, "systolic blood pressure without vascular leak", ASSUMED("typical normotensive adult")},
    [P_dSBP_perm] = {"dSBP_perm", 60.0, "mmHg", D_NN, "fall of systolic pressure per unit rise of permeability",
                     ASSUMED("places the label hold SBP < 90 mmHg at half the maximal IL-2 leak; with it HD IL-2 gives 8 of 14 doses (8-12 tolerated, Schwartzentruber 2001, J Immunother 24:287)")},
    [P_T0] = {"T0", 37.0, "degC", D_POS, "body temperature without cytokine drive", "physiological norm of 37 degC"},
    [P_dT_il2] = {"dT_il2", 3.0, "degC", D_NN, "maximal IL-2 fever", ASSUMED("fever and rigors within hours of each high-dose IL-2 dose (Proleukin label); no published size")},
    [P_EC50_fever_il2] = {"EC50_fever_il2", 1000.0, "pM", D_POS, "effect-site IL-2 for half the fever", ASSUMED("same scale as the leak (EC50_perm)")},
    [P_dT_flu] = {"dT_flu", 3.0, "degC", D_NN, "fever at the maximal flu-like state", ASSUMED("IFN-alpha fever up to ~40 C at first high doses (Quesada et al. 1986, J Clin Oncol 4:234); no published size")},
    [P_C_seed] = {"C_seed", 1e6, "cell", D_POS, "cancer cells of each lesion when its pre-treatment history starts",
                  ASSUMED("about 1 mm3 at 1e9 cells/mL, the smallest lesion with a microenvironment of its own (C_min); smaller seeds only lengthen the history")},
    [P_k_prec_renew] = {"k_prec_renew", 2.92e-4, "1/d", D_NN, "renewal of the tumour-specific naive precursor repertoire after priming",
                        "derived: naive CD8 turnover (half-life 6.5 y, Vrisekoop et al. 2008, PNAS 105:6115): thymic output and homeostatic division renew a clone's precursors at the pool's turnover (assumed)"},
    [P_f_mem] = {"f_mem", 0.05, "1", D_FRAC, "share of a clonal burst kept as re-primable tumour-specific memory (stem-like) CD8",
                 "Blattman et al. 2002, J Exp Med 195:657 (~5 % of the expanded CD8 survive to memory)"},
    [P_mem_cap] = {"mem_cap", 50.0, "1", D_NN, "tumour-specific memory CD8 ceiling, in multiples of the intact precursor pool",
                   ASSUMED("homeostatic niche of antigen-experienced cells; calibrated on the grown baseline (the history fills it): tumour-specific CD8 in blood ~2 % of blood CD8 at baseline, and one HD IL-2 cycle raises them ~8-fold to a third of 44 % of blood CD8, the largest single-epitope share of an acute human response (Callan et al. 1998, J Exp Med 187:1395), so that patients with a few times the default antigen load stay under it")},
    [P_k_burst] = {"k_burst", 0.33, "1/d", D_NN, "delivery of a clonal burst to the effector pool (mean 3 d)",
                   ASSUMED("clonal expansion peaks ~8 d after priming with ~8 h division times in days 3-5 (Blattman et al. 2002, J Exp Med 195:657)")},
    [P_N_div_max] = {"N_div_max", 9.0, "1", D_NN, "ceiling of divisions per priming (2^9 = 512-fold burst; IL-2's extra divisions approach it smoothly)",
                     ASSUMED("calibrated so that HD IL-2 raises blood tumour-specific CD8 about 5-10-fold; with memory re-priming the whole clone expands 1e3-1e4-fold over the precursors, the range of antigen-specific CD8 at the peak of an acute response (> 14 divisions in a week in LCMV-infected mice, Blattman et al. 2002, J Exp Med 195:657, is the murine upper end)")},
    [P_k_il2_signal] = {"k_il2_signal", 1.0, "1/d", D_NN, "integration of IL-2 signal into division destiny and proliferation",
                        ASSUMED("division destiny sums the signals received over the first day(s) of division (Marchingo et al. 2014, Science 346:1123); 1/d")},
    [P_bys0] = {"bys0", 0.6e9, "cell/L", D_POS, "non-tumour-specific memory/effector T-cell set point (CD8 and CD4)",
                ASSUMED("brings the absolute lymphocyte count to ~2.6e9/L, inside the adult reference 1.0-4.8e9/L")},
    [P_d_bys] = {"d_bys", 0.029, "1/d", D_NN, "memory T-cell turnover (doubling 24 d)", "Vukmanovic-Stejic et al. 2006, J Clin Invest 116:2423 (memory CD4 doubling 24 d)"},
    [P_p_bys_il2] = {"p_bys_il2", 1.0, "1/d", D_NN, "maximal IL-2-driven bystander T proliferation (beta-gamma receptor, EC50_il2_nk)",
                     ASSUMED("calibrated to the rebound lymphocytosis to 198 % of baseline on day 4 after HD IL-2 (MacFarlane et al. 1995, Cancer 75:1030)")},
    [P_k_marg] = {"k_marg", 40.0, "1/d", D_NN, "maximal IL-2-induced margination of blood lymphocytes",
                  "calibrated: 93 % of blood lymphocytes cleared within 24 h of starting HD IL-2 (MacFarlane et al. 1995, Cancer 75:1030)"},
    [P_EC50_marg] = {"EC50_marg", 300.0, "pM", D_POS, "effect-site IL-2 (Ce_il2) for half the margination",
                     ASSUMED("HD IL-2 only; low-dose SC IL-2 pulses marginate NK cells too (Meropol et al. 1998, Cancer Immunol Immunother 46:318)")},
    [P_k_marg_ret] = {"k_marg_ret", 3.0, "1/d", D_NN, "return of marginated lymphocytes to blood",
                      "NK cells marginate after an IL-2 pulse and return to baseline within 24 h (Meropol et al. 1998, Cancer Immunol Immunother 46:318)"},
    [P_f_imm_max] = {"f_imm_max", 1.0, "1", D_POS, "lymphoid cells (T, NK) per tumour cell at which entry and expansion in a lesion stop",
                     ASSUMED("caps lesion immune density at f_imm_max rho cells/mL (1e9/mL for melanoma): lymphocytes at most half of the cells of the densest (brisk) infiltrate; calibrated on the history: at 0.5 the cap binds in the small lesions of the early history, and a tumour without PD-L1 and without presentation loss is held for ~8 years instead of eliminated (0.8 and 1 eliminate it)")},
    [P_k_mem_act] = {"k_mem_act", 0.5, "1/d", D_NN, "re-priming of tumour-specific memory cells by mature DC in the node, at saturating DC",
                     ASSUMED("memory cells re-enter division within days of meeting antigen; far slower than the 23/d of naive-cell activation, so a memory clone is not re-primed many times a day")},
    /* organ toxicity (docs/models/tme.md, "Organ toxicity") */
    [P_W0] = {"W0", 70.0, "kg", D_POS, "baseline body weight (weight gain in % of it)", ASSUMED("the 70-kg reference adult of the PK values")},
    [P_k_fill] = {"k_fill", 3.0, "L/d", D_NN, "fluid retained per day per unit rise of permeability (leak, with the IV fluids it needs)",
                  ASSUMED("calibrated: a HD IL-2 cycle retains ~4.3 kg (mean weight gain 4.0 kg after 5 days of IL-2, Textor et al. 1987, Am J Med 83:1055)")},
    [P_k_excr] = {"k_excr", 0.5, "1/d", D_NN, "renal excretion of retained fluid at baseline GFR",
                  ASSUMED("the retained fluid is lost within days of stopping IL-2, as haemodynamics and renal function recover (Textor et al. 1987, Am J Med 83:1055)")},
    [P_GFR0] = {"GFR0", 100.0, "mL/min", D_POS, "baseline glomerular filtration rate", ASSUMED("normal adult GFR")},
    [P_V_creat] = {"V_creat", 42.0, "L", D_POS, "creatinine distribution volume", ASSUMED("total body water, ~0.6 L/kg x 70 kg")},
    [P_creat0] = {"creat0", 0.9, "mg/dL", D_POS, "baseline serum creatinine (production = creat0 x GFR0)", ASSUMED("typical adult value")},
    [P_uln_creat] = {"uln_creat", 1.2, "mg/dL", D_POS, "upper limit of normal of serum creatinine", ASSUMED("common adult laboratory limit")},
    [P_Imax_gfr] = {"Imax_gfr", 0.9, "1", D_FRAC, "maximal fall of GFR with capillary leak (prerenal)",
                    ASSUMED("calibrated: creatinine ~2-3 x baseline after a HD IL-2 cycle, renal grade 3-5 in 15 % (Schwartzentruber et al. 2011, N Engl J Med 364:2119, Table 3); prerenal, FENa 0.2 % (Textor et al. 1987, Am J Med 83:1055)")},
    [P_K_gfr_leak] = {"K_gfr_leak", 0.15, "1", D_POS, "permeability rise (perm - 1) for half the GFR fall", ASSUMED("see Imax_gfr")},
    [P_k_gfr] = {"k_gfr", 0.7, "1/d", D_NN, "GFR response and recovery rate",
                 ASSUMED("creatinine back to baseline in 62 % of patients 7 d and 84 % 14 d after IL-2 (Belldegrun et al. 1987, Ann Intern Med 106:817)")},
    [P_alt0] = {"alt0", 0.5, "1", D_POS, "baseline ALT (x ULN)", ASSUMED("middle of the normal range")},
    [P_ast0] = {"ast0", 0.5, "1", D_POS, "baseline AST (x ULN)", ASSUMED("middle of the normal range")},
    [P_bil0] = {"bil0", 0.5, "1", D_POS, "baseline total bilirubin (x ULN)", ASSUMED("middle of the normal range")},
    [P_k_alt] = {"k_alt", 0.354, "1/d", D_NN, "ALT elimination (t1/2 47 h)", "Dufour et al. 2000, Clin Chem 46:2027 (ALT half-life 47 h)"},
    [P_k_ast] = {"k_ast", 0.978, "1/d", D_NN, "AST elimination (t1/2 17 h)", "Dufour et al. 2000, Clin Chem 46:2027 (AST half-life 17 h)"},
    [P_k_bil] = {"k_bil", 0.7, "1/d", D_NN, "turnover of the bilirubin rise", ASSUMED("IL-2 cholestasis reverses within days of stopping; no published rate")},
    [P_Emax_tx] = {"Emax_tx", 5.0, "1", D_NN, "maximal IL-2 rise of transaminase release (x baseline - 1)",
                   ASSUMED("calibrated: hepatic grade 3-5 in 39 % under HD IL-2 (Schwartzentruber et al. 2011, N Engl J Med 364:2119, Table 3); mostly bilirubin, transaminases milder")},
    [P_Emax_bil] = {"Emax_bil", 8.0, "1", D_NN, "maximal IL-2 rise of bilirubin (x baseline - 1)", ASSUMED("see Emax_tx")},
    [P_EC50_liver] = {"EC50_liver", 1000.0, "pM", D_POS, "effect-site IL-2 for half the hepatic effect", ASSUMED("same scale as the leak (EC50_perm)")},
    [P_plt0] = {"plt0", 250.0, "1e9/L", D_POS, "platelet set point", ASSUMED("middle of the 150-400e9/L adult range")},
    [P_MTT_plt] = {"MTT_plt", 4.0, "d", D_POS, "mean transit time of the platelet (megakaryocyte) chain", ASSUMED("megakaryocyte maturation of several days; no platelet fit for dacarbazine exists; with k_plt places the nadir in the label's 3-4 weeks")},
    [P_k_plt] = {"k_plt", 0.2, "1/d", D_NN, "platelet loss from blood",
                 ASSUMED("twice 1/(9.9 d), the mean platelet life span of Harker & Finch 1969, J Clin Invest 48:963: a fixed life span empties faster than first-order loss at 1/life span; places the dacarbazine platelet nadir in the label's 3-4 weeks")},
    [P_gamma_plt] = {"gamma_plt", 0.16, "1", D_NN, "feedback exponent of the platelet chain", ASSUMED("the neutrophil value gamma_neu (Friberg et al. 2002)")},
    [P_Emax_plt_il2] = {"Emax_plt_il2", 4.0, "1", D_NN, "maximal IL-2 rise of platelet loss (consumption, sequestration)",
                        ASSUMED("calibrated: blood/marrow grade 3-5 in 35 % under HD IL-2 (Schwartzentruber et al. 2011, N Engl J Med 364:2119, Table 3); platelets < 30e9/L in 2.2 % of cycles (Cancer 1995;75:1030)")},
    [P_EC50_plt_il2] = {"EC50_plt_il2", 1000.0, "pM", D_POS, "effect-site IL-2 for half the platelet loss", ASSUMED("same scale as the leak (EC50_perm)")},
    [P_k_stem] = {"k_stem", 0.07, "1/d", D_NN, "self-renewal of the marrow stem/progenitor pool feeding both chains",
                  ASSUMED("calibrated: dacarbazine's leukocyte and platelet nadirs fall 3-4 weeks after a dose (dacarbazine EU SmPC, section 4.8)")},
    [P_slope_stem] = {"slope_stem", 0.025, "1/(uM*d)", D_NN, "dacarbazine kill of the marrow stem/progenitor pool per exposure (AUC)",
                      ASSUMED("calibrated: grade 0-1 counts in a typical patient at 1,000 mg/m2 q3w, all-grade neutropenia 11 % and thrombocytopenia 10 % (dacarbazine arm of Robert et al. 2015, N Engl J Med 372:320)")},
    [P_EC50_nau_dtic] = {"EC50_nau_dtic", 15.0, "uM", D_POS, "plasma dacarbazine for half the emetic drive",
                         ASSUMED("calibrated: nausea and vomiting in most patients after each 1,000 mg/m2 dose (dacarbazine US label, Adverse Reactions)")},
    [P_EC50_nau_il2] = {"EC50_nau_il2", 4000.0, "pM", D_POS, "effect-site IL-2 for half the emetic drive", ASSUMED("vomiting in about half of HD IL-2 patients; no published exposure-response")},
    [P_k_nau_on] = {"k_nau_on", 12.0, "1/d", D_NN, "onset of nausea under the drive", ASSUMED("nausea within hours of a dose")},
    [P_k_nau_off] = {"k_nau_off", 2.0, "1/d", D_NN, "resolution of nausea (t1/2 ~8 h)", ASSUMED("vomiting lasts 1-12 h after a dose (dacarbazine US label, Adverse Reactions)")},
    [P_k_dmg] = {"k_dmg", 0.07, "1/d", D_POS, "expression of dacarbazine marrow damage (delay ~1/k_dmg)",
                 ASSUMED("calibrated with k_stem: nadirs of leukocytes and platelets 3-4 weeks after a dose (dacarbazine EU SmPC, section 4.8)")},
    /* GM-CSF, MDSC and IFN-alpha (docs/models/tme.md) */
    [P_f_mdsc0] = {"f_mdsc0", 0.1, "1", D_FRAC, "share of recruited monocytes becoming monocytic MDSC under tumour signals",
                   ASSUMED("CD14+HLA-DR-/lo MDSC are expanded in all stage IV melanoma patients (Filipazzi et al. 2007, J Clin Oncol 25:2546); a tenth of the monocyte entry gives baseline MDSC of ~1.5 % of the lesion T cells (no published lesion count to calibrate against)")},
    [P_f_mdsc_gm] = {"f_mdsc_gm", 0.3, "1", D_FRAC, "extra share becoming MDSC at saturating GM-CSF",
                     ASSUMED("GM-CSF above a dose threshold recruits MDSC (Serafini et al. 2004, Cancer Res 64:6337); no human size")},
    [P_EC50_gm_mdsc] = {"EC50_gm_mdsc", 200.0, "pM", D_POS, "lesion GM-CSF for half the MDSC drive",
                        ASSUMED("well above EC50_gm: MDSC need high, sustained GM-CSF (Serafini et al. 2004, Cancer Res 64:6337), and 125 ug/m2 d1-14 raised mature DC without changing MDSC (Daud et al. 2008, J Clin Oncol 26:3235)")},
    [P_K_mdsc] = {"K_mdsc", 1.0, "1", D_POS, "MDSC per lesion T cell (CD8 + Th) for half the suppression of CD8 killing and T proliferation (huge: off)",
                  ASSUMED("melanoma CD14+HLA-DR- cells suppress autologous T-cell proliferation and IFN-gamma in co-culture (Filipazzi et al. 2007, J Clin Oncol 25:2546); half at 1 MDSC per T cell, the 1:1 suppressor:responder ratio of such assays")},
    [P_Imax_ifn_prolif] = {"Imax_ifn_prolif", 0.5, "1", D_FRAC, "maximal IFN-alpha inhibition of cancer-cell division (cytostatic)",
                           ASSUMED("IFN-alpha2a inhibits melanoma cell proliferation at 10 and 1,000 IU/mL and is cytotoxic only at 10,000 IU/mL (Zouboulis et al. 1989, Hautarzt 40:65); melanoma lines respond partly and unevenly to IFN-alpha2b (Johns et al. 1992, J Natl Cancer Inst): half taken")},
    [P_EC50_ifn_prolif] = {"EC50_ifn_prolif", 20.0, "pM", D_POS, "IFN-alpha activity for half the anti-proliferative effect",
                           "derived: ~100 IU/mL, between the 10 and 1,000 IU/mL that acted in Zouboulis et al. 1989, Hautarzt 40:65, at ~0.2 pM per IU/mL; sensitive carcinoma lines respond at 0.1 nM (Lavoie et al. 2011, Cytokine 56:282)"},
    [P_k_ifn_vreg] = {"k_ifn_vreg", 0.02, "1/d", D_NN, "maximal IFN-alpha-driven regression of the vascular capacity",
                      ASSUMED("calibrated: HD IFN-alpha lowers the default lesion's vascular capacity by ~25 % by day 28, the microvessel-density fall of -26 % under IFN-alpha (Onkologie 2003;26:147); IFN-alpha makes tumour endothelium regress (Dinney et al. 1998, Cancer Res 58:808)")},
    [P_pdl1_ifna_max] = {"pdl1_ifna_max", 1.5, "1", D_NN, "maximal IFN-alpha induction of tumour PD-L1 (adds to the IFN-gamma term)",
                         ASSUMED("type I IFN up-regulates PD-L1 on melanoma cells (Bald et al. 2014, Cancer Discov 4:674), less than IFN-gamma does (Garcia-Diaz et al. 2017, Cell Rep 19:1189): 2.5-fold at saturation against IFN-gamma's 6-fold; half-maximal at EC50_ifn_mhc, the other IFN-alpha-induced surface protein")},
    [P_k_ifng_vreg] = {"k_ifng_vreg", 0.02, "1/d", D_NN, "maximal IFN-gamma-driven regression of the vascular capacity",
                       ASSUMED("IFN-gamma from T cells acting on endothelial cells makes tumour vessels regress and the tumour ischaemic (Kammertoens et al. 2017, Nature 545:98; mouse, no human rate); the IFN-alpha rate k_ifn_vreg taken. Calibrated on the credibility trial (docs/models/tme.md, \"Credibility in a trial\"): without it a lesion cleared of its recognised cells keeps a vascular capacity far above its cells and its escape cells regrow with ~8-day doublings; 0.05 makes partial responses 87 % of responses, 0.02 46 %")},
    [P_EC50_ifng_vreg] = {"EC50_ifng_vreg", 30.0, "pM", D_POS, "lesion IFN-gamma for half the IFN-gamma vessel regression",
                          ASSUMED("above the ~12 pM of an established lesion of the default patient and near the ~27 pM under anti-PD-1, so that the regression follows an active T-cell response; the IFN-gamma EC50s of PD-L1 and M1 (~3 pM) would make it act fully before treatment")},
    LES_PARAMS(1), LES_PARAMS(2), LES_PARAMS(3), LES_PARAMS(4),
    LES_PARAMS(5), LES_PARAMS(6), LES_PARAMS(7), LES_PARAMS(8),
};

/* ---- states ------------------------------------------------------------------ */

#define SYS(id, name, unit, init, desc) [id] = {name, unit, init, 0.0, desc}

#define LES(k, c0)                                                               \
    {"C_" #k, "cell", c0, 1.0, "cancer cells, lesion " #k " (below 1 cell: eradicated)"}, \
    {"K_" #k, "cell", 2.0 * (c0), 0.0, "vascular carrying capacity, lesion " #k}, \
    {"Eifn_" #k, "pM", 0.0, 0.0, "delayed IFN-alpha exposure (anti-angiogenesis), lesion " #k}, \
    {"NK_" #k, "cell", 0.0, 0.0, "NK cells, lesion " #k},                        \
    {"NEU_" #k, "cell", 0.0, 0.0, "neutrophils, lesion " #k},                    \
    {"EOS_" #k, "cell", 0.0, 0.0, "eosinophils, lesion " #k},                    \
    {"BAS_" #k, "cell", 0.0, 0.0, "basophils, lesion " #k},                      \
    {"MC_" #k, "cell", 0.0, 0.0, "mast cells, lesion " #k},                      \
    {"M1_" #k, "cell", 0.0, 0.0, "M1 macrophages, lesion " #k},                  \
    {"M2_" #k, "cell", 0.0, 0.0, "M2 macrophages, lesion " #k},                  \
    {"iDC_" #k, "cell", 0.0, 0.0, "immature dendritic cells, lesion " #k},       \
    {"mDC_" #k, "cell", 0.0, 0.0, "mature dendritic cells, lesion " #k},         \
    {"CD8_" #k, "cell", 0.0, 0.0, "effector CD8 T cells, lesion " #k},           \
    {"EX_" #k, "cell", 0.0, 0.0, "exhausted CD8 T cells, lesion " #k},           \
    {"Th_" #k, "cell", 0.0, 0.0, "CD4 helper T cells, lesion " #k},              \
    {"Treg_" #k, "cell", 0.0, 0.0, "regulatory T cells, lesion " #k},            \
    {"DEB_" #k, "cell", 0.0, 0.0, "dead tumour cells (antigen), lesion " #k},    \
    {"IL2_" #k, "pM", 0.0, 0.0, "IL-2, lesion " #k},                             \
    {"IFNa_" #k, "pM", 0.0, 0.0, "IFN-alpha, lesion " #k},                       \
    {"GM_" #k, "pM", 0.0, 0.0, "GM-CSF, lesion " #k},                            \
    {"IFNg_" #k, "pM", 0.0, 0.0, "IFN-gamma, lesion " #k},                       \
    {"IL2it_" #k, "pmol", 0.0, 0.0, "IL-2 at an intratumoral injection site, lesion " #k}, \
    {"IFNait_" #k, "pmol", 0.0, 0.0, "IFN-alpha at an intratumoral injection site, lesion " #k}, \
    {"GMit_" #k, "pmol", 0.0, 0.0, "GM-CSF at an intratumoral injection site, lesion " #k}, \
    {"clone1_" #k, "1", 0.45, 0.0, "share of cancer cells in subclonal-load bin 1, lesion " #k}, \
    {"clone2_" #k, "1", 0.2, 0.0, "share of cancer cells in subclonal-load bin 2, lesion " #k}, \
    {"clone3_" #k, "1", 0.05, 0.0, "share of cancer cells in subclonal-load bin 3, lesion " #k}, \
    {"escape_" #k, "1", 1e-3, 0.0, "share of cancer cells without antigen presentation (HLA/B2M loss), lesion " #k}, \
    {"MDSC_" #k, "cell", 0.0, 0.0, "monocytic myeloid-derived suppressor cells, lesion " #k}

static const its_state_def states[NSYS + MAX_LESIONS * NL] = {
    SYS(S_NEU, "NEU_b", "cell", 3.65e9 * 5.0, "neutrophils in blood"),
    SYS(S_MON, "MON_b", "cell", 0.43e9 * 5.0, "monocytes in blood"),
    SYS(S_EOS, "EOS_b", "cell", 0.15e9 * 5.0, "eosinophils in blood"),
    SYS(S_BAS, "BAS_b", "cell", 0.03e9 * 5.0, "basophils in blood"),
    SYS(S_NK, "NK_b", "cell", 0.25e9 * 5.0, "NK cells in blood"),
    SYS(S_N8, "nCD8_b", "cell", 0.505e9 * 5.0, "naive CD8 T cells in blood"),
    SYS(S_CD8, "CD8_b", "cell", 0.0, "effector CD8 T cells in blood"),
    SYS(S_N4, "nCD4_b", "cell", 0.86e9 * 5.0, "naive CD4 T cells in blood"),
    SYS(S_TH, "Th_b", "cell", 0.0, "effector helper T cells in blood"),
    SYS(S_TREG, "Treg_b", "cell", 0.05e9 * 5.0, "regulatory T cells in blood"),
    SYS(S_B, "B_b", "cell", 0.35e9 * 5.0, "B cells in blood"),
    SYS(S_CD8LN, "CD8_LN", "cell", 0.0, "primed CD8 T cells leaving the draining node"),
    SYS(S_THLN, "Th_LN", "cell", 0.0, "primed helper T cells in the draining node"),
    SYS(S_DCLN, "mDC_LN", "cell", 0.0, "mature dendritic cells in the draining node"),
    SYS(S_PC, "PC", "cell", 0.0, "tumour-specific plasma cells"),
    SYS(S_AB, "Ab", "nM", 0.0, "tumour-specific antibody in plasma"),
    SYS(S_IL2, "IL2_b", "pM", 0.0, "IL-2 in blood"),
    SYS(S_IFNA, "IFNa_b", "pM", 0.0, "IFN-alpha in blood"),
    SYS(S_GM, "GM_b", "pM", 0.0, "GM-CSF in blood"),
    SYS(S_IFNG, "IFNg_b", "pM", 0.0, "IFN-gamma in blood"),
    SYS(S_APD1, "antiPD1", "nM", 0.0, "anti-PD-1 antibody in plasma"),
    SYS(S_CEIL2, "Ce_il2", "pM", 0.0, "IL-2 effect site (vascular leak driver)"),
    SYS(S_PERM, "perm", "1", 1.0, "vascular permeability relative to baseline (leak, hypotension)"),
    SYS(S_CEIFN, "Ce_ifn", "pM", 0.0, "IFN-alpha effect site (flu-like driver)"),
    SYS(S_TOL, "tol_ifn", "pM", 0.0, "IFN-alpha tachyphylaxis moderator"),
    SYS(S_FLU, "flu", "1", 0.0, "flu-like constitutional state (0-1)"),
    SYS(S_IRAE, "irae", "1", 0.0, "immune-related adverse-event activity under PD-1 blockade (0-1)"),
    SYS(S_FAT, "fatigue", "1", 0.0, "fatigue from IFN-alpha and IL-2 (0-1)"),
    SYS(S_IL2P, "IL2_periph", "pmol", 0.0, "IL-2 in the peripheral PK compartment"),
    SYS(S_IL2SC, "IL2_sc", "pmol", 0.0, "IL-2 at the subcutaneous injection site"),
    SYS(S_IFNASC, "IFNa_sc", "pmol", 0.0, "IFN-alpha at the subcutaneous injection site"),
    SYS(S_GMSC, "GM_sc", "pmol", 0.0, "GM-CSF at the subcutaneous injection site"),
    SYS(S_APD1P, "antiPD1_periph", "nmol", 0.0, "anti-PD-1 in the peripheral PK compartment"),
    SYS(S_DTIC, "DTIC", "uM", 0.0, "dacarbazine in plasma"),
    SYS(S_PROL, "NEU_prol", "cell", 0.89 * 3.65e9 * 5.0 * PKV(ITS__PK_FRIBERG_MTT) / 4.0, "proliferating neutrophil precursors (marrow)"),
    SYS(S_TR1, "NEU_tr1", "cell", 0.89 * 3.65e9 * 5.0 * PKV(ITS__PK_FRIBERG_MTT) / 4.0, "maturing neutrophils, transit 1"),
    SYS(S_TR2, "NEU_tr2", "cell", 0.89 * 3.65e9 * 5.0 * PKV(ITS__PK_FRIBERG_MTT) / 4.0, "maturing neutrophils, transit 2"),
    SYS(S_TR3, "NEU_tr3", "cell", 0.89 * 3.65e9 * 5.0 * PKV(ITS__PK_FRIBERG_MTT) / 4.0, "maturing neutrophils, transit 3"),
    SYS(S_PEGSC, "PEG_sc", "pmol", 0.0, "peginterferon at the subcutaneous injection site"),
    SYS(S_PEG, "PEG_b", "pM", 0.0, "peginterferon in plasma"),
    SYS(S_PF8, "prec8", "1", 1.0, "share of the tumour-specific naive CD8 precursors not yet primed"),
    SYS(S_PF4, "prec4", "1", 1.0, "share of the tumour-specific naive CD4 precursors not yet primed"),
    SYS(S_M8, "mCD8_b", "cell", 0.0, "tumour-specific memory (stem-like) CD8, re-primable"),
    SYS(S_M4, "mTh_b", "cell", 0.0, "tumour-specific memory helper T cells, re-primable"),
    SYS(S_PR8, "CD8_burst", "cell", 0.0, "CD8 progeny of primed cells still expanding in the node (final count)"),
    SYS(S_PR4, "Th_burst", "cell", 0.0, "helper T progeny of primed cells still expanding in the node (final count)"),
    SYS(S_SIGT, "il2sig_T", "1", 0.0, "integrated IL-2 signal of T cells (alpha-beta-gamma, EC50_il2_teff)"),
    SYS(S_SIGNK, "il2sig_NK", "1", 0.0, "integrated IL-2 signal of NK and memory T (beta-gamma, EC50_il2_nk)"),
    SYS(S_BYS, "Tbys_b", "cell", 0.6e9 * 5.0, "non-tumour-specific memory/effector T cells (CD8 and CD4)"),
    SYS(S_MARG, "marg", "1", 0.0, "share of blood lymphocytes marginated out of the circulation by IL-2"),
    SYS(S_STEM, "marrow_stem", "1", 1.0, "marrow stem/progenitor pool feeding neutrophils and platelets (relative)"),
    SYS(S_DMG, "marrow_damage", "uM*d", 0.0, "dacarbazine DNA damage in the marrow stem pool, killing it with a delay"),
    SYS(S_PPROL, "PLT_prol", "1e9/L", 0.2 * 250.0 * 4.0 / 4.0, "proliferating megakaryocyte precursors (platelet equivalents)"),
    SYS(S_PTR1, "PLT_tr1", "1e9/L", 0.2 * 250.0 * 4.0 / 4.0, "maturing megakaryocytes, transit 1"),
    SYS(S_PTR2, "PLT_tr2", "1e9/L", 0.2 * 250.0 * 4.0 / 4.0, "maturing megakaryocytes, transit 2"),
    SYS(S_PTR3, "PLT_tr3", "1e9/L", 0.2 * 250.0 * 4.0 / 4.0, "maturing megakaryocytes, transit 3"),
    SYS(S_PLT, "PLT", "1e9/L", 250.0, "platelets in blood"),
    SYS(S_FLUID, "fluid", "L", 0.0, "fluid retained through the capillary leak (~kg of weight gain)"),
    SYS(S_GFR, "gfr", "1", 1.0, "glomerular filtration rate relative to baseline"),
    SYS(S_CREA, "creat", "mg/dL", 0.9, "serum creatinine"),
    SYS(S_ALT, "ALT", "1", 0.5, "alanine aminotransferase (x ULN)"),
    SYS(S_AST, "AST", "1", 0.5, "aspartate aminotransferase (x ULN)"),
    SYS(S_BIL, "bili", "1", 0.5, "total blood bilirubin (x ULN)"),
    SYS(S_NAU, "nausea", "1", 0.0, "nausea and vomiting severity (0-1)"),
    LES(1, 4e9), LES(2, 1.5e9), LES(3, 5e8), LES(4, 5e8),
    LES(5, 5e8), LES(6, 5e8), LES(7, 5e8), LES(8, 5e8),
};

/* Systemic inputs first, then three intratumoral inputs per lesion (IL-2,
 * IFN-alpha, GM-CSF): the n-lesion variant exposes the first
 * N_SYS_INPUTS + 3n. */
#define N_SYS_INPUTS 9
static const its_input_def inputs[N_SYS_INPUTS + 3 * MAX_LESIONS] = {
    {"il2", "IL2_b", 1.0, "pmol", "IL-2 intravenously (into V_il2)", "V_il2"},
    {"il2_sc", "IL2_sc", 1.0, "pmol", "IL-2 subcutaneously", NULL},
    {"ifna", "IFNa_b", 1.0, "pmol", "IFN-alpha intravenously (into V_ifna)", "V_ifna"},
    {"ifna_sc", "IFNa_sc", 1.0, "pmol", "IFN-alpha subcutaneously", NULL},
    {"gmcsf", "GM_b", 1.0, "pmol", "GM-CSF intravenously (into V_gm)", "V_gm"},
    {"gmcsf_sc", "GM_sc", 1.0, "pmol", "GM-CSF subcutaneously", NULL},
    {"antipd1", "antiPD1", 1.0, "nmol", "anti-PD-1 antibody intravenously (into V_antipd1)", "V_antipd1"},
    {"dacarbazine", "DTIC", 1.0, "umol", "dacarbazine intravenously (into V_dtic)", "V_dtic"},
    {"peginterferon_sc", "PEG_sc", 1.0, "pmol", "peginterferon alfa-2b subcutaneously", NULL},
    {"il2_it_1", "IL2it_1", 1.0, "pmol", "IL-2 into lesion 1 (intratumoral)", NULL},
    {"ifna_it_1", "IFNait_1", 1.0, "pmol", "IFN-alpha into lesion 1 (intratumoral)", NULL},
    {"gmcsf_it_1", "GMit_1", 1.0, "pmol", "GM-CSF into lesion 1 (intratumoral)", NULL},
    {"il2_it_2", "IL2it_2", 1.0, "pmol", "IL-2 into lesion 2 (intratumoral)", NULL},
    {"ifna_it_2", "IFNait_2", 1.0, "pmol", "IFN-alpha into lesion 2 (intratumoral)", NULL},
    {"gmcsf_it_2", "GMit_2", 1.0, "pmol", "GM-CSF into lesion 2 (intratumoral)", NULL},
    {"il2_it_3", "IL2it_3", 1.0, "pmol", "IL-2 into lesion 3 (intratumoral)", NULL},
    {"ifna_it_3", "IFNait_3", 1.0, "pmol", "IFN-alpha into lesion 3 (intratumoral)", NULL},
    {"gmcsf_it_3", "GMit_3", 1.0, "pmol", "GM-CSF into lesion 3 (intratumoral)", NULL},
    {"il2_it_4", "IL2it_4", 1.0, "pmol", "IL-2 into lesion 4 (intratumoral)", NULL},
    {"ifna_it_4", "IFNait_4", 1.0, "pmol", "IFN-alpha into lesion 4 (intratumoral)", NULL},
    {"gmcsf_it_4", "GMit_4", 1.0, "pmol", "GM-CSF into lesion 4 (intratumoral)", NULL},
    {"il2_it_5", "IL2it_5", 1.0, "pmol", "IL-2 into lesion 5 (intratumoral)", NULL},
    {"ifna_it_5", "IFNait_5", 1.0, "pmol", "IFN-alpha into lesion 5 (intratumoral)", NULL},
    {"gmcsf_it_5", "GMit_5", 1.0, "pmol", "GM-CSF into lesion 5 (intratumoral)", NULL},
    {"il2_it_6", "IL2it_6", 1.0, "pmol", "IL-2 into lesion 6 (intratumoral)", NULL},
    {"ifna_it_6", "IFNait_6", 1.0, "pmol", "IFN-alpha into lesion 6 (intratumoral)", NULL},
    {"gmcsf_it_6", "GMit_6", 1.0, "pmol", "GM-CSF into lesion 6 (intratumoral)", NULL},
    {"il2_it_7", "IL2it_7", 1.0, "pmol", "IL-2 into lesion 7 (intratumoral)", NULL},
    {"ifna_it_7", "IFNait_7", 1.0, "pmol", "IFN-alpha into lesion 7 (intratumoral)", NULL},
    {"gmcsf_it_7", "GMit_7", 1.0, "pmol", "GM-CSF into lesion 7 (intratumoral)", NULL},
    {"il2_it_8", "IL2it_8", 1.0, "pmol", "IL-2 into lesion 8 (intratumoral)", NULL},
    {"ifna_it_8", "IFNait_8", 1.0, "pmol", "IFN-alpha into lesion 8 (intratumoral)", NULL},
    {"gmcsf_it_8", "GMit_8", 1.0, "pmol", "GM-CSF into lesion 8 (intratumoral)", NULL},
};

/* ---- agents (itsim/agents.h) ----------------------------------------------------
 * How tme takes the therapy agents: by substance, the inputs per route; by
 * name, nivolumab, which also sets the anti-PD-1 PK to its own
 * 2-compartment values (baseline clearance of Bajaj 2017; the time-varying
 * part is not modelled). The anti-PD-1 defaults are pembrolizumab's. */
static const its_param_value nivolumab_pk[] = {
    {"V_antipd1", PKV(ITS__PK_NIVO_VC)}, {"CL_antipd1", PKV(ITS__PK_NIVO_CL)},
    {"Q_antipd1", PKV(ITS__PK_NIVO_Q)}, {"V2_antipd1", PKV(ITS__PK_NIVO_VP)},
};
static const its_agent_binding agent_bindings[] = {
    {.agent = "IL-2", .iv = "il2", .sc = "il2_sc", .it = "il2_it_"},
    {.agent = "IFN-alpha", .iv = "ifna", .sc = "ifna_sc", .it = "ifna_it_"},
    /* its own SC depot and plasma states, acting as IFN-alpha weighted by r_peg */
    {.agent = "peginterferon alfa", .sc = "peginterferon_sc"},
    {.agent = "GM-CSF", .iv = "gmcsf", .sc = "gmcsf_sc", .it = "gmcsf_it_"},
    {.agent = "nivolumab", .iv = "antipd1", .n_params = ITS__COUNT(nivolumab_pk),
     .params = nivolumab_pk},
    {.agent = "anti-PD-1", .iv = "antipd1"},
    {.agent = "dacarbazine", .iv = "dacarbazine"},
};

/* ---- profiles ------------------------------------------------------------------- */

/* Profiles. The first four values of each are rho, tmb, lambda1, b_ang
 * (tests/test_tme.c reads them in that order). */
static const its_param_value v_melanoma[] = {
    {"rho", 1e9}, {"tmb", 21.0}, {"lambda1", 0.018}, {"b_ang", 0.0207},
};
/* RCC: epithelial density 1e8 cells/mL and TMB 6. A lesion of the same cell
 * count is 10x larger, so the per-volume recruitment rates are scaled by 0.1
 * (infiltrate per cancer cell as in melanoma; ccRCC's higher infiltration,
 * Senbabaoglu 2016, is not calibrated yet). Growth, PD-L1 and the rates are
 * calibrated (assumed) to an untreated doubling of about a year (Stein 2012:
 * 462 d on IFN-alpha, Clin Cancer Res 18:2374). */
static const its_param_value v_rcc[] = {
    {"rho", 1e8}, {"tmb", 6.0}, {"lambda1", 0.0055}, {"b_ang", 0.0063},
    {"pdl1_0", 3.0}, {"q_T", 0.00835}, {"q_nk", 2e-5}, {"q_treg", 2e-5},
    {"q_neu", 3e-5}, {"q_mon", 5e-5}, {"q_eos", 1e-4}, {"q_bas", 1e-4},
};
static const its_param_set sets[] = {
    {"melanoma", "metastatic melanoma: TMB 21, 1e9 cells/mL, lesion doubling ~60 d",
     "Del Monte 2009, Cell Cycle 8:505 (1e9 cells/cm3); Salem et al., Caris TMB abstract (mean 21 "
     "mutations/Mb); assumed: doubling ~60 d after Ollila et al. 1998, J Surg Oncol 69:206",
     ITS__COUNT(v_melanoma), v_melanoma},
    {"rcc", "metastatic renal cell carcinoma: TMB 6, 1e8 cells/mL, doubling ~1 year",
     "Del Monte 2009, Cell Cycle 8:505 (1e8 cells/cm3 for epithelial tumours); Salem et al., Caris "
     "TMB abstract (mean 6 mutations/Mb); assumed: doubling ~1 year after the growth constant "
     "0.0015/d on IFN-alpha of Stein et al. 2012, Clin Cancer Res 18:2374",
     ITS__COUNT(v_rcc), v_rcc},
};

/* ---- right-hand side -------------------------------------------------------------- */

static double hill(double x, double k)
{
    return x > 0.0 ? x / (x + k) : 0.0;
}

/* Saturable uptake of a state in its own equation, x/(x + K) for x >= 0,
 * continued as x/K below 0. Clipping at 0 instead (hill) would put a kink
 * into the right-hand side exactly where a consumed cytokine sits (IL-2
 * taken up by many cells stays a hair above 0): the slope would jump from
 * the uptake rate to 0, and the step size collapses. This form is smooth
 * (C1) through 0, and an undershoot is pulled back instead of frozen. */
static double uptake(double x, double k)
{
    return x / (k + (x > 0.0 ? x : 0.0));
}

/* Logistic room for expansion towards a cap: 1 - x/cap, never negative. */
static double cap_room(double x, double cap)
{
    return x < cap ? 1.0 - fmax(x, 0.0) / cap : 0.0;
}

/* Ratio-dependent kill in the QSP-IO form k*E*C/(K*C + E) (Robertson-Tessi
 * 2012; QSPIO-TNBC Teff and macrophage modules): K sits on the cancer cells,
 * so each effector kills at most k/K per day and, with effectors in excess,
 * each cancer cell dies at rate k. 0 when either population is 0. */
static double kill_law(double e, double c, double k)
{
    double den = k * c + e;
    return (e > 0.0 && c > 0.0 && den > 0.0) ? e * c / den : 0.0;
}

/* What every lesion reads from blood, computed once per evaluation. */
typedef struct tme_blood {
    double vb;          /* blood volume (L) */
    double il2b, gmb;   /* blood IL-2 and GM-CSF (pM), clipped at 0 */
    double ifna_free_b; /* free IFN-alpha in blood (pM), clipped at 0 */
    double peg_act_b;   /* peginterferon's IFN-alpha activity in blood */
    double peg_act_l;   /* ... and in a lesion */
    double occ;         /* PD-1 receptor occupancy by anti-PD-1 */
} tme_blood;

/* What the lesions return to blood and the node, summed over lesions. */
typedef struct tme_flux {
    double sum_rec[NSYS]; /* recruitment drained from blood pools */
    double dc_to_ln;      /* mature DC migrating to the node */
    double cyt_back[4];   /* cytokine back-flux: IL-2, IFN-alpha, GM-CSF, IFN-gamma */
    double ag_load;       /* sum over lesions of cancer cells x mean antigen load */
    double ag_cells;      /* sum over lesions of cancer cells */
    double n_neo;         /* antigen breadth presented to the node (antigen_breadth) */
} tme_flux;

/* One lesion's populations clipped at 0, and the volumes derived from them. */
typedef struct tme_lesion {
    double c, kv, cv, vol_ml, hrec;
    double nk, neu, eos, bas, mc, m1, m2, idc, mdc, cd8, ex, th, treg, deb;
    double il2, ifna, gm, ifng, eifn;
    double vol_l;    /* volume the lesion's cytokines are diluted in (L) */
    double ifna_act; /* IFN-alpha activity (free plus peginterferon) */
    double room;     /* room for IL-2-driven proliferation */
    double rec_T;    /* effector T entry per blood cell */
    double rec_treg; /* Treg entry per blood cell */
    double rec_nk, rec_neu, rec_mon, rec_eos, rec_bas; /* entry of innate cells */
    double h_pd1;    /* PD-1/PD-L1 inhibition */
    double kill;     /* tumour cells killed per day */
    /* clones: shares of load bins 0-3 and of the escape compartment, the
     * antigen load and T-cell recognition of each bin, their share-weighted
     * mean, the division rate and the CD8 kill per cell per unit recognition */
    double s[NBIN], se, load[NBIN], rec[NBIN], rbar, g, k8;
    const double *lp; /* the lesion's own parameters (LP_GROW, ...) */
    double mdsc;  /* monocytic MDSC */
    double msupp; /* MDSC suppression of CD8 killing and T proliferation (1 = none) */
} tme_lesion;

static void blood_read(const double *y, const double *p, tme_blood *b)
{
    b->vb = p[P_V_blood];
    b->il2b = fmax(y[S_IL2], 0.0);
    b->ifna_free_b = fmax(y[S_IFNA], 0.0);
    /* IFN-alpha activity in blood: IFN-alpha2b plus peginterferon weighted
     * by its relative activity. */
    b->peg_act_b = p[P_r_peg] * fmax(y[S_PEG], 0.0);
    /* Peginterferon's activity in a lesion, quasi-steady with blood like
     * free IFN-alpha (no state of its own; lesions are tiny against V_peg). */
    b->peg_act_l = b->peg_act_b * p[P_k_exchange] / (p[P_k_exchange] + p[P_deg_ifna]);
    b->gmb = fmax(y[S_GM], 0.0);
    b->occ = hill(fmax(y[S_APD1], 0.0), p[P_EC50_antipd1]);
}

/* Tumour antigens (docs/models/tme.md, "Tumour antigens and clones"):
 * every cell carries the trunk load T = tmb exome f_immunogenic
 * clonal_share; bin i adds i S, S = tmb exome f_immunogenic (1 -
 * clonal_share) ccf_sub, the mean subclonal load per cell (each subclonal
 * neoantigen is in a fraction ccf_sub of the cells), which the default
 * composition has. Recognition is A/(A + K_rec); escape cells are not
 * recognised. */
static double trunk_load(const double *p)
{
    return p[P_tmb] * p[P_exome_mb] * p[P_f_immunogenic] * p[P_clonal_share];
}

static double bin_width(const double *p)
{
    return p[P_tmb] * p[P_exome_mb] * p[P_f_immunogenic] * (1.0 - p[P_clonal_share]) *
           p[P_ccf_sub];
}

static void lesion_clones_read(const double *l, const double *p, tme_lesion *v)
{
    const double t = trunk_load(p), w = bin_width(p), pres = v->lp[LP_PRESENT];
    double tot;
    int i;
    /* shares clipped at 0 only, bin 0 the unclipped rest: a share held at
     * 1 or a rest clipped at 0 would hide the couplings from the
     * structural Jacobian probes (src/engine/cvode_adapter.c). The rest
     * is >= 0 in exact arithmetic (s_0 = 0 is invariant), but the
     * integration error of the other shares can push their sum past 1
     * over a long history; a negative rest would then feed bin 1
     * negatively and grow (its rate up + esc + k8 rec_0 - kbar is
     * positive). So the shares are read relative to their sum when it
     * exceeds 1, with bin 0 empty: every share still depends on every
     * other (the probed pattern keeps its couplings). */
    v->se = fmax(l[L_SE], 0.0);
    tot = v->se;
    for (i = 1; i < NBIN; i++)
        tot += v->s[i] = fmax(l[L_S1 + i - 1], 0.0);
    if (tot > 1.0) {
        v->se /= tot;
        for (i = 1; i < NBIN; i++)
            v->s[i] /= tot;
        v->s[0] = 0.0;
    } else {
        v->s[0] = 1.0 - v->se;
        for (i = NBIN - 1; i > 0; i--)
            v->s[0] -= v->s[i];
    }
    v->rbar = 0.0;
    for (i = NBIN - 1; i >= 0; i--) {
        v->load[i] = t + i * w;
        v->rec[i] = pres * v->load[i] / (pres * v->load[i] + p[P_K_rec]);
        v->rbar += v->s[i] * v->rec[i];
    }
}

static void lesion_read(const tme_blood *b, const double *l, const double *p, size_t j,
                        tme_lesion *v)
{
    v->lp = p + P_LES0 + j * NPL;
    v->c = fmax(l[L_C], 0.0);
    v->kv = fmax(l[L_K], 0.0);
    v->cv = fmax(v->c, p[P_C_min]);
    v->vol_ml = v->cv / p[P_rho];
    v->hrec = v->c * v->c / (v->c * v->c + p[P_Kc_rec]);
    v->nk = fmax(l[L_NK], 0.0);
    v->neu = fmax(l[L_NEU], 0.0);
    v->eos = fmax(l[L_EOS], 0.0);
    v->bas = fmax(l[L_BAS], 0.0);
    v->mc = fmax(l[L_MC], 0.0);
    v->m1 = fmax(l[L_M1], 0.0);
    v->m2 = fmax(l[L_M2], 0.0);
    v->idc = fmax(l[L_IDC], 0.0);
    v->mdc = fmax(l[L_MDC], 0.0);
    v->cd8 = fmax(l[L_CD8], 0.0);
    v->ex = fmax(l[L_EX], 0.0);
    v->th = fmax(l[L_TH], 0.0);
    v->treg = fmax(l[L_TREG], 0.0);
    v->deb = fmax(l[L_DEB], 0.0);
    v->mdsc = fmax(l[L_MDSC], 0.0);
    v->il2 = fmax(l[L_IL2], 0.0);
    v->ifna = fmax(l[L_IFNA], 0.0);
    v->gm = fmax(l[L_GM], 0.0);
    v->ifng = fmax(l[L_IFNG], 0.0);
    v->eifn = fmax(l[L_EIFN], 0.0);
    lesion_clones_read(l, p, v);
    /* Gompertz growth per cell; its positive part is the division rate
     * that carries mutations and presentation loss */
    v->g = v->c > 0.0 && v->kv > 0.0
               ? p[P_lambda1] * v->lp[LP_GROW] * log(v->kv / v->c)
               : 0.0;
    /* The volume cytokines are diluted in holds every cell of the
     * lesion, living or dead (as QSP-IO's tumour volume does), each
     * taking the tissue volume of a cancer cell, 1/rho (assumed): the
     * infiltrate cannot be packed into the cancer cells' volume, so a
     * collapsing lesion full of T cells keeps the volume of its cells
     * and the concentration of what they secrete stays below
     * s rho/(k_exchange + deg) (docs/models/tme.md). */
    v->vol_l = (v->cv + v->deb + v->nk + v->neu + v->eos + v->bas + v->mc + v->m1 + v->m2 +
                v->idc + v->mdc + v->cd8 + v->ex + v->th + v->treg + v->mdsc) / p[P_rho] / 1000.0;
    v->ifna_act = v->ifna + b->peg_act_l;
    /* IFN-alpha's direct anti-proliferative (cytostatic) effect slows
     * division, not the loss of cells above the vascular capacity */
    if (v->g > 0.0)
        v->g *= 1.0 - p[P_Imax_ifn_prolif] * hill(v->ifna_act, p[P_EC50_ifn_prolif]);
    /* MDSC suppress T cells in proportion to their number per T cell */
    v->msupp = v->mdsc > 0.0 ? 1.0 - v->mdsc / (v->mdsc + p[P_K_mdsc] * (v->cd8 + v->th)) : 1.0;
    /* Room for lymphoid cells: entry and IL-2-driven proliferation stop
     * as T and NK cells reach f_imm_max per tumour cell (the lesion's
     * volume times f_imm_max rho cells/mL; assumed). */
    v->room = cap_room(v->nk + v->cd8 + v->ex + v->th + v->treg, p[P_f_imm_max] * v->cv);
}

/* Recruitment from blood: per mL of lesion, per blood cell, while tumour is
 * present (QSP-IO transmigration law). */
static void lesion_recruit(const double *y, const double *p, tme_lesion *v, tme_flux *f)
{
    const double a = v->vol_ml * v->hrec * v->lp[LP_ACCESS];
    v->rec_T = p[P_q_T] * a * v->room;
    v->rec_treg = p[P_q_treg] * a * v->room;
    v->rec_nk = p[P_q_nk] * a * v->room * y[S_NK];
    v->rec_neu = p[P_q_neu] * a * y[S_NEU];
    v->rec_mon = p[P_q_mon] * a * y[S_MON];
    v->rec_eos = p[P_q_eos] * a * y[S_EOS];
    v->rec_bas = p[P_q_bas] * a * y[S_BAS];
    f->sum_rec[S_CD8] += v->rec_T * y[S_CD8];
    f->sum_rec[S_TH] += v->rec_T * y[S_TH];
    f->sum_rec[S_TREG] += v->rec_treg * y[S_TREG];
    f->sum_rec[S_NK] += v->rec_nk;
    f->sum_rec[S_NEU] += v->rec_neu;
    f->sum_rec[S_MON] += v->rec_mon;
    f->sum_rec[S_EOS] += v->rec_eos;
    f->sum_rec[S_BAS] += v->rec_bas;
}

/* Tumour PD-L1 relative to pdl1_0's scale, induced by IFN-gamma and by
 * IFN-alpha activity (type I IFN; docs/models/tme.md, "IFN-alpha"). */
static double lesion_pdl1(const double *p, double ifng, double ifna_act)
{
    return p[P_pdl1_0] * (1.0 + p[P_pdl1_ifng_max] * hill(ifng, p[P_EC50_ifng_pdl1]) +
                          p[P_pdl1_ifna_max] * hill(ifna_act, p[P_EC50_ifn_mhc]));
}

/* The checkpoint (IFN-induced PD-L1, engaged PD-1 reduced by the share of
 * receptors occupied by anti-PD-1) and the killing of tumour cells by every
 * cytotoxic population and by dacarbazine. */
static void lesion_kill(const tme_blood *b, const double *y, const double *p, tme_lesion *v)
{
    const double pdl1 = lesion_pdl1(p, v->ifng, v->ifna_act);
    const double x = pdl1 * (1.0 - b->occ) / p[P_K_pd1];
    const double mhc = 1.0 + p[P_a_ifn_mhc] * hill(v->ifna_act, p[P_EC50_ifn_mhc]);
    const double supp = v->cd8 > 0.0 ? v->cd8 / (v->cd8 + p[P_K_T_Treg] * v->treg) : 0.0;
    const double den = p[P_K_T_C] * v->c * v->rbar + v->cd8;
    double k_cd8, k_nk, k_adcc, k_m1, k_neu, k_eos;
    v->h_pd1 = x * x / (x * x + 1.0);
    /* CD8 kill per cancer cell per unit recognition: the QSP-IO law on the
     * recognised cells c rbar, k E/(K c rbar + E), bounded by k as c -> 0;
     * bin i loses cells at k8 rec_i, so the total is
     * k kill_law(E, c rbar, K) times the modifiers. */
    v->k8 = v->cd8 > 0.0 && den > 0.0 ? p[P_k_cd8_kill] * v->cd8 / den *
                               (1.0 - v->h_pd1) * supp * mhc * v->msupp *
                               (1.0 + p[P_a_ifn_lymph] * hill(v->ifna_act, p[P_EC50_ifn_lymph]))
                         : 0.0;
    k_cd8 = v->k8 * v->rbar * v->c;
    k_nk = p[P_k_nk_kill] * kill_law(v->nk, v->c, p[P_K_nk_C]) *
           (1.0 + p[P_a_il2_nk] * hill(v->il2, p[P_EC50_il2_nk])) *
           (1.0 + p[P_a_ifn_nk] * hill(v->ifna_act, p[P_EC50_ifn_nk]));
    k_adcc = p[P_k_adcc] * kill_law(v->nk + v->m1, v->c, p[P_K_nk_C]) *
             hill(p[P_f_ab_lesion] * fmax(y[S_AB], 0.0), p[P_K_ab]);
    k_m1 = p[P_k_m1_kill] * kill_law(v->m1, v->c, p[P_K_m1_C]);
    k_neu = p[P_k_neu_kill] * kill_law(v->neu, v->c, p[P_K_inn_C]);
    k_eos = p[P_k_eos_kill] * kill_law(v->eos, v->c, p[P_K_inn_C]);
    v->kill = k_cd8 + k_nk + k_adcc + k_m1 + k_neu + k_eos +
              p[P_k_dtic_kill] * fmax(y[S_DTIC], 0.0) * v->c;
}

/* Tumour and vasculature (Hahnfeldt 1999 form, in cells), the delayed
 * IFN-alpha exposure and the debris of killed cells. */
static void lesion_tumour(const double *p, const tme_lesion *v, double *dl)
{
    const double d_ang = p[P_b_ang] / cbrt(p[P_K_max] * p[P_K_max]);
    const double ang = (1.0 - p[P_Imax_ifn_ang] * hill(v->eifn, p[P_EC50_ifn_ang])) *
                       (1.0 + p[P_a_mast_ang] * hill(v->mc, p[P_K_mast] * v->cv)) *
                       (1.0 + p[P_a_m2_ang] * hill(v->m2, p[P_K_m2_ang] * v->cv));
    dl[L_C] = v->g * v->c - v->kill;
    dl[L_K] = p[P_b_ang] * v->c * ang - d_ang * v->kv * cbrt(v->c * v->c) -
              p[P_k_ifn_vreg] * hill(v->eifn, p[P_EC50_ifn_ang]) * v->kv -
              p[P_k_ifng_vreg] * hill(v->ifng, p[P_EC50_ifng_vreg]) * v->kv;
    dl[L_EIFN] = (v->ifna_act - v->eifn) / p[P_tau_ifn_exposure];
    dl[L_DEB] = v->kill - p[P_k_debris] * v->deb;
}

/* Clonal composition (shares; docs/models/tme.md, "Tumour antigens and
 * clones"). Dividing cells move up one load bin at r mu f_imm / S (at most
 * r: one bin per division) and into the escape compartment at r p_hla_loss;
 * CD8 killing k8 rec_i selects against the recognised bins against the mean
 * kill per cell. Kill common to all cells (innate, drug) and growth cancel
 * in the shares. Adds the lesion's cells and antigen load to the flux. */
static void lesion_clones(const double *p, const tme_lesion *v, double *dl, tme_flux *f)
{
    const double r = fmax(v->g, 0.0);
    const double w = bin_width(p), gain = p[P_mut_rate] * p[P_f_immunogenic];
    const double up = gain > 0.0 ? r * (gain < w ? gain / w : 1.0) : 0.0;
    const double esc = r * p[P_p_hla_loss];
    const double kbar = v->k8 * v->rbar;
    double mean = v->se * (trunk_load(p) + w);
    int i;
    for (i = 1; i < NBIN; i++)
        dl[L_S1 + i - 1] = up * v->s[i - 1] - (i < NBIN - 1 ? up : 0.0) * v->s[i] -
                           esc * v->s[i] - v->s[i] * (v->k8 * v->rec[i] - kbar);
    dl[L_SE] = esc * (1.0 - v->se) + v->se * kbar;
    for (i = 0; i < NBIN; i++)
        mean += v->s[i] * v->load[i];
    f->ag_load += v->c * mean;
    f->ag_cells += v->c;
}

/* Innate cells: NK, granulocytes, mast cells, macrophages, dendritic cells. */
static void lesion_innate(const double *p, const tme_lesion *v, double *dl, tme_flux *f)
{
    const double f_dc = p[P_f_dc0] + p[P_f_dc_gm] * hill(v->gm, p[P_EC50_gm]);
    const double f_mdsc = fmin(p[P_f_mdsc0] + p[P_f_mdsc_gm] * hill(v->gm, p[P_EC50_gm_mdsc]), 1.0 - f_dc);
    const double f_mac = 1.0 - f_dc - f_mdsc;
    const double k12 = p[P_k_m1_to_m2] * (1.0 + p[P_a_bas_m2] * hill(v->bas, p[P_K_bas] * v->cv));
    const double k21 = p[P_k_m2_to_m1] * (hill(v->ifng, p[P_EC50_ifng_m1]) +
                                          p[P_a_ifn_m1] * hill(v->ifna_act, p[P_EC50_ifn_m1]));
    double mat;
    dl[L_NK] = v->rec_nk - p[P_d_nk_tissue] * v->nk +
               p[P_p_nk_il2] * v->nk * hill(v->il2, p[P_EC50_il2_nk]) * v->room;
    dl[L_NEU] = v->rec_neu - p[P_d_neu_tissue] * v->neu;
    dl[L_EOS] = v->rec_eos - p[P_d_eos_tissue] * v->eos;
    dl[L_BAS] = v->rec_bas - p[P_d_bas_tissue] * v->bas;
    dl[L_MC] = p[P_s_mc] * v->c - p[P_d_mc] * v->mc;
    dl[L_M1] = f_mac * v->rec_mon * p[P_f_m1_in] + k21 * v->m2 - k12 * v->m1 -
               p[P_d_mac] * v->m1;
    dl[L_M2] = f_mac * v->rec_mon * (1.0 - p[P_f_m1_in]) + k12 * v->m1 - k21 * v->m2 -
               p[P_d_mac] * v->m2;
    mat = p[P_k_mat] * hill(v->deb, p[P_K_debris] * v->cv) *
          (1.0 + p[P_a_ifn_dc] * hill(v->ifna_act, p[P_EC50_ifn_dc])) *
          (1.0 + p[P_a_gm_dc] * hill(v->gm, p[P_EC50_gm]));
    mat = fmin(mat, 1e3);
    dl[L_IDC] = f_dc * v->rec_mon - mat * v->idc - p[P_d_idc] * v->idc;
    dl[L_MDC] = mat * v->idc - p[P_k_mig] * v->mdc - p[P_d_mdc] * v->mdc;
    f->dc_to_ln += p[P_k_mig] * v->mdc;
    dl[L_MDSC] = f_mdsc * v->rec_mon - p[P_d_mac] * v->mdsc;
}

/* Adaptive cells in the lesion: effector and exhausted CD8, helper T, Treg. */
static void lesion_adaptive(const tme_blood *b, const double *y, const double *p,
                            const tme_lesion *v, double *dl)
{
    const double ex_rate = p[P_k_exh] * (v->c / (v->c + v->cd8 + 1.0)) * v->h_pd1;
    dl[L_CD8] = v->rec_T * y[S_CD8] +
                p[P_p_il2_cd8] * v->cd8 * hill(v->il2, p[P_EC50_il2_teff]) * v->room * v->msupp -
                p[P_d_cd8] * v->lp[LP_TDEATH] * v->cd8 *
                    (1.0 - p[P_s_gm_survival] * hill(v->gm, p[P_EC50_gm])) -
                ex_rate * v->cd8 - p[P_k_treg_supp] * v->cd8 * (v->treg / (v->cd8 + v->treg + 1.0)) +
                p[P_k_reinv] * b->occ * v->ex;
    dl[L_EX] = ex_rate * v->cd8 - p[P_k_reinv] * b->occ * v->ex - p[P_d_ex] * v->ex;
    dl[L_TH] = v->rec_T * y[S_TH] +
               p[P_p_il2_th] * v->th * hill(v->il2, p[P_EC50_il2_teff]) * v->room * v->msupp -
               p[P_d_th] * v->th * (1.0 - p[P_s_gm_survival] * hill(v->gm, p[P_EC50_gm]));
    dl[L_TREG] = v->rec_treg * y[S_TREG] +
                 p[P_p_il2_treg] * v->treg * hill(v->il2, p[P_EC50_il2_treg]) * v->room -
                 p[P_d_treg] * v->treg;
}

/* Cytokines (pM): exchange with blood, local secretion, decay. IL-2 is made
 * for about a day after activation (Sojka, V): the endogenous source is the
 * priming node (see blood IL-2); lesion IL-2 comes from blood and from
 * intratumoral injections, which disperse from the injection site at
 * k_it_local. */
static void lesion_cytokines(const tme_blood *b, const double *y, const double *p,
                             const tme_lesion *v, const double *l, double *dl, tme_flux *f)
{
    const double vol_l = v->vol_l;
    dl[L_IL2IT] = -p[P_k_it_local] * l[L_IL2IT];
    dl[L_IFNAIT] = -p[P_k_it_local] * l[L_IFNAIT];
    dl[L_GMIT] = -p[P_k_it_local] * l[L_GMIT];
    dl[L_IL2] = p[P_k_exchange] * (b->il2b - l[L_IL2]) - p[P_deg_il2_tissue] * l[L_IL2] +
                p[P_k_it_local] * fmax(l[L_IL2IT], 0.0) / vol_l -
                p[P_k_il2_consumption] * (v->cd8 + v->th + v->treg + v->nk) *
                    uptake(l[L_IL2], p[P_K_il2_consumption]) / vol_l;
    /* Linear losses read the cytokine as it is (not clipped at 0):
     * smooth through 0, and a round-off undershoot decays back. */
    dl[L_IFNA] = p[P_k_exchange] * (b->ifna_free_b - l[L_IFNA]) + p[P_s_ifna] * v->mdc / vol_l +
                 p[P_k_it_local] * fmax(l[L_IFNAIT], 0.0) / vol_l -
                 p[P_deg_ifna] * l[L_IFNA];
    dl[L_GM] = p[P_k_exchange] * (b->gmb - l[L_GM]) + p[P_s_gm] * v->th / vol_l +
               p[P_k_it_local] * fmax(l[L_GMIT], 0.0) / vol_l - p[P_deg_gm] * l[L_GM];
    dl[L_IFNG] = p[P_k_exchange] * (fmax(y[S_IFNG], 0.0) - l[L_IFNG]) +
                 p[P_s_ifng] * (v->cd8 + p[P_r_th_ifng] * v->th + p[P_r_nk_ifng] * v->nk) / vol_l -
                 p[P_deg_ifng] * l[L_IFNG];
    /* Back-flux into blood, diluted by the volume ratio: the same
     * exchange term as in the lesion equations above (unclipped lesion
     * cytokine), so that the exchange conserves mass also while a
     * lesion cytokine undershoots 0. */
    f->cyt_back[0] += p[P_k_exchange] * (l[L_IL2] - b->il2b) * vol_l / p[P_V_il2];
    f->cyt_back[1] += p[P_k_exchange] * (l[L_IFNA] - b->ifna_free_b) * vol_l / p[P_V_ifna];
    f->cyt_back[2] += p[P_k_exchange] * (l[L_GM] - b->gmb) * vol_l / p[P_V_gm];
    f->cyt_back[3] += p[P_k_exchange] * (l[L_IFNG] - fmax(y[S_IFNG], 0.0)) * vol_l / b->vb;
}

static void lesion_rhs(const tme_blood *b, const double *y, const double *p, size_t j,
                       double *dy, tme_flux *f)
{
    const double *l = y + NSYS + j * NL;
    double *dl = dy + NSYS + j * NL;
    tme_lesion v;
    lesion_read(b, l, p, j, &v);
    lesion_recruit(y, p, &v, f);
    lesion_kill(b, y, p, &v);
    lesion_tumour(p, &v, dl);
    lesion_clones(p, &v, dl, f);
    lesion_innate(p, &v, dl, f);
    lesion_adaptive(b, y, p, &v, dl);
    lesion_cytokines(b, y, p, &v, l, dl, f);
}

/* The marrow stem/progenitor pool (relative, 1 at rest) that feeds the
 * proliferating precursors of both chains: dacarbazine kills it, it renews
 * itself logistically. The kill acts through a damage state that
 * integrates the exposure and is expressed over ~1/k_dmg days (alkylated
 * stem cells die after further divisions), so the counts reach their nadir
 * weeks after a dose (the label's 3-4 weeks), not within the ~4 days of the
 * maturation chain; the total kill is slope_stem x AUC. Then the platelet chain, Friberg-type
 * like the neutrophil one, with IL-2-driven platelet loss. */
static void marrow_platelets(const double *y, const double *p, double *dy)
{
    const double stem = fmax(y[S_STEM], 0.0);
    const double k_trp = 4.0 / p[P_MTT_plt];
    const double plt = fmax(y[S_PLT], 1e-3);
    const double ce = fmax(y[S_CEIL2], 0.0);
    dy[S_DMG] = fmax(y[S_DTIC], 0.0) - p[P_k_dmg] * y[S_DMG];
    dy[S_STEM] = p[P_k_stem] * stem * (1.0 - stem) -
                 p[P_slope_stem] * p[P_k_dmg] * fmax(y[S_DMG], 0.0) * stem;
    dy[S_PPROL] = k_trp * y[S_PPROL] * stem * pow(p[P_plt0] / plt, p[P_gamma_plt]) -
                  k_trp * y[S_PPROL];
    dy[S_PTR1] = k_trp * (y[S_PPROL] - y[S_PTR1]);
    dy[S_PTR2] = k_trp * (y[S_PTR1] - y[S_PTR2]);
    dy[S_PTR3] = k_trp * (y[S_PTR2] - y[S_PTR3]);
    dy[S_PLT] = k_trp * y[S_PTR3] -
                p[P_k_plt] * y[S_PLT] * (1.0 + p[P_Emax_plt_il2] * hill(ce, p[P_EC50_plt_il2]));
}

/* Marrow and blood granulocytes: the Friberg maturation chain (Friberg
 * 2002) with dacarbazine acting on proliferation; neutrophils leave the
 * chain into blood, scaled by IFN-alpha suppression and GM-CSF boost. */
static void blood_myeloid(const tme_blood *b, const double *y, const double *p,
                          const tme_flux *f, double *dy)
{
    const double vb = b->vb;
    const double ifnab = b->ifna_free_b + b->peg_act_b;
    const double gm_myelo = 1.0 + p[P_a_gm_myelo] * hill(b->gmb, p[P_EC50_gm]);
    const double k_tr = 4.0 / p[P_MTT_neu];
    const double neu_prod = k_tr * fmax(y[S_TR3], 0.0) *
                            (1.0 - p[P_Imax_neu_ifn] * hill(ifnab, p[P_IC50_neu_ifn])) *
                            gm_myelo;
    /* Proliferating precursors: drug effect slope*C, feedback on the blood
     * count. Steady state without drug: every compartment at
     * d_neu neu0 V_blood / k_tr, blood at neu0 V_blood (tme_init). */
    const double circ = fmax(y[S_NEU], 1.0) / vb;
    const double e_drug = p[P_slope_dtic] * fmax(y[S_DTIC], 0.0);
    const double stem = fmax(y[S_STEM], 0.0);
    dy[S_NEU] = neu_prod - p[P_d_neu] * y[S_NEU] - f->sum_rec[S_NEU];
    dy[S_PROL] = k_tr * y[S_PROL] * stem * (1.0 - e_drug) *
                     pow(p[P_neu0] / circ, p[P_gamma_neu]) - k_tr * y[S_PROL];
    dy[S_TR1] = k_tr * (y[S_PROL] - y[S_TR1]);
    dy[S_TR2] = k_tr * (y[S_TR1] - y[S_TR2]);
    dy[S_TR3] = k_tr * (y[S_TR2] - y[S_TR3]);
    dy[S_MON] = p[P_d_mon] * p[P_mon0] * vb * gm_myelo - p[P_d_mon] * y[S_MON] - f->sum_rec[S_MON];
    dy[S_EOS] = p[P_d_eos] * p[P_eos0] * vb - p[P_d_eos] * y[S_EOS] - f->sum_rec[S_EOS];
    dy[S_BAS] = p[P_d_bas] * p[P_bas0] * vb - p[P_d_bas] * y[S_BAS] - f->sum_rec[S_BAS];
    marrow_platelets(y, p, dy);
}

/* IL-2's extra divisions n (Marchingo's N_il2 times the signal) bounded
 * smoothly by the room e left under the division ceiling: n e/(n + e),
 * ~n while n << e, never above e (a smooth form keeps the Jacobian's
 * structure visible and the step size steady). */
static double extra_divisions(double n, double e)
{
    return n > 0.0 && e > 0.0 ? n * e / (n + e) : 0.0;
}

/* Priming and clonal expansion in the draining node. Priming draws on the
 * tumour-specific naive precursors (a share prec of the full pool, which
 * priming depletes and thymic output renews slowly) and on re-primable
 * memory cells; each primed cell's progeny, 2^div with the division
 * destiny div set by the integrated IL-2 signal and bounded by N_div_max,
 * is delivered over days (k_burst); a share f_mem of it returns to memory
 * (docs/models/tme.md, "T-cell expansion, bystanders and Tregs"). */
static void node_priming(const double *y, const double *p, double n_neo, double h_dc,
                         double help, double *dy)
{
    const double full8 = fmax(y[S_N8], 0.0) * p[P_f_precursor] * n_neo;
    const double full4 = fmax(y[S_N4], 0.0) * p[P_f_precursor] * n_neo;
    const double a8 = p[P_k_act_cd8] * h_dc * help;
    const double a4 = p[P_k_act_cd4] * h_dc;
    const double am = p[P_k_mem_act] * h_dc;
    const double sig = fmax(y[S_SIGT], 0.0);
    const double div8 = p[P_N0_div] + extra_divisions(p[P_N_il2_cd8] * sig, p[P_N_div_max] - p[P_N0_div]);
    const double div4 = p[P_N0_div] + extra_divisions(p[P_N_il2_cd4] * sig, p[P_N_div_max] - p[P_N0_div]);
    const double out8 = p[P_k_burst] * fmax(y[S_PR8], 0.0);
    const double out4 = p[P_k_burst] * fmax(y[S_PR4], 0.0);
    const double mem8 = p[P_f_mem] * out8 * cap_room(y[S_M8], p[P_mem_cap] * full8);
    const double mem4 = p[P_f_mem] * out4 * cap_room(y[S_M4], p[P_mem_cap] * full4);
    dy[S_PF8] = p[P_k_prec_renew] * (1.0 - y[S_PF8]) - a8 * y[S_PF8];
    dy[S_PF4] = p[P_k_prec_renew] * (1.0 - y[S_PF4]) - a4 * y[S_PF4];
    dy[S_M8] = mem8 - am * help * y[S_M8];
    dy[S_M4] = mem4 - am * y[S_M4];
    dy[S_PR8] = (a8 * fmax(y[S_PF8], 0.0) * full8 + am * help * fmax(y[S_M8], 0.0)) * exp2(div8) -
                p[P_k_burst] * y[S_PR8];
    dy[S_PR4] = (a4 * fmax(y[S_PF4], 0.0) * full4 + am * fmax(y[S_M4], 0.0)) * exp2(div4) -
                p[P_k_burst] * y[S_PR4];
    dy[S_CD8LN] = out8 - mem8 - p[P_k_LN_out] * y[S_CD8LN];
    dy[S_THLN] = out4 - mem4 - p[P_k_LN_out] * y[S_THLN];
}

/* Blood NK and bystander (non-tumour-specific memory/effector) T cells:
 * homeostasis and IL-2-driven expansion on the integrated beta-gamma
 * signal; the IL-2 signals; IL-2-induced margination of lymphocytes out of
 * the circulation (read by the lymphocyte and NK counts). */
static void blood_bystanders(const double *y, const double *p, const tme_blood *b,
                             const tme_flux *f, double *dy)
{
    const double vb = b->vb;
    const double cap = p[P_il2_expansion_cap];
    const double sig_nk = fmax(y[S_SIGNK], 0.0);
    const double t_room = cap_room(fmax(y[S_CD8], 0.0) + fmax(y[S_TH], 0.0) + fmax(y[S_BYS], 0.0),
                                   cap * p[P_bys0] * vb);
    dy[S_SIGT] = p[P_k_il2_signal] * (hill(b->il2b, p[P_EC50_il2_teff]) - y[S_SIGT]);
    dy[S_SIGNK] = p[P_k_il2_signal] * (hill(b->il2b, p[P_EC50_il2_nk]) - y[S_SIGNK]);
    dy[S_NK] = p[P_d_nk] * p[P_nk0] * vb - p[P_d_nk] * y[S_NK] - f->sum_rec[S_NK] +
               p[P_p_nk_il2] * y[S_NK] * sig_nk * cap_room(y[S_NK], cap * p[P_nk0] * vb);
    dy[S_BYS] = p[P_d_bys] * (p[P_bys0] * vb - y[S_BYS]) + p[P_p_bys_il2] * y[S_BYS] * sig_nk * t_room;
    dy[S_MARG] = p[P_k_marg] * hill(fmax(y[S_CEIL2], 0.0), p[P_EC50_marg]) * (1.0 - y[S_MARG]) -
                 p[P_k_marg_ret] * y[S_MARG];
}

/* Lymphocytes in blood and the draining node: homeostasis, priming of
 * tumour-specific precursors, IL-2-driven expansion, the humoral arm. */
static void blood_lymphoid(const tme_blood *b, const double *y, const double *p,
                           const tme_flux *f, double *dy)
{
    const double vb = b->vb;
    const double n_neo = f->n_neo;
    const double gm_surv_b = 1.0 - p[P_s_gm_survival] * hill(b->gmb, p[P_EC50_gm]);
    const double h_dc = hill(fmax(y[S_DCLN], 0.0), p[P_K_dc_LN]);
    const double help = 1.0 + p[P_a_help] * hill(fmax(y[S_THLN], 0.0), p[P_K_help]);
    const double bact = p[P_k_b_act] * fmax(y[S_B], 0.0) * p[P_f_b_specific] * n_neo * h_dc * help;
    const double cap = p[P_il2_expansion_cap];

    node_priming(y, p, n_neo, h_dc, help, dy);
    blood_bystanders(y, p, b, f, dy);
    /* The naive pools at their homeostatic set points: tumour-specific
     * precursors are a ~1e-4 share, tracked by prec8/prec4. */
    dy[S_N8] = p[P_d_naive_cd8] * p[P_naive_cd8_0] * vb - p[P_d_naive_cd8] * y[S_N8];
    dy[S_N4] = p[P_d_naive_cd4] * p[P_naive_cd4_0] * vb - p[P_d_naive_cd4] * y[S_N4];
    /* Effector pools: IL-2 acts on the tumour-specific cells through
     * their division destiny (node_priming); effectors that reached it
     * do not divide on in blood (Marchingo et al. 2014). */
    dy[S_CD8] = p[P_k_LN_out] * y[S_CD8LN] - p[P_d_cd8] * y[S_CD8] * gm_surv_b - f->sum_rec[S_CD8];
    dy[S_TH] = p[P_k_LN_out] * y[S_THLN] - p[P_d_th] * y[S_TH] * gm_surv_b - f->sum_rec[S_TH];
    dy[S_TREG] = p[P_d_treg] * p[P_treg0] * vb - p[P_d_treg] * y[S_TREG] +
                 p[P_p_il2_treg] * y[S_TREG] * hill(b->il2b, p[P_EC50_il2_treg]) *
                     cap_room(y[S_TREG], cap * p[P_treg0] * vb) - f->sum_rec[S_TREG];
    dy[S_B] = p[P_d_b] * p[P_b_cell0] * vb - p[P_d_b] * y[S_B] - bact;
    dy[S_DCLN] = f->dc_to_ln - p[P_d_mdc] * y[S_DCLN];
    dy[S_PC] = bact * p[P_m_plasma] - p[P_d_plasma] * y[S_PC];
    dy[S_AB] = p[P_s_ab] * fmax(y[S_PC], 0.0) / vb - p[P_k_ab] * y[S_AB];
}

/* Pharmacokinetics of the therapy agents and the blood cytokines: IL-2 in
 * two compartments (central = blood IL2_b) with an SC depot, IFN-alpha,
 * GM-CSF, IFN-gamma, anti-PD-1 in two compartments (Ahamadi 2017),
 * dacarbazine, and peginterferon with clearance falling with time since the
 * start of the run (Gupta 2006). */
static void blood_pk(double t, const double *y, const double *p, const tme_flux *f,
                     double *dy)
{
    dy[S_IL2] = f->cyt_back[0] - (p[P_CL_il2] * y[S_IL2] +
                                  p[P_Q_il2] * (y[S_IL2] - y[S_IL2P] / p[P_V2_il2]) -
                                  p[P_F_il2_sc] * p[P_ka_il2_sc] * y[S_IL2SC]) / p[P_V_il2] -
                p[P_k_il2_consumption] * (fmax(y[S_CD8], 0.0) + fmax(y[S_TH], 0.0) +
                                          fmax(y[S_TREG], 0.0) + fmax(y[S_NK], 0.0) +
                                          fmax(y[S_BYS], 0.0)) *
                    uptake(y[S_IL2], p[P_K_il2_consumption]) / p[P_V_il2] +
                p[P_f_il2_spill] * p[P_s_il2] *
                    (fmax(y[S_THLN], 0.0) + p[P_r_cd8_il2] * fmax(y[S_CD8LN], 0.0)) /
                    p[P_V_il2];
    dy[S_IL2P] = p[P_Q_il2] * (y[S_IL2] - y[S_IL2P] / p[P_V2_il2]);
    dy[S_IL2SC] = -p[P_ka_il2_sc] * y[S_IL2SC];
    dy[S_IFNASC] = -p[P_ka_ifna_sc] * y[S_IFNASC];
    dy[S_GMSC] = -p[P_ka_gm_sc] * y[S_GMSC];
    dy[S_IFNA] = f->cyt_back[1] - p[P_cl_ifna_blood] * y[S_IFNA] +
                 p[P_F_ifna_sc] * p[P_ka_ifna_sc] * y[S_IFNASC] / p[P_V_ifna];
    dy[S_GM] = f->cyt_back[2] - p[P_cl_gm_blood] * y[S_GM] +
               p[P_F_gm_sc] * p[P_ka_gm_sc] * y[S_GMSC] / p[P_V_gm];
    dy[S_IFNG] = f->cyt_back[3] - p[P_cl_ifng_blood] * y[S_IFNG];
    dy[S_APD1] = -(p[P_CL_antipd1] * y[S_APD1] +
                   p[P_Q_antipd1] * (y[S_APD1] - y[S_APD1P] / p[P_V2_antipd1])) / p[P_V_antipd1];
    dy[S_APD1P] = p[P_Q_antipd1] * (y[S_APD1] - y[S_APD1P] / p[P_V2_antipd1]);
    dy[S_DTIC] = -p[P_CL_dtic] / p[P_V_dtic] * y[S_DTIC];
    dy[S_PEGSC] = -p[P_ka_peg] * y[S_PEGSC];
    dy[S_PEG] = (p[P_ka_peg] * y[S_PEGSC] -
                 p[P_CL_peg] / (1.0 + fmax(t, 0.0) / p[P_T_CL_peg]) * y[S_PEG]) /
                p[P_V_peg];
}

/* Organ toxicity: fluid retained through the capillary leak and excreted
 * by the kidney; prerenal GFR fall with the leak and creatinine (production
 * creat0 GFR0, clearance GFR0 gfr: steady state creat0/gfr); IL-2-driven,
 * reversible transaminase and bilirubin rises (indirect responses); nausea
 * and vomiting from dacarbazine and IL-2. */
static void organ_toxicity(const double *y, const double *p, double *dy)
{
    const double ce = fmax(y[S_CEIL2], 0.0);
    const double leak = fmax(y[S_PERM] - 1.0, 0.0);
    const double gfr = fmax(y[S_GFR], 0.0);
    const double k_cr = p[P_GFR0] * 1.44 / p[P_V_creat]; /* mL/min -> L/d, over L */
    const double liver = hill(ce, p[P_EC50_liver]);
    const double emesis = 1.0 - (1.0 - hill(fmax(y[S_DTIC], 0.0), p[P_EC50_nau_dtic])) *
                                    (1.0 - hill(ce, p[P_EC50_nau_il2]));
    dy[S_FLUID] = p[P_k_fill] * leak - p[P_k_excr] * gfr * y[S_FLUID];
    dy[S_GFR] = p[P_k_gfr] * (1.0 - p[P_Imax_gfr] * hill(leak, p[P_K_gfr_leak]) - y[S_GFR]);
    dy[S_CREA] = k_cr * (p[P_creat0] - gfr * y[S_CREA]);
    dy[S_ALT] = p[P_k_alt] * (p[P_alt0] * (1.0 + p[P_Emax_tx] * liver) - y[S_ALT]);
    dy[S_AST] = p[P_k_ast] * (p[P_ast0] * (1.0 + p[P_Emax_tx] * liver) - y[S_AST]);
    dy[S_BIL] = p[P_k_bil] * (p[P_bil0] * (1.0 + p[P_Emax_bil] * liver) - y[S_BIL]);
    dy[S_NAU] = p[P_k_nau_on] * emesis * (1.0 - y[S_NAU]) - p[P_k_nau_off] * y[S_NAU];
}

/* Side effects: IL-2 vascular leak (indirect response on permeability),
 * IFN-alpha flu-like state with tachyphylaxis, irAE activity under PD-1
 * occupancy, and fatigue. */
static void side_effects(const tme_blood *b, const double *y, const double *p, double *dy)
{
    const double ifnab = b->ifna_free_b + b->peg_act_b;
    const double ce = fmax(y[S_CEIL2], 0.0);
    const double ce2 = fmax(y[S_CEIFN], 0.0);
    const double resp = ce2 / (p[P_EC50_flu] * (1.0 + fmax(y[S_TOL], 0.0) / p[P_M50_flu]) + ce2);
    /* Fatigue: independent action of IFN-alpha and IL-2, without
     * tachyphylaxis (it grows as therapy continues). */
    const double r_ifn = hill(ce2, p[P_EC50_fat_ifn]);
    const double r_il2 = hill(ce, p[P_EC50_fat_il2]);
    const double drive = 1.0 - (1.0 - r_ifn) * (1.0 - r_il2);
    dy[S_CEIL2] = p[P_ke0_il2] * (b->il2b - y[S_CEIL2]);
    dy[S_PERM] = p[P_kout_perm] * (1.0 + p[P_Emax_perm] * hill(ce, p[P_EC50_perm])) -
                 p[P_kout_perm] * y[S_PERM];
    dy[S_CEIFN] = p[P_ke0_ifn] * (ifnab - y[S_CEIFN]);
    dy[S_TOL] = p[P_k_tolerance] * (ce2 - y[S_TOL]);
    dy[S_FLU] = p[P_k_flu] * (resp - y[S_FLU]);
    dy[S_IRAE] = p[P_k_irae] * b->occ * (1.0 - y[S_IRAE]) - p[P_k_irae_res] * y[S_IRAE];
    dy[S_FAT] = p[P_k_fatigue] * (drive - y[S_FAT]);
    organ_toxicity(y, p, dy);
}

/* The antigen breadth the node is primed against: the mean antigen load per
 * cancer cell over all lesions (trunk plus subclonal, escape cells with
 * their nominal load T + S: cross-presentation needs no tumour HLA), with
 * one cell of the baseline mean load T + S as a regulariser once every
 * lesion is eradicated. */
static void antigen_breadth(const double *p, tme_flux *f)
{
    const double n0 = trunk_load(p) + bin_width(p);
    f->n_neo = (f->ag_load + n0) / (f->ag_cells + 1.0);
}

/* The data of one tme variant: its number of lesions. */
typedef struct tme_data {
    size_t n_lesions;
} tme_data;

static const tme_data variant_data[MAX_LESIONS] = {{1}, {2}, {3}, {4}, {5}, {6}, {7}, {8}};

/* The right-hand side: every lesion (which drains blood pools and sends
 * DC and cytokines back), then blood, node, PK and side effects. */
static int tme_rhs(double t, const double *y, double *dy, const double *p, const void *data)
{
    const tme_data *d = data;
    tme_blood b;
    tme_flux f = {{0.0}, 0.0, {0.0, 0.0, 0.0, 0.0}, 0.0, 0.0, 0.0};
    size_t j;
    if (d == NULL || d->n_lesions > MAX_LESIONS)
        return -1;
    blood_read(y, p, &b);
    for (j = 0; j < d->n_lesions; j++)
        lesion_rhs(&b, y, p, j, dy, &f);
    antigen_breadth(p, &f);
    blood_myeloid(&b, y, p, &f, dy);
    blood_lymphoid(&b, y, p, &f, dy);
    blood_pk(t, y, p, &f, dy);
    side_effects(&b, y, p, dy);
    return 0;
}

/* Initial state: blood pools at their homeostatic set points for the blood
 * volume (set point x V_blood) and the marrow chain at its steady state
 * (d_neu neu0 V_blood / k_tr per compartment, k_tr = 4/MTT_neu), so that
 * `--set V_blood=6` starts at steady state. The products are written in
 * the order of the literal defaults of the state table, which they equal
 * bit for bit at the default parameters (tests/test_models.c). */
static int tme_init(const double *p, double *y0, const void *data)
{
    const double vb = p[P_V_blood];
    const double marrow = p[P_d_neu] * p[P_neu0] * vb * p[P_MTT_neu] / 4.0;
    (void)data;
    y0[S_NEU] = p[P_neu0] * vb;
    y0[S_MON] = p[P_mon0] * vb;
    y0[S_EOS] = p[P_eos0] * vb;
    y0[S_BAS] = p[P_bas0] * vb;
    y0[S_NK] = p[P_nk0] * vb;
    y0[S_N8] = p[P_naive_cd8_0] * vb;
    y0[S_N4] = p[P_naive_cd4_0] * vb;
    y0[S_TREG] = p[P_treg0] * vb;
    y0[S_B] = p[P_b_cell0] * vb;
    y0[S_BYS] = p[P_bys0] * vb;
    y0[S_PROL] = marrow;
    y0[S_TR1] = marrow;
    y0[S_TR2] = marrow;
    y0[S_TR3] = marrow;
    y0[S_PPROL] = p[P_k_plt] * p[P_plt0] * p[P_MTT_plt] / 4.0;
    y0[S_PTR1] = y0[S_PPROL];
    y0[S_PTR2] = y0[S_PPROL];
    y0[S_PTR3] = y0[S_PPROL];
    y0[S_PLT] = p[P_plt0];
    y0[S_CREA] = p[P_creat0];
    y0[S_ALT] = p[P_alt0];
    y0[S_AST] = p[P_ast0];
    y0[S_BIL] = p[P_bil0];
    return 0;
}

/* ---- pre-treatment history (its_history_def; docs/models/tme.md, "Baseline:
 * the pre-treatment history") --------------------------------------------------
 * Every lesion starts as a seed of C_seed cancer cells with vascular capacity
 * 2 C_seed (the ratio of the state table) and no infiltrate, blood at its set
 * points; the model runs untreated until the lesions hold as many cancer
 * cells as the baseline targets (the initial values C_k), then each lesion's
 * cell and amount states are scaled to its own target size. Infiltrate,
 * exhaustion, Treg and M2 shares and cytokines are those the tumour and the
 * immune system reached together. */
static double lesion_cells(const double *l)
{
    return l[L_C];
}

static int tme_seed(const double *p, const double *target, double *y, const void *data)
{
    const tme_data *d = data;
    size_t j, k;
    for (j = 0; j < d->n_lesions; j++) {
        double *l = y + NSYS + j * NL;
        const double c = lesion_cells(target + NSYS + j * NL);
        if (!(c >= 0.0))
            return -1;
        for (k = 0; k < NL; k++)
            l[k] = 0.0;
        /* a lesion without cancer cells at baseline stays empty */
        l[L_C] = c >= 1.0 ? fmin(p[P_C_seed], c) : 0.0;
        l[L_K] = 2.0 * l[L_C];
    }
    return 0;
}

static int tme_grown(const double *p, const double *target, const double *y, const void *data)
{
    const tme_data *d = data;
    double now = 0.0, want = 0.0;
    size_t j;
    (void)p;
    for (j = 0; j < d->n_lesions; j++) {
        const double c = lesion_cells(y + NSYS + j * NL), w = lesion_cells(target + NSYS + j * NL);
        if (w >= 1.0 && !(c >= 1.0))
            return -1; /* eliminated (its extinction floor): no baseline disease */
        now += c;
        want += w;
    }
    return now >= want;
}

static int tme_finish(const double *p, const double *target, double *y, const void *data)
{
    const tme_data *d = data;
    size_t j, k;
    (void)p;
    for (j = 0; j < d->n_lesions; j++) {
        double *l = y + NSYS + j * NL;
        const double c = lesion_cells(l);
        const double want = lesion_cells(target + NSYS + j * NL);
        double f;
        if (!(want >= 1.0))
            continue; /* empty at baseline */
        if (!(c >= 1.0))
            return -1;
        f = want / c;
        for (k = 0; k < NL; k++) {
            const char *u = states[NSYS + j * NL + k].unit;
            if (strcmp(u, "cell") == 0 || strcmp(u, "pmol") == 0)
                l[k] *= f; /* extensive: scales with the lesion */
        }
    }
    return 0;
}

/* The targets: the cancer cells C_k of the variant's lesions. */
static int tme_target(size_t state, const void *data)
{
    const tme_data *d = data;
    return state >= NSYS && state < NSYS + d->n_lesions * NL && (state - NSYS) % NL == L_C;
}

static const its_history_def tme_history = {
    .description = "every lesion grown untreated from C_seed cancer cells with no infiltrate "
                   "to its baseline size (docs/models/tme.md)",
    .max_duration = 20.0 * 365.25,
    .check_every = 1.0,
    .seed = tme_seed,
    .done = tme_grown,
    .finish = tme_finish,
    .target = tme_target,
    .targets = "the cancer cells C_k of each lesion",
    .why = "a lesion was eliminated before reaching its baseline size (an immune system "
           "that controls this tumour: no baseline disease to treat)",
};

/* ---- organ sites of lesions (its_site_def; docs/models/tme.md, "Lesion
 * sites") ---------------------------------------------------------------------
 * What a lesion's organ does to its own parameters, relative to the
 * reference lesion (1). */
static const its_param_value site_skin[] = {{"grow", 1.0}, {"access", 1.0}, {"tdeath", 1.0}};
static const its_param_value site_node[] = {{"grow", 1.0}, {"access", 1.0}, {"tdeath", 1.0}};
static const its_param_value site_lung[] = {{"grow", 1.0}, {"access", 1.5}, {"tdeath", 1.0}};
static const its_param_value site_liver[] = {{"grow", 1.0}, {"access", 2.0}, {"tdeath", 5.0}};
static const its_param_value site_other[] = {{"grow", 1.0}, {"access", 0.8}, {"tdeath", 1.0}};

/* No paired within-patient growth rates by site were found; untreated
 * melanoma metastases double in similar times in lung (cut-point 60 d,
 * Ollila 1998) and liver (median 63 d, uveal melanoma; Eskelin 2000), so
 * every site keeps grow 1. */
#define SITE_GROWTH "growth: no site difference found (lung doubling cut-point 60 d, Ollila et al. 1998, J Surg Oncol 69:206; uveal-melanoma liver metastases median 63 d, Eskelin et al. 2000, Ophthalmology 107:1443)"

static const its_site_def sites[] = {
    {"skin", "subcutaneous, cutaneous, subcutis, soft tissue, dermal", ITS__COUNT(site_skin),
     site_skin, "the reference lesion",
     "reference: soft-tissue lesions respond to anti-PD-1-based therapy about as often as lung lesions (79 % vs 77 % of lesions under ipilimumab + anti-PD-1, Pires da Silva et al. 2020, Cancer 126:86) and best to HD IL-2 (ORR 50 % with skin/subcutaneous disease only, Chang and Rosenberg 2001, J Immunother 24:88); " SITE_GROWTH},
    {"lymph node", "node, nodal, LN", ITS__COUNT(site_node), site_node,
     "as the reference lesion",
     "lymph-node and subcutaneous melanoma lesions changed alike under anti-PD-1 (mean +3.75 % at week 12, J Clin Oncol 2019;37(15_suppl):9552, abstract); " SITE_GROWTH},
    {"lung", "pulmonary, lungs", ITS__COUNT(site_lung), site_lung,
     "immune access x1.5: lung lesions respond more often and earlier",
     "assumed: the size x1.5; lung lesions reach complete response under pembrolizumab 2.3x as often as other sites (42 % vs 18 % of lesions, Khoja et al. 2016, Br J Cancer 115:1186; 65 % vs 39 %, Lee et al. 2018, Pigment Cell Melanoma Res 31:404); " SITE_GROWTH},
    {"liver", "hepatic", ITS__COUNT(site_liver), site_liver,
     "a T-cell sink: immune access x2 and effector T-cell death x5 (macrophage-mediated elimination)",
     "assumed: the sizes, calibrated; liver metastases siphon activated CD8 T cells from the circulation and eliminate them through macrophages (Yu et al. 2021, Nat Med 27:152); patients with liver metastases have lower CD8 density at the invasive margin (547 vs 1,441 cells/mm2) and ORR 30.6 % vs 56.3 % under pembrolizumab (Tumeh et al. 2017, Cancer Immunol Res 5:417); liver lesions respond least (46 % vs 79 % of soft-tissue lesions, Pires da Silva et al. 2020, Cancer 126:86). x2 and x5 give a liver lesion 0.76x the CD8 per tumour cell of the skin lesion beside it at baseline (0.63x that of a skin lesion in a patient without liver disease) and lower the skin lesion's by 0.82x (docs/models/tme.md, \"Lesion sites\"); " SITE_GROWTH},
    {"other", "bone, adrenal, brain, spleen, peritoneum, kidney, pancreas, bowel, visceral",
     ITS__COUNT(site_other), site_other, "immune access x0.8",
     "assumed: no melanoma data by site; in NSCLC under nivolumab bone and miscellaneous sites respond less and adrenal lesions more (Nishino et al. 2016, J Immunother Cancer 4:84); " SITE_GROWTH},
};

#define TME_TITLE "Tumour microenvironment: blood, draining node and lesions; innate, adaptive, cytokines, side effects"
#define TME_REF "itsim tme model (docs/models/tme.md); modules after Hahnfeldt 1999, QSP-IO (Sove 2020; Wang 2021) and the sources per parameter"
#define TME_NOTES "Lesions share blood and lymph node only. Cytokines in pM, antibodies in nM. " \
    "Parameters marked 'assumed' are placeholders to calibrate; see docs/models/tme.md."

static const char *const course[] = {"C_1", "C_2", "C_3", "CD8_b", "CD8_1",
                                     "EX_1", "Treg_1", "Ab", NULL};

/* ---- what the figures show (its_state_shown), in drawing order --------------
 * Blood first, then NSHOWN_L states per lesion: the n-lesion variant shows
 * the first NSHOWN_SYS + n NSHOWN_L. */
#define SHOWN_CYTOKINES(site, s)                                                    \
    {"IL2_" s, ITS_STATE_CYTOKINE, site, "IL2", "IL-2"},                            \
    {"IFNa_" s, ITS_STATE_CYTOKINE, site, "IFNa", "IFN-alpha"},                     \
    {"GM_" s, ITS_STATE_CYTOKINE, site, "GM", "GM-CSF"},                            \
    {"IFNg_" s, ITS_STATE_CYTOKINE, site, "IFNg", "IFN-gamma"}
#define SHOWN_LESION(k)                                                             \
    {"CD8_" #k, ITS_STATE_IMMUNE_CELLS, k, "CD8", "effector CD8 T cells"},          \
    {"EX_" #k, ITS_STATE_IMMUNE_CELLS, k, "EX", "exhausted CD8 T cells"},           \
    {"Treg_" #k, ITS_STATE_IMMUNE_CELLS, k, "Treg", "regulatory T cells"},          \
    {"NK_" #k, ITS_STATE_IMMUNE_CELLS, k, "NK", "NK cells"},                        \
    {"M1_" #k, ITS_STATE_IMMUNE_CELLS, k, "M1", "M1 macrophages"},                  \
    {"M2_" #k, ITS_STATE_IMMUNE_CELLS, k, "M2", "M2 macrophages"},                  \
    {"mDC_" #k, ITS_STATE_IMMUNE_CELLS, k, "mDC", "mature dendritic cells"},        \
    SHOWN_CYTOKINES(k, #k),                                                         \
    {"clone1_" #k, ITS_STATE_CLONE_SHARE, k, "clone1", "load bin 1 (T + S)"},       \
    {"clone2_" #k, ITS_STATE_CLONE_SHARE, k, "clone2", "load bin 2 (T + 2S)"},      \
    {"clone3_" #k, ITS_STATE_CLONE_SHARE, k, "clone3", "load bin 3 (T + 3S)"},      \
    {"escape_" #k, ITS_STATE_CLONE_SHARE, k, "escape", "escape (HLA/B2M loss)"},       \
    {"MDSC_" #k, ITS_STATE_IMMUNE_CELLS, k, "MDSC", "myeloid-derived suppressor cells"}
#define NSHOWN_SYS 10
#define NSHOWN_L 16
static const its_state_shown shown[NSHOWN_SYS + MAX_LESIONS * NSHOWN_L] = {
    {"CD8_b", ITS_STATE_IMMUNE_CELLS, 0, "CD8", "effector CD8 T cells"},
    {"NK_b", ITS_STATE_IMMUNE_CELLS, 0, "NK", "NK cells"},
    {"Treg_b", ITS_STATE_IMMUNE_CELLS, 0, "Treg", "regulatory T cells"},
    {"Th_b", ITS_STATE_IMMUNE_CELLS, 0, "Th", "effector helper T cells"},
    {"NEU_b", ITS_STATE_IMMUNE_CELLS, 0, "NEU", "neutrophils"},
    SHOWN_CYTOKINES(0, "b"),
    {"antiPD1", ITS_STATE_ANTIBODY, 0, "antiPD1", "anti-PD-1"},
    SHOWN_LESION(1), SHOWN_LESION(2), SHOWN_LESION(3), SHOWN_LESION(4),
    SHOWN_LESION(5), SHOWN_LESION(6), SHOWN_LESION(7), SHOWN_LESION(8),
};

/* ---- observables: what a clinician measures ----------------------------------- */

enum { O_SBP, O_TEMP, O_ANC, O_FLU, O_FAT, O_IRAE, O_LEAK, O_BURDEN, O_ALC, O_NKC, O_WGAIN,
       O_CREA, O_ALT, O_AST, O_BIL, O_PLT, O_NAU, O_VOM, O_TIL_CD8, O_TIL_T, O_CD8_TREG,
       NOBS_SYS };

/* Per lesion: its diameter, then its tumour antigens (escape cells present
 * none) and the share of load bin 0 (the other shares are states). */
#define NOBS_L 5
#define LESION_OBS(k)                                                                   \
    {"diam_" #k, "mm", ITS_OBS_LESION_DIAMETER, "diameter of lesion " #k " as a sphere"}, \
    {"neo_clonal_" #k, "1", ITS_OBS_OTHER,                                              \
     "clonal (trunk) neoantigens presented per cancer cell, lesion " #k ": T (1 - escape)"}, \
    {"neo_subclonal_" #k, "1", ITS_OBS_OTHER,                                           \
     "mean subclonal neoantigens presented per cancer cell, lesion " #k ": sum_i clone_i i S"}, \
    {"clone0_" #k, "1", ITS_OBS_OTHER,                                                  \
     "share of cancer cells in subclonal-load bin 0 (trunk antigens only), lesion " #k}, \
    {"pdl1_" #k, "1", ITS_OBS_OTHER,                                                    \
     "tumour PD-L1 (relative), lesion " #k ": pdl1_0 (1 + pdl1_ifng_max h(IFNg) + pdl1_ifna_max h(IFN-alpha activity))"}

static const its_observable_def observables[NOBS_SYS + MAX_LESIONS * NOBS_L] = {
    [O_SBP] = {"SBP", "mmHg", ITS_OBS_SBP, "systolic blood pressure: SBP0 - dSBP_perm (perm - 1)"},
    [O_TEMP] = {"temperature", "degC", ITS_OBS_TEMPERATURE,
                "T0 + dT_il2 Ce_il2/(EC50_fever_il2 + Ce_il2) + dT_flu flu"},
    [O_ANC] = {"ANC", "1e9/L", ITS_OBS_ANC, "absolute neutrophil count: NEU_b / V_blood"},
    [O_FLU] = {"flu_like", "1", ITS_OBS_FLU, "flu-like symptom severity (state flu)"},
    [O_FAT] = {"fatigue_level", "1", ITS_OBS_FATIGUE, "fatigue severity (state fatigue)"},
    [O_IRAE] = {"irae_level", "1", ITS_OBS_IRAE, "immune-related inflammation (state irae)"},
    [O_LEAK] = {"leak", "1", ITS_OBS_OTHER, "vascular permeability relative to baseline (state perm)"},
    [O_BURDEN] = {"burden", "cell", ITS_OBS_TUMOUR_BURDEN, "cancer cells in all lesions"},
    [O_ALC] = {"ALC", "1e9/L", ITS_OBS_OTHER,
               "absolute lymphocyte count: (1 - marg) (nCD8 + nCD4 + CD8 + Th + Treg + B + NK + Tbys + mCD8 + mTh)_b / V_blood"},
    [O_NKC] = {"NK_count", "1e9/L", ITS_OBS_OTHER, "NK cells in circulating blood: (1 - marg) NK_b / V_blood"},
    [O_WGAIN] = {"weight_gain", "%", ITS_OBS_WEIGHT_GAIN, "weight gain: 100 fluid / W0 (1 L ~ 1 kg)"},
    [O_CREA] = {"creatinine", "1", ITS_OBS_CREATININE, "serum creatinine in x ULN: creat / uln_creat"},
    [O_ALT] = {"ALT", "1", ITS_OBS_ALT, "alanine aminotransferase in x ULN (state ALT)"},
    [O_AST] = {"AST", "1", ITS_OBS_AST, "aspartate aminotransferase in x ULN (state AST)"},
    [O_BIL] = {"bilirubin", "1", ITS_OBS_BILIRUBIN, "total blood bilirubin in x ULN (state bili)"},
    [O_PLT] = {"platelets", "1e9/L", ITS_OBS_PLATELETS, "platelet count (state PLT)"},
    [O_NAU] = {"nausea_level", "1", ITS_OBS_NAUSEA, "nausea severity (state nausea)"},
    [O_VOM] = {"vomiting_level", "1", ITS_OBS_VOMITING, "vomiting severity (state nausea, graded on its own bands)"},
    /* the infiltrate of all lesions together, as a pathologist counts it
     * (docs/models/tme.md, "The baseline infiltrate") */
    [O_TIL_CD8] = {"til_cd8", "1", ITS_OBS_OTHER,
                   "CD8 T cells (effector and exhausted) per cancer cell, all lesions: sum (CD8 + EX) / sum C"},
    [O_TIL_T] = {"til_t_share", "1", ITS_OBS_OTHER,
                 "T cells (CD8, exhausted, helper, Treg) as a share of the immune cells in all lesions "
                 "(NK, granulocytes, mast cells, macrophages, DC, MDSC and T cells)"},
    [O_CD8_TREG] = {"cd8_treg", "1", ITS_OBS_OTHER,
                    "CD8 to Treg ratio in all lesions: sum (CD8 + EX) / sum Treg (0 without Treg: "
                    "do not bound it from below)"},
    LESION_OBS(1), LESION_OBS(2), LESION_OBS(3), LESION_OBS(4),
    LESION_OBS(5), LESION_OBS(6), LESION_OBS(7), LESION_OBS(8),
};

/* Lymphocytes of the blood pools (cells), circulating or marginated. */
static double tme_lymphocytes(const double *y)
{
    static const int pools[] = {S_N8, S_N4, S_CD8, S_TH, S_TREG, S_B, S_NK, S_BYS, S_M8, S_M4};
    double sum = 0.0;
    size_t i;
    for (i = 0; i < sizeof pools / sizeof pools[0]; i++)
        sum += fmax(y[pools[i]], 0.0);
    return sum;
}

/* The immune cells of a lesion's infiltrate (T cells among them). */
static const int infiltrate[] = {L_NK, L_NEU, L_EOS, L_BAS, L_MC, L_M1, L_M2, L_IDC, L_MDC,
                                 L_CD8, L_EX, L_TH, L_TREG, L_MDSC};

static int tme_observe(double t, const double *y, const double *p, double *out,
                       const void *data)
{
    const tme_data *d = data;
    size_t j;
    double burden = 0.0, cd8 = 0.0, tcells = 0.0, treg = 0.0, immune = 0.0;
    tme_blood b;
    (void)t;
    if (d == NULL || d->n_lesions > MAX_LESIONS)
        return -1;
    blood_read(y, p, &b);
    out[O_SBP] = p[P_SBP0] - p[P_dSBP_perm] * (y[S_PERM] - 1.0);
    out[O_TEMP] = p[P_T0] + p[P_dT_il2] * hill(fmax(y[S_CEIL2], 0.0), p[P_EC50_fever_il2]) +
                  p[P_dT_flu] * fmax(y[S_FLU], 0.0);
    out[O_ANC] = fmax(y[S_NEU], 0.0) / (p[P_V_blood] * 1e9);
    out[O_FLU] = y[S_FLU];
    out[O_FAT] = y[S_FAT];
    out[O_IRAE] = y[S_IRAE];
    out[O_LEAK] = y[S_PERM];
    out[O_WGAIN] = 100.0 * y[S_FLUID] / p[P_W0];
    out[O_CREA] = y[S_CREA] / p[P_uln_creat];
    out[O_ALT] = y[S_ALT];
    out[O_AST] = y[S_AST];
    out[O_BIL] = y[S_BIL];
    out[O_PLT] = y[S_PLT];
    out[O_NAU] = y[S_NAU];
    out[O_VOM] = y[S_NAU];
    for (j = 0; j < d->n_lesions; j++) {
        const double *l = y + NSYS + j * NL;
        const double c = fmax(l[L_C], 0.0);
        double *o = out + NOBS_SYS + j * NOBS_L;
        tme_lesion v;
        int i;
        /* cells / (cells/mL) = mL = cm3; sphere diameter in cm, then mm */
        o[0] = 10.0 * cbrt(6.0 * c / (p[P_rho] * 3.14159265358979323846));
        v.lp = p + P_LES0 + j * NPL;
        lesion_clones_read(l, p, &v);
        o[1] = trunk_load(p) * (1.0 - v.se);
        o[2] = 0.0;
        for (i = 1; i < NBIN; i++)
            o[2] += v.s[i] * i * bin_width(p);
        o[3] = fmax(v.s[0], 0.0);
        o[4] = lesion_pdl1(p, fmax(l[L_IFNG], 0.0), fmax(l[L_IFNA], 0.0) + b.peg_act_l);
        burden += c;
        cd8 += fmax(l[L_CD8], 0.0) + fmax(l[L_EX], 0.0);
        treg += fmax(l[L_TREG], 0.0);
        tcells += fmax(l[L_CD8], 0.0) + fmax(l[L_EX], 0.0) + fmax(l[L_TH], 0.0) + fmax(l[L_TREG], 0.0);
        for (i = 0; i < (int)(sizeof infiltrate / sizeof infiltrate[0]); i++)
            immune += fmax(l[infiltrate[i]], 0.0);
    }
    out[O_BURDEN] = burden;
    out[O_TIL_CD8] = burden > 0.0 ? cd8 / burden : 0.0;
    out[O_TIL_T] = immune > 0.0 ? tcells / immune : 0.0;
    out[O_CD8_TREG] = treg > 0.0 ? cd8 / treg : 0.0;
    out[O_ALC] = tme_lymphocytes(y) * (1.0 - y[S_MARG]) / (p[P_V_blood] * 1e9);
    out[O_NKC] = fmax(y[S_NK], 0.0) * (1.0 - y[S_MARG]) / (p[P_V_blood] * 1e9);
    return 0;
}

/* One definition per lesion count: they differ in their counts of states,
 * inputs and observables, their name and course, and their data (the
 * lesion count read by the shared functions). */
#define TME_DEF(n, nm)                                                       \
    {                                                                        \
        .version = ITS_MODEL_VERSION, .name = nm, .title = TME_TITLE,        \
        .reference = TME_REF, .time_unit = "d", .notes = TME_NOTES,          \
        .n_states = NSYS + (n) * NL, .states = states,                       \
        .n_params = NP, .params = params,                                    \
        .n_inputs = N_SYS_INPUTS + 3 * (n), .inputs = inputs,                \
        .n_sets = ITS__COUNT(sets), .sets = sets, .default_set = "melanoma", \
        .rhs = tme_rhs, .init = tme_init, .data = &variant_data[(n) - 1],    \
        .course = (n) >= 3 ? course : NULL, .default_until = 365.0,          \
        .n_observables = NOBS_SYS + (n) * NOBS_L, .observables = observables, \
        .observe = tme_observe,                                              \
        .n_agents = ITS__COUNT(agent_bindings), .agents = agent_bindings,    \
        .n_shown = NSHOWN_SYS + (n) * NSHOWN_L, .shown = shown,              \
        .history = &tme_history,                                             \
        .n_sites = ITS__COUNT(sites), .sites = sites,                        \
    }

const its_model_def its__model_tme_variants[MAX_LESIONS] = {
    TME_DEF(1, "tme:1"), TME_DEF(2, "tme:2"), TME_DEF(3, "tme"),
    TME_DEF(4, "tme:4"), TME_DEF(5, "tme:5"), TME_DEF(6, "tme:6"),
    TME_DEF(7, "tme:7"), TME_DEF(8, "tme:8"),
};
