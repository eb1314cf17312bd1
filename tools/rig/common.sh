# common.sh: what every step of tools/kvm-rig shares: its paths, its messages and the cache's lock (sourced, not run).
# shellcheck shell=bash disable=SC2034 # (the settings are for the scripts that source this)
#
# The rig's files are tools/kvm-rig (the driver) and the steps beside this
# file (docs/kvm-rig.md):
#   tools/rig/prepare     fetches the kernel package into the cache
#   tools/rig/initramfs   packs busybox, the modules, tools/rig/guest-init
#                         and the files to run
#   tools/rig/boot        runs QEMU on it, the console into a file
#   tools/rig/report.awk  splits the console into the commands' outputs
# A failing step prints "kvm-rig: REASON" on stderr and exits with the
# driver's status for it (2: a missing tool, a failed prepare or packing),
# so that the driver can pass its status on.

prog="kvm-rig" # every message starts "kvm-rig: ", which the tests read
cache=${SHOJI_RIG_CACHE:-$HOME/.cache/shoji-rig}
qemu=${QEMU:-qemu-system-x86_64}
busybox=/bin/busybox
qboot=/usr/share/qemu/qboot.rom
guest_root=/work # the repository root, inside

# die STATUS MESSAGE: prints "kvm-rig: MESSAGE" on stderr, exits STATUS.
die() {
	echo "$prog: $2" >&2
	exit "$1"
}

# need COMMAND PACKAGE: exits 2 unless COMMAND is on the PATH.
need() {
	command -v "$1" >/dev/null || die 2 "$1 not found (install $2, see tools/install-deps)"
}

# lock FLOCK-OPTION: takes the cache's lock on fd 9 (-x for a prepare or a
# clean, -s for a boot), held until the process ends or reopens fd 9.
# Only the cache is written; the lock keeps concurrent prepares (and a
# prepare and a running boot) apart.  Exits 2 when the lock cannot be had.
lock() {
	mkdir -p "$cache" || die 2 "cannot create the cache $cache"
	if [[ $1 == -s && -r $cache/.lock ]]; then # (a cache shared read-only)
		exec 9<"$cache/.lock" || die 2 "cannot open $cache/.lock"
	else
		exec 9>"$cache/.lock" || die 2 "cannot open $cache/.lock"
	fi
	flock "$1" 9 || die 2 "cannot lock $cache/.lock"
}

# cache_ready: true when the cache holds a prepared kernel.
cache_ready() {
	[[ -f $cache/current/package && -f $cache/current/vmlinux ]]
}
