#!/usr/bin/env python3
"""Run the shared conformance cases against rush, dash and bash --posix and
print a Markdown table (per file and total), as docs/conformance.md holds.

    python3 benches/conformance.py [path/to/rush]

The cases and runner live outside the repository, in ../shared/conformance
(see its README); this script only drives them and tabulates.
"""
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
SPEC = os.path.normpath(os.path.join(ROOT, '..', 'shared', 'conformance'))
RUNNER = os.path.join(SPEC, 'run-spec')


def run(shell):
    out = subprocess.run([RUNNER, shell], capture_output=True, text=True).stdout
    per_file = {}
    for line in out.splitlines():
        m = re.match(r'^(\S+)\.test\.sh\s+(\d+)/(\d+)', line)
        if m:
            per_file[m.group(1)] = (int(m.group(2)), int(m.group(3)))
    total = re.search(r'^(\d+) passed, (\d+) failed', out, re.M)
    return per_file, (int(total.group(1)), int(total.group(1)) + int(total.group(2)))


def main():
    rush = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, 'target', 'release', 'rush')
    shells = [('rush', os.path.abspath(rush)), ('dash', 'dash'),
              ('bash --posix', os.path.join(SPEC, 'shells', 'bash-posix'))]
    results = [(name, run(path)) for name, path in shells]
    files = list(results[0][1][0].keys())
    print('| file | cases | ' + ' | '.join(n for n, _ in results) + ' |')
    print('|---|---:|' + '---:|' * len(results))
    for f in files:
        cases = results[0][1][0][f][1]
        cells = []
        for _, (per_file, _) in results:
            passed = per_file.get(f, (0, cases))[0]
            cells.append(str(passed))
        print(f'| {f} | {cases} | ' + ' | '.join(cells) + ' |')
    totals = [str(r[1][1][0]) for r in results]
    print(f'| **total** | {results[0][1][1][1]} | ' + ' | '.join(f'**{t}**' for t in totals) + ' |')


if __name__ == '__main__':
    main()
