# Known rush bugs: cases from builtins-export-readonly-unset.sh that rush fails today (dash and/or
# bash --posix agree with the expectation). Run with RUSH_TEST_KNOWN_BUGS=1;
# move a case back to ../builtins-export-readonly-unset.sh once it passes.

#### a for loop assigning a readonly variable exits the shell
readonly x=1
for x in 2; do echo $x; done
echo not reached
## status: 2
## differs: bash
# XCU 2.8.1: a variable assignment error exits a non-interactive shell;
# dash exits 2, bash --posix 127.

#### export assigning a readonly variable exits the shell
readonly x=1
export x=2
echo not reached
## status: 2
## differs: bash
# Special built-in error: dash exits 2, bash --posix returns 1 and goes on.
