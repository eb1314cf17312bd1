# plots.gp: the benchmark plots (SVG) from the data files bench/report/report writes.
#
# usage: gnuplot -e "datadir='build/bench/plots'" bench/plots.gp
#
#   ops.dat     -> ops.svg     time per operation, median with min-max bars,
#                              Linux baselines (and guest on hardware KVM)
#   kmem.dat    -> kmem.svg    kernel memory per task against task count
#   icount.dat  -> icount.svg  instructions per operation under -icount
#   icount-linux.dat -> icount-linux.svg  Linux / shoji instructions per
#                              operation, same -icount settings, Linux with
#                              default mitigations and with mitigations=off
# A plot whose data file is missing or empty is left out.

if (!exists("datadir")) datadir = "build/bench/plots"
exists_nonempty(f) = system("test -s '" . f . "' && echo 1 || echo 0") + 0

set terminal svg size 1100,700 dynamic noenhanced font "sans,11" background rgb "white"
set style fill solid 0.7 border -1
set grid ytics
set key outside top center horizontal

f = datadir . "/ops.dat"
if (exists_nonempty(f) && system("grep -vc '^#' '" . f . "'") + 0 > 0) {
	set output datadir . "/ops.svg"
	set title "Time per operation (median, bars: min–max over runs)"
	set ylabel "ns per operation (log scale)"
	set logscale y
	set boxwidth 0.7
	set xtics rotate by 35 right font ",9"
	set bmargin 16
	set lmargin 12
	plot f using 0:($5 == 0 ? $2 : 1/0):xtic(1) with boxes lc rgb "#4a7ab5" title "Linux, this host", \
	     f using 0:($5 == 1 ? $2 : 1/0) with boxes lc rgb "#d9822b" title "guest on KVM", \
	     f using 0:2:3:4 with yerrorbars lc rgb "black" pt 1 ps 0.3 notitle
	unset logscale y
	set xtics norotate font ",11"
	set bmargin
	set lmargin
}

f = datadir . "/kmem.dat"
if (exists_nonempty(f)) {
	set output datadir . "/kmem.svg"
	set title "Kernel memory per task (sys_kmem of the first of N tasks started together)"
	set xlabel "tasks started together"
	set ylabel "bytes per task (log scale)"
	set logscale x 2
	set logscale y
	set yrange [500:*]
	set xtics ("1" 1, "15" 15, "256" 256, "1024" 1024)
	plot f using 1:2 with linespoints lw 2 pt 7 title "process", \
	     f using 1:3 with linespoints lw 2 pt 5 title "shared", \
	     f using 1:4 with linespoints lw 2 pt 9 title "kernel", \
	     1024 with lines dt 2 lc rgb "red" title "target: 1 KiB per shared task"
	unset logscale x
	unset logscale y
	unset xlabel
	set yrange [*:*]
	set xtics autofreq
}

f = datadir . "/icount.dat"
if (exists_nonempty(f)) {
	set output datadir . "/icount.svg"
	set title "Instructions per operation (QEMU -icount shift=0: one TSC tick = one instruction)"
	set ylabel "instructions per operation (log scale)"
	set logscale y
	set boxwidth 0.7
	set xtics rotate by 35 right font ",9"
	set bmargin 16
	set lmargin 12
	plot f using 0:2:xtic(1) with boxes lc rgb "#5b8c5a" notitle, \
	     150 with lines dt 2 lc rgb "red" title "150: shared switch target (call to peer)"
}

f = datadir . "/icount-linux.dat"
if (exists_nonempty(f) && system("grep -vc '^#' '" . f . "'") + 0 > 0) {
	set output datadir . "/icount-linux.svg"
	set title "Linux / shoji, instructions per operation (both under QEMU -icount shift=0)"
	set ylabel "ratio (log scale; above 1: shoji's path is shorter)"
	set logscale y
	set style data histograms
	set style histogram clustered gap 1
	set xtics rotate by 35 right font ",9"
	set bmargin 18
	set lmargin 12
	plot f using ($5 > 0 ? $5 : 1/0):xtic(1) lc rgb "#4a7ab5" title "Linux, default mitigations", \
	     f using ($6 > 0 ? $6 : 1/0) lc rgb "#d9822b" title "Linux, mitigations=off", \
	     1 with lines dt 2 lc rgb "black" title "equal"
}
set output
