# Known rush bugs: cases from builtins-read.sh that rush fails today (dash and/or
# bash --posix agree with the expectation). Run with RUSH_TEST_KNOWN_BUGS=1;
# move a case back to ../builtins-read.sh once it passes.

#### read with no variable name is an error in POSIX
echo x | { read 2>/dev/null; [ $? -ne 0 ] && echo error; }
## stdout:
error
## differs: bash
# bash stores into REPLY; POSIX requires at least one name, dash errors.
