# Known rush bugs: cases from builtins-set-shift.sh that rush fails today (dash and/or
# bash --posix agree with the expectation). Run with RUSH_TEST_KNOWN_BUGS=1;
# move a case back to ../builtins-set-shift.sh once it passes.

#### set -x traces to stderr with PS4
set -x
echo traced 2>/dev/null
set +x
## stdout:
traced
## stderr-contains: + echo traced

#### set -v echoes input lines
set -v
echo verbose
## argv: {file}
## stdout:
verbose
## stderr-contains: echo verbose
