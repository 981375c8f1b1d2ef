#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The baseline infiltrate of the TCGA melanoma metastases that the melanoma
calibration is compared with (docs/calibration.md, "The baseline
infiltrate"), from the PanImmune estimates of Thorsson et al. 2018 (Immunity
48:812):

    python3 tools/tcga_til.py LEUKOCYTE_FRACTION.tsv CIBERSORT.tsv

LEUKOCYTE_FRACTION.tsv: TCGA_all_leuk_estimate.masked.20170107.tsv (no
header: cancer type, aliquot barcode, leukocyte fraction of all cells, from
DNA methylation). CIBERSORT.tsv: TCGA.Kallisto.fullIDs.cibersort.relative.tsv
(header; relative fractions of the 22 LM22 immune types). Only the SKCM
metastases (sample type 06) found in both are used. Prints, per sample
quantile: CD8 T cells per non-leukocyte cell (LF x CD8 share / (1 - LF)), T
cells among the non-B immune cells, and CD8 : Treg (samples with Treg > 0).
Standard library only; nearest-rank quantiles."""
import csv
import sys

QUANTILES = (10, 25, 50, 75, 90, 97.5, 99)


def quantiles(values):
    v = sorted(values)
    n = len(v)
    return [v[min(n - 1, int(q / 100 * (n - 1) + 0.5))] for q in QUANTILES]


def main(leuk_path, cib_path):
    lf = {}
    with open(leuk_path, newline="") as fp:
        for row in csv.reader(fp, delimiter="\t"):
            if len(row) >= 3 and row[0] == "SKCM":
                lf[row[1][:15].replace("-", ".")] = float(row[2])
    cd8_per_cell, t_share, cd8_treg = [], [], []
    with open(cib_path, newline="") as fp:
        for row in csv.DictReader(fp, delimiter="\t"):
            sample = row["SampleID"][:15]
            if row["CancerType"] != "SKCM" or sample[13:15] != "06" or sample not in lf:
                continue
            f = lf[sample]
            cd8 = float(row["T.cells.CD8"])
            tcells = sum(float(row[k]) for k in row if k.startswith("T.cells"))
            b = sum(float(row[k]) for k in ("B.cells.naive", "B.cells.memory", "Plasma.cells"))
            treg = float(row["T.cells.regulatory..Tregs."])
            cd8_per_cell.append(f * cd8 / (1.0 - f))
            if b < 1.0:
                t_share.append(tcells / (1.0 - b))
            if treg > 0.0:
                cd8_treg.append(cd8 / treg)
    print("quantile (%): " + " ".join(f"{q:g}" for q in QUANTILES))
    for name, v in (("CD8 per non-leukocyte cell", cd8_per_cell),
                    ("T cells among non-B immune cells", t_share),
                    ("CD8 : Treg (Treg > 0)", cd8_treg)):
        print(f"{name} (n {len(v)}): " + " ".join(f"{x:.4g}" for x in quantiles(v)))


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
