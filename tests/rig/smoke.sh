#!/usr/bin/env bash
# smoke: checks that tools/kvm-rig boots, runs commands in order and brings back their output and exit statuses.
#
# usage: tests/rig/smoke.sh
#
# Prints one line: "PASS rig/smoke", "SKIP rig/smoke: <reason>" when the
# rig cannot be prepared here (a missing package, no way to the Debian
# mirror), or "FAIL rig/smoke: <what failed>" followed by the rig's
# output, indented.  Exit status: 0 on PASS and SKIP, 1 on FAIL.

set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
rig=$root/tools/kvm-rig
name=rig/smoke

tmp=$(mktemp -d "${TMPDIR:-/tmp}/rig-smoke.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

fail() { # why
	echo "FAIL $name: $1"
	sed 's/^/    /' "$tmp/out" "$tmp/err"
	exit 1
}

for tool in "${QEMU:-qemu-system-x86_64}" cpio; do
	command -v "$tool" >/dev/null || {
		echo "SKIP $name: $tool not installed (tools/install-deps installs it)"
		exit 0
	}
done

# run prepares the rig when it has to; only when it fails is it worth
# asking whether preparing is what failed (an explicit prepare asks apt).
set +e
"$rig" run -- 'echo hello-from-rig' 'exit 3' >"$tmp/out" 2>"$tmp/err"
rc=$?
set -e
if ((rc != 0)) && ! "$rig" prepare 2>"$tmp/prepare.err"; then
	echo "SKIP $name: the rig cannot be prepared ($(tail -n 1 "$tmp/prepare.err"))"
	exit 0
fi
((rc == 0)) || fail "tools/kvm-rig run exited with status $rc"
grep -qx 'hello-from-rig' "$tmp/out" || fail "no line hello-from-rig in the output"
statuses=$(sed -n 's/^### rig: cmd \([0-9]*\) exit \([0-9]*\)$/\1:\2/p' "$tmp/out" | tr '\n' ' ')
[[ $statuses == "1:0 2:3 " ]] || fail "statuses '${statuses% }', not '1:0 2:3'"
expected=$'hello-from-rig\n### rig: cmd 1 exit 0\n### rig: cmd 2 exit 3'
[[ $(<"$tmp/out") == "$expected" ]] || fail "output has more than the two commands' lines"
echo "PASS $name"
