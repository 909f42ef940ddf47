# printf (XCU printf).

#### format with %s and %d
printf '%s is %d\n' answer 42
## stdout:
answer is 42

#### format is reused for extra arguments
printf '%s-%s\n' a b c d e
## stdout:
a-b
c-d
e-

#### missing arguments are empty or zero
printf '[%s] [%d]\n'
## stdout:
[] [0]

#### width, precision and flags
printf '[%5s][%-5s][%.2s][%05d][%+d][%x][%X][%o]\n' ab ab abcdef 42 7 255 255 8
## stdout:
[   ab][ab   ][ab][00042][+7][ff][FF][10]

#### star width from arguments
printf '[%*d]\n' 4 7
## stdout:
[   7]

#### %b interprets escapes in the argument
printf '%b\n' 'a\tb' 'c\0101'
## stdout:
a	b
cA

#### %c prints the first character
printf '%c%c\n' hello world
## stdout:
hw

#### %% prints a percent
printf '100%%\n'
## stdout:
100%

#### escapes in the format
printf 'a\tb\\c\101\n'
## stdout:
a	b\cA

#### numeric argument forms: hex, octal, character constant
printf '%d %d %d %d\n' 0x10 010 "'A" '"B'
## stdout:
16 8 65 66

#### invalid number gives an error and non-zero status
printf '%d\n' abc
echo "status $?"
## stdout:
0
status 1
## stderr-contains: abc

#### negative numbers and unsigned conversion
printf '%d %i\n' -5 -6
## stdout:
-5 -6

#### %u of a negative number wraps
printf '%u\n' -1
## stdout:
18446744073709551615

#### floating point conversions
printf '%.2f %e %g\n' 3.14159 1000 0.0001
## stdout:
3.14 1.000000e+03 0.0001

#### \c in %b stops all output
printf '%b' 'ab\cde' x
echo
## stdout:
ab

#### printf without a trailing newline
printf abc
echo
## stdout:
abc

#### printf with -- before the format
printf -- '-%s\n' x
## stdout:
-x

#### printf %s with an empty argument
printf '<%s>\n' ''
## stdout:
<>

#### precision on %d pads with zeros
printf '%.3d\n' 5
## stdout:
005

#### printf with no format is an error
printf 2>/dev/null
[ $? -ne 0 ] && echo error
## stdout:
error

#### %5.1f rounding and padding
printf '[%6.1f]\n' 2.25
## stdout:
[   2.2]

#### a bad number is reported before the output
# The diagnostic goes out at once; the output at the end of the command.
printf '%d|%s\n' abc x 2>&1 | sed 's/.*abc.*/DIAG/'
## stdout:
DIAG
0|x
