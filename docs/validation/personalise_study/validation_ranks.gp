# validation_ranks.gp: the truths' ranks among the kept posterior draws, pooled over
# the variables, in 10 bins: as the dashed steps for a correct posterior (flat up to
# the bins' sizes); a U shape means intervals too narrow, a hump too wide, a slope a
# bias (Talts et al. 2018).
set encoding utf8
do for [fmt in "png svg"] {
    if (fmt eq "png") {
        set terminal pngcairo size 900,520 noenhanced font "Sans,10"
    } else {
        set terminal svg size 900,520 noenhanced font "Sans,10" background "white"
    }
    set output "validation_ranks.".fmt
    reset
    set datafile separator ','
    set title 'ranks of the truths among the posterior draws'
    set xlabel 'rank bin (1: the truth below 90 % or more of the draws, 10: above)'
    set ylabel '(patient, variable) pairs'; set yrange [0:*]; set xrange [0.5:10.5]
    set xtics 1; set style fill solid 0.5
    plot 'validation_ranks.dat' every ::1 using 1:2 with boxes lc rgb '#d62728' title 'truths', '' every ::1 using 1:3 with histeps dt 2 lw 2 lc rgb '#1f77b4' title 'a correct posterior'
    set output
}
