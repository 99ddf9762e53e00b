#!/bin/sh
# check-man.sh PODTRACE podtrace.1.md: every option `podtrace --help` lists is in the man
# page (as **--option**), so a new option cannot go undocumented there.
set -eu
missing=""
for opt in $("$1" --help | grep -oE -- '--[a-z][a-z-]+' | sort -u); do
        grep -qF -- "**$opt**" "$2" || missing="$missing $opt"
done
if [ -n "$missing" ]; then
        echo "docs/podtrace.1.md does not document:$missing" >&2
        exit 1
fi
echo "ok - docs/podtrace.1.md documents every option of podtrace --help"
