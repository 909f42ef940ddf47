# Known rush bugs: cases from redirections.sh that rush fails today (dash and/or
# bash --posix agree with the expectation). Run with RUSH_TEST_KNOWN_BUGS=1;
# move a case back to ../redirections.sh once it passes.

#### redirection to a missing directory fails the command only
echo x > /nonexistent-dir/f
echo "status $?"
## stdout:
status 2
## differs: bash
# POSIX: a redirection error fails the command with a non-zero status;
# dash uses 2, bash 1.
## stderr-contains: nonexistent-dir

#### a failed redirection on a special builtin exits the shell
: > /nonexistent-dir/f
echo not reached
## status: 2
## differs: bash
# XCU 2.8.1: a redirection error with a special built-in shall exit a
# non-interactive shell; dash exits 2, bash --posix 1.

#### failed redirection on a compound command skips it
{ echo inside; } > /nonexistent-dir/f
echo "status $?"
## stdout:
status 2
## differs: bash
# POSIX: a redirection error fails the command with a non-zero status;
# dash uses 2, bash 1.

#### dup output to an fd that is not open fails
echo x >&7
echo "status $?"
## stdout:
status 2
## differs: bash
# POSIX: a redirection error fails the command with a non-zero status;
# dash uses 2, bash 1.
## stderr-contains: 7
