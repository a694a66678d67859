#!/usr/bin/env bash
# Runs every test file with node's test runner (tsx loads TypeScript). `unit` runs only the
# suites that need no lab. Files run one at a time: the e2e suites each bring up a lab, and this
# machine has two cores.
set -euo pipefail
cd "$(dirname "$0")/.."
case "${1:-all}" in
  unit) dirs=(test/unit) ;;
  all) dirs=(test/unit test/lab test/e2e) ;;
  *) dirs=("$@") ;;
esac
mapfile -t files < <(find "${dirs[@]}" -name '*.test.ts' 2>/dev/null | sort)
if [ "${#files[@]}" -eq 0 ]; then
  echo "no test files found under ${dirs[*]}" >&2
  exit 1
fi
# --test-timeout: a test file that hangs (a deadlock, a lab that never answers) fails after 7
# minutes, with its name, instead of stalling CI; the slowest file (faults-write) takes about 2.5
# minutes on a loaded machine.
exec node --import tsx --test --test-concurrency=1 --test-timeout=420000 --test-reporter=spec "${files[@]}"
