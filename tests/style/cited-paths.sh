#!/usr/bin/env bash
# tests/style/cited-paths.sh: every repository path that code, scripts and docs cite exists.
#
# A comment or document that cites a file which does not exist sends the
# reader nowhere; this check finds such citations in the tracked files.
# A citation is a token that starts with a top-level folder and ends with
# a source or document extension (docs/architecture.md, vmm/dev_exit.c),
# or a bare document name (architecture.md, kvm-rig.md, security.md,
# METHODS.md), which must then lie beside the file that cites it.  The
# repository also stands alone: no tracked file may point outside it at
# the old design brief (../shared, shared/docs).  Prints one PASS or FAIL
# line, then each problem indented.
set -uo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
name=style/cited-paths
self=tests/style/cited-paths.sh
cd "$root" || exit 1

# Tokens that name something other than a file of this tree: patterns
# (NAME.case, %.c, sysfuzz*/), shell and make variables, build outputs.
skip_token() {
	[[ $1 == *[*%\$]* || $1 == *NAME* || $1 == build/* ]]
}

declare -A tracked=()
while IFS= read -r f; do tracked[$f]=1; done < <(git ls-files)

# This file names bare documents and the forbidden patterns in its own
# comments, so the last two checks leave it out.

problems=()
path_re='(?<![A-Za-z0-9_./$-])(docs|vmm|guest|loader|isolation|tests|bench|tools|include)/[A-Za-z0-9_./-]+\.(md|c|h|S|sh|mk|awk|ld|json)(?![A-Za-z0-9_])'
bare_re='(?<![A-Za-z0-9_./$-])(architecture|kvm-rig|security|METHODS)\.md(?![A-Za-z0-9_])'

while IFS=: read -r file line tok; do
	skip_token "$tok" && continue
	[[ -n ${tracked[$tok]:-} ]] || problems+=("$file:$line: $tok does not exist")
done < <(git ls-files -z | xargs -0 grep -IonP "$path_re" 2>/dev/null)

while IFS=: read -r file line tok; do
	dir=$(dirname "$file")
	[[ $dir == . ]] && rel=$tok || rel=$dir/$tok
	[[ -n ${tracked[$rel]:-} ]] || problems+=("$file:$line: $tok is not beside $file (cite it by its path)")
done < <(git ls-files -z -- . ":!$self" | xargs -0 grep -IonP "$bare_re" 2>/dev/null)

while IFS=: read -r file line tok; do
	problems+=("$file:$line: $tok points outside the repository")
done < <(git ls-files -z -- . ":!$self" | xargs -0 grep -IonE '\.\./shared|shared/docs' 2>/dev/null)

if ((${#problems[@]})); then
	echo "FAIL $name: ${#problems[@]} citation(s) lead nowhere"
	printf '    %s\n' "${problems[@]}"
	exit 1
fi
echo "PASS $name"
