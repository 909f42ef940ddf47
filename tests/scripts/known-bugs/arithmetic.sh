# Known rush bugs: cases from arithmetic.sh that rush fails today (dash and/or
# bash --posix agree with the expectation). Run with RUSH_TEST_KNOWN_BUGS=1;
# move a case back to ../arithmetic.sh once it passes.

#### arithmetic on a non-numeric variable is an error
x=abc
echo $((x + 1))
## status: 2
## differs: bash
# POSIX requires the value be an integer constant; dash errors, bash
# treats it as the name of another variable (0).
