# Known rush bugs: cases from builtins-exec.sh that rush fails today (dash and/or
# bash --posix agree with the expectation). Run with RUSH_TEST_KNOWN_BUGS=1;
# move a case back to ../builtins-exec.sh once it passes.

#### assignments before exec are exported to the program
X=assigned exec sh -c 'echo $X'
## stdout:
assigned
