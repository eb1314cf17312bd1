# report.awk: splits the rig's console into the commands' outputs and a summary of how far the guest got.
#
# usage (from tools/kvm-rig):
#   LC_ALL=C awk -v tag=@@rig:NONCE: -v show_status=0|1 -v summary=FILE \
#       -f tools/rig/report.awk CONSOLE
#
# CONSOLE is the serial console without carriage returns and NULs
# (tools/rig/boot).  A line that holds TAG is a marker of
# tools/rig/guest-init, "TAG WHAT at=UPTIME" (the last TAG on the line
# counts; what stands before it is output glued to the marker, such as a
# kernel message).  Between "begin N" and "end N STATUS [timeout]" every
# line is command N's output, printed on stdout, except the newline
# guest-init adds to end a last line left open (so a last line that is
# empty is dropped).  With show_status, each "end" adds the line
#     ### rig: cmd N exit STATUS
# A command cut short (no "end") keeps its output so far.
#
# SUMMARY gets one "KEY VALUE" line each for booted (0 or 1: "up" seen),
# kvm (ok, missing, or unknown before the modules loaded), failure (the
# MESSAGE of "fail MESSAGE", else empty), finished (the last command that
# ended, 0 for none) and done (0 or 1), then a line "timeout N" for each
# command that ran out of time.

function flush() { # prints the line held back, if any
	if (have_pending)
		print pending
}

BEGIN {
	booted = 0
	kvm = "unknown"
	failure = ""
	finished = 0
	done_seen = 0
	ntimeouts = 0
	current = 0
	pending = ""
	have_pending = 0
}

{
	# The last TAG on the line, as a greedy "^(.*)TAG(.*)$" would find it.
	at = 0
	for (p = index($0, tag); p > 0; p = i ? p + i : 0) {
		at = p
		i = index(substr($0, p + 1), tag)
	}
	if (!at) {
		if (current) {
			flush()
			pending = $0
			have_pending = 1
		}
		next
	}
	text = substr($0, 1, at - 1)
	rest = substr($0, at + length(tag))
	if (current && text != "") {
		flush()
		pending = text
		have_pending = 1
	}
	split(rest, word, " ") # (blanks, leading and trailing ones dropped)
	if (word[1] == "up") {
		booted = 1
	} else if (word[1] == "kvm") {
		kvm = word[2]
	} else if (word[1] == "fail") {
		failure = rest
		if (substr(failure, 1, 5) == "fail ")
			failure = substr(failure, 6)
		# Drop the last " at=..." (the uptime say appends).
		for (p = length(failure) - 3; p > 0; p--)
			if (substr(failure, p, 4) == " at=") {
				failure = substr(failure, 1, p - 1)
				break
			}
	} else if (word[1] == "begin") {
		current = word[2] + 0
		pending = ""
		have_pending = 0
	} else if (word[1] == "end") {
		if (have_pending && pending != "")
			print pending
		if (show_status)
			print "### rig: cmd " word[2] " exit " word[3]
		if (word[4] == "timeout")
			timeouts[++ntimeouts] = word[2]
		finished = word[2] + 0
		current = 0
		pending = ""
		have_pending = 0
	} else if (word[1] == "done") {
		done_seen = 1
	}
}

END {
	if (current && have_pending && pending != "")
		print pending
	printf "booted %d\nkvm %s\nfailure %s\nfinished %d\ndone %d\n", booted, kvm, failure, finished, done_seen >summary
	for (k = 1; k <= ntimeouts; k++)
		printf "timeout %s\n", timeouts[k] >summary
}
