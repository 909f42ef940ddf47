# Known rush bugs: cases from invocation.sh that rush fails today (dash and/or
# bash --posix agree with the expectation). Run with RUSH_TEST_KNOWN_BUGS=1;
# move a case back to ../invocation.sh once it passes.

#### -v writes input to stderr
echo verbose
## argv: -v {file}
## stdout:
verbose
## stderr-contains: echo verbose

#### -C sets noclobber
echo a > f
echo b > f
echo "status $?"
cat f
## argv: -C -c {script}
## stdout:
status 2
a
## differs: bash
# The failed redirection fails only that command: dash 2, bash 1.
