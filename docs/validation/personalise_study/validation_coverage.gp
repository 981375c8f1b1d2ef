# validation_coverage.gp: per variable, the share of synthetic patients whose 90 %
# credible interval held the true value, with its 95 % Clopper-Pearson interval;
# shaded, where a correct posterior's coverage falls with probability 0.95.
set encoding utf8
do for [fmt in "png svg"] {
    if (fmt eq "png") {
        set terminal pngcairo size 900,520 noenhanced font "Sans,10"
    } else {
        set terminal svg size 900,520 noenhanced font "Sans,10" background "white"
    }
    set output "validation_coverage.".fmt
    reset
    set datafile separator ','
    set title 'coverage of the 90 % credible intervals'
    set ylabel 'coverage'; set yrange [0:1.05]; set xrange [0.5:17.5]
    set xtics rotate by 45 right
    set object 1 rect from graph 0, first 0.840000 to graph 1, first 0.950000 behind fc rgb '#1f77b4' fs transparent solid 0.15 noborder
    set arrow 1 from graph 0, first 0.9 to graph 1, first 0.9 nohead dt 2 lc rgb '#1f77b4'
    plot 'validation_coverage.dat' every ::1 using 1:3:4:5:xticlabels(2) with yerrorbars pt 7 lc rgb '#d62728' title 'coverage (100 patients), 95 % CI'
    set output
}
