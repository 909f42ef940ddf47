# Known rush bugs: cases from parameter-expansion.sh that rush fails today (dash and/or
# bash --posix agree with the expectation). Run with RUSH_TEST_KNOWN_BUGS=1;
# move a case back to ../parameter-expansion.sh once it passes.

#### length of a multibyte value in the C locale counts bytes
x=é
echo ${#x}
## stdout:
2
