# format.jq: numbers as text, the way C's printf writes them (the reports' tables and JSON keep the digits awk gave them).
#
# jq has no printf.  These functions round the exact binary value of a
# number the way glibc's printf does (to nearest, ties to even): the
# product by a power of ten is split into its rounded value and its
# rounding error (Dekker's exact product), so a decimal that looks like a
# tie ("25.535") rounds the way its binary value lies.

# split: a double as [high, low] halves of 26 bits each (Veltkamp), for
# exact_product.
def _split: (. * 134217729) as $c | ($c - ($c - .)) as $hi | [$hi, . - $hi];

# exact_product(a; b): [p, e] with p = a*b rounded and p + e = a*b exactly.
def _exact_product(a; b):
	(a * b) as $p | (a | _split) as [$ah, $al] | (b | _split) as [$bh, $bl]
	| [$p, ((($ah * $bh - $p) + $ah * $bl + $al * $bh) + $al * $bl)];

def _pow10(d): reduce range(0; d) as $i (1; . * 10);

# The digits of a non-negative integer-valued double below 2^53.
def _digits: if . == 0 then "0" else tostring end;

# fixed(d): printf("%.<d>f", .) for d from 0 to 15.
def fixed(d):
	(if . < 0 then "-" else "" end) as $sign
	| (if . < 0 then -. else . end) as $a
	| _exact_product($a; _pow10(d)) as [$p, $e]
	| ($p | floor) as $r
	| (($p - $r) - 0.5) as $t
	| (if $t > 0 or ($t == 0 and $e > 0) then $r + 1
	   elif $t < 0 or ($t == 0 and $e < 0) then $r
	   elif ($r % 2) == 1 then $r + 1
	   else $r end) as $n
	| ($n | _digits) as $s
	| if d == 0 then $sign + $s
	  else (("0" * (d + 1 - ($s | length))) // "") + $s
	    | $sign + .[0:length - d] + "." + .[length - d:]
	  end;

# signed_fixed(d): printf("%+.<d>f", .).
def signed_fixed(d): if . >= 0 then "+" + fixed(d) else fixed(d) end;

# int: printf("%d", .) of a double (truncated toward zero, as awk does).
def int: (if . < 0 then -(-. | floor) else floor end) | _digits;

# g: how awk (CONVFMT "%.10g") writes a number: integers whole, others
# with 10 significant digits and no trailing zeros.
def g:
	if . == floor and fabs < 1e15 then (if . < 0 then "-" + (-. | _digits) else _digits end)
	else
		(fabs | log10 | floor) as $e0
		| (if _pow10($e0) > fabs then $e0 - 1 elif _pow10($e0 + 1) <= fabs then $e0 + 1 else $e0 end) as $e
		| if $e < -4 or $e >= 10 then tostring
		  else fixed(9 - $e) | sub("0+$"; "") | sub("\\.$"; "")
		  end
	end;

# gnum: a number rounded to what g writes, so that tojson writes it so.
def gnum: g | tonumber;

# num: a table cell: "—" for none, else 0, 1, 2 or 3 decimals by size.
def num:
	if . == null then "—"
	elif . >= 1000 then fixed(0)
	elif . >= 100 then fixed(1)
	elif . >= 10 then fixed(2)
	else fixed(3) end;
