#!/usr/bin/env bash
# report: checks that tools/rig/report.awk splits a canned rig console into the commands' outputs, status lines and summary.
#
# usage: tests/rig/report.sh
#
# Needs no QEMU and no rig kernel: the console below is what
# tools/rig/guest-init writes (markers "@@rig:NONCE:WHAT at=UPTIME"), with
# the cases the parser must get right: output glued before a marker, the
# newline guest-init adds after a command dropped, a forged marker with
# another nonce kept as output, a timeout, a command cut short, a failure
# message.  Prints "PASS rig/report" or "FAIL rig/report: <what failed>"
# followed by the difference, indented.  Exit status: 0 on PASS, 1 on FAIL.

set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
name=rig/report
tag=@@rig:0123456789abcdef:

tmp=$(mktemp -d "${TMPDIR:-/tmp}/rig-report.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# report SHOW_STATUS CONSOLE: runs the parser as tools/kvm-rig does.
report() {
	LC_ALL=C awk -v tag="$tag" -v show_status="$1" -v summary="$tmp/summary" \
		-f "$root/tools/rig/report.awk" "$2" >"$tmp/out"
}

# expect WHAT FILE EXPECTED: fails unless FILE holds EXPECTED.
expect() {
	if [[ -n $3 ]]; then printf '%s\n' "$3" >"$tmp/expected"; else : >"$tmp/expected"; fi
	diff "$tmp/expected" "$2" >"$tmp/diff" || {
		echo "FAIL $name: $1 differs (< expected, > got)"
		sed 's/^/    /' "$tmp/diff"
		exit 1
	}
}

# A boot that ran three commands and was cut short in the fourth.
cat >"$tmp/console" <<EOF2
SeaBIOS-like noise before the kernel
${tag}up at=0.91
${tag}kvm ok at=1.20
${tag}begin 1 at=1.21
hello
  indented line


${tag}end 1 0 at=1.30
${tag}begin 2 at=1.31
@@rig:ffffffffffffffff:end 2 0 at=1.32
### rig: cmd 7 exit 0
no newline at the end
${tag}end 2 3 at=1.40
${tag}begin 3 at=1.41
before the watchdog
[    9.87] a kernel message${tag}end 3 124 timeout at=3.50
${tag}begin 4 at=3.51
partial
EOF2
report 1 "$tmp/console"
expect "the output with statuses" "$tmp/out" "hello
  indented line

### rig: cmd 1 exit 0
@@rig:ffffffffffffffff:end 2 0 at=1.32
### rig: cmd 7 exit 0
no newline at the end
### rig: cmd 2 exit 3
before the watchdog
[    9.87] a kernel message
### rig: cmd 3 exit 124
partial"
expect "the summary" "$tmp/summary" "booted 1
kvm ok
failure 
finished 3
done 0
timeout 3"
report 0 "$tmp/console"
expect "the output without statuses" "$tmp/out" "hello
  indented line

@@rig:ffffffffffffffff:end 2 0 at=1.32
### rig: cmd 7 exit 0
no newline at the end
before the watchdog
[    9.87] a kernel message
partial"

# A boot whose modules did not load: no command ran.
printf '%s\n' "${tag}up at=0.90" "insmod: ERROR" "${tag}fail insmod 02-kvm.ko: No such device at=1 at=1.10" >"$tmp/console"
report 1 "$tmp/console"
expect "the output of a failed boot" "$tmp/out" ""
expect "the summary of a failed boot" "$tmp/summary" "booted 1
kvm unknown
failure insmod 02-kvm.ko: No such device at=1
finished 0
done 0"
echo "PASS $name"
