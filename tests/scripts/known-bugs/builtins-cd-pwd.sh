# Known rush bugs: cases from builtins-cd-pwd.sh that rush fails today (dash and/or
# bash --posix agree with the expectation). Run with RUSH_TEST_KNOWN_BUGS=1;
# move a case back to ../builtins-cd-pwd.sh once it passes.

#### cd to a missing directory fails
cd /nonexistent-rush-dir
echo "status $?"
## stdout:
status 2
## stderr-contains: nonexistent-rush-dir
## differs: bash
# POSIX: non-zero; dash 2, bash 1.

#### cd // keeps the two leading slashes
# XCU cd: the canonical form keeps exactly two leading slashes, which
# POSIX lets an implementation treat specially.
cd //
pwd
echo "$PWD"
## stdout:
//
//
