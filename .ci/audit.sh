#!/usr/bin/env bash
# Audit the project's installed (pinned) dependencies for known vulnerabilities with pip-audit.
#
# Exit 1 when a dependency has a published vulnerability. When no vulnerability database
# answers (an offline machine, or a package mirror without PyPI's JSON API), print a
# clear note and exit 0: an audit that cannot run must not block CI, nor pass silently.
# The database counts as answering only if it flags a canary, a release with a known
# vulnerability (jinja2 2.10: CVE-2019-10906); pip-audit alone reports "not found" and
# exits 0 when its service is unreachable.
#
#   bash .ci/audit.sh            # audits .venv
#   PYTHON=/path/to/python bash .ci/audit.sh
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON="${PYTHON:-.venv/bin/python}"
TOOL_VENV="${SAYWHO_AUDIT_VENV:-${TMPDIR:-/tmp}/saywho-audit-venv}"
CANARY="jinja2==2.10"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

note() { echo "audit: NOTE: $*" >&2; }

# pip-audit runs from a venv of its own, so its dependencies never mix with the project's.
if [ ! -x "$TOOL_VENV/bin/pip-audit" ]; then
    if ! { python3 -m venv "$TOOL_VENV" && "$TOOL_VENV/bin/pip" install -q pip-audit >&2; }; then
        note "pip-audit could not be installed; dependencies NOT audited"
        exit 0
    fi
fi

# The pinned set: every installed distribution except the project itself.
"$PYTHON" -m pip freeze --exclude-editable --disable-pip-version-check | grep -v -i '^saywho[=@ ]' > "$work/pinned.txt"
echo "$CANARY" > "$work/canary.txt"

vulnerabilities() {  # JSON report -> number of vulnerabilities (or "error")
    "$PYTHON" - "$1" <<'EOF'
import json, sys
try:
    report = json.load(open(sys.argv[1]))
except (OSError, ValueError):
    print("error")
else:
    print(sum(len(d.get("vulns", [])) for d in report.get("dependencies", [])))
EOF
}

audit() {  # audit SERVICE REQUIREMENTS OUT
    "$TOOL_VENV/bin/pip-audit" --vulnerability-service "$1" --requirement "$2" --no-deps --disable-pip \
        --progress-spinner off --format json --output "$3" 2> "$3.log" || true
}

service=""
for candidate in pypi osv; do
    audit "$candidate" "$work/canary.txt" "$work/canary-$candidate.json"
    found="$(vulnerabilities "$work/canary-$candidate.json")"
    if [ "$found" != "error" ] && [ "$found" -gt 0 ]; then
        service="$candidate"
        break
    fi
done
if [ -z "$service" ]; then
    note "no vulnerability database reachable from here (PyPI JSON API and OSV both failed the canary check);"
    note "the $(wc -l < "$work/pinned.txt") installed dependencies were NOT audited. Run this script where it can reach pypi.org or osv.dev."
    exit 0
fi

audit "$service" "$work/pinned.txt" "$work/report.json"
found="$(vulnerabilities "$work/report.json")"
if [ "$found" = "error" ]; then
    note "pip-audit failed on the dependency list: $(tail -n 3 "$work/report.json.log")"
    exit 0
fi
"$PYTHON" - "$work/report.json" <<'EOF'
import json, sys
report = json.load(open(sys.argv[1]))
for dependency in report.get("dependencies", []):
    for vuln in dependency.get("vulns", []):
        fixed = ", ".join(vuln.get("fix_versions", [])) or "no fixed release yet"
        print(f"audit: {dependency['name']} {dependency['version']}: {vuln['id']} (fixed in {fixed})")
skipped = [d["name"] for d in report.get("dependencies", []) if d.get("skip_reason")]
if skipped:
    print(f"audit: {len(skipped)} not on the index, not audited: {', '.join(skipped)}")
EOF
if [ "$found" -gt 0 ]; then
    echo "audit: FAILED: $found known vulnerabilities in the installed dependencies (service: $service)" >&2
    exit 1
fi
echo "audit: ok: $(wc -l < "$work/pinned.txt") dependencies, no known vulnerability (service: $service)"
