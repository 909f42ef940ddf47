# Known rush bugs: cases from traps.sh that rush fails today (dash and/or
# bash --posix agree with the expectation). Run with RUSH_TEST_KNOWN_BUGS=1;
# move a case back to ../traps.sh once it passes.

#### return in a trap action returns from the interrupted function
trap 'echo trap; return 7' USR1
f() { kill -s USR1 $$; echo not-in-f; }
f
echo "f=$?"
## stdout:
trap
f=7
