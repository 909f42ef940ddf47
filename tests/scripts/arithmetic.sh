# Arithmetic expansion (XCU 2.6.4): signed long arithmetic, C operators.

#### basic operators and precedence
echo $((1 + 2 * 3)) $(( (1 + 2) * 3 )) $((7 / 2)) $((7 % 3)) $((-7 / 2)) $((-7 % 3))
## stdout:
7 9 3 1 -3 -1

#### unary operators
echo $((-5)) $((+5)) $((!0)) $((!3)) $((~0))
## stdout:
-5 5 1 0 -1

#### comparison and logical operators give 0 or 1
echo $((1 < 2)) $((2 <= 1)) $((3 == 3)) $((3 != 3)) $((1 && 0)) $((0 || 2))
## stdout:
1 0 1 0 0 1

#### bitwise and shift operators
echo $((6 & 3)) $((6 | 3)) $((6 ^ 3)) $((1 << 4)) $((256 >> 2))
## stdout:
2 7 5 16 64

#### ternary operator
echo $((1 ? 10 : 20)) $((0 ? 10 : 20))
## stdout:
10 20

#### variables by name, with and without dollar
x=4 y=5
echo $((x * y)) $(($x + $y))
## stdout:
20 9

#### unset and empty variables are zero by name
unset u
echo $((u + 1))
## stdout:
1

#### variable holding an expression by name is evaluated as a number
x=010
echo $((x)) $((0x1F)) $((010))
## stdout:
8 31 8

#### assignment operators change the variable
x=5
echo $((x += 3)) $x $((x -= 1)) $((x *= 2)) $((x /= 7)) $((x %= 3))
echo $((x = 9)) $x
## stdout:
8 8 7 14 2 2
9 9

#### shift and bitwise assignment operators
x=1
echo $((x <<= 3)) $((x >>= 1)) $((x |= 1)) $((x &= 6)) $((x ^= 15))
## stdout:
8 4 5 4 11

#### short-circuit: the unevaluated side has no effect
x=0
echo $((0 && (x = 1))) $((1 || (x = 2))) $x
## stdout:
0 1 0

#### ternary evaluates only the chosen branch
x=0 y=0
echo $((1 ? (x = 5) : (y = 6))) $x $y
## stdout:
5 5 0

#### division by zero is an error
echo $((1 / 0))
echo not reached
## status: 2
## stderr-contains: 0
## differs: bash
# bash --posix exits 127 on arithmetic errors; dash 2.

#### nested parentheses and whitespace
echo $(( ( ( 2 + 3 ) ) * ( 4 ) ))
## stdout:
20

#### arithmetic inside double quotes
echo "$((2 + 2))"
## stdout:
4

#### parameter expansion inside arithmetic is done first
# The value is substituted as text, so precedence applies after it.
x='1 + 2'
echo $(($x * 3))
## stdout:
7

#### large values use at least signed long
echo $((2147483647 + 1)) $((1 << 40))
## stdout:
2147483648 1099511627776

#### negative numbers and unary minus on variables
x=-3
echo $((-x)) $((x * -1)) $((- -4))
## stdout:
3 3 4

#### nested arithmetic and command substitution
echo $(( $(echo 3) + $((4 * 2)) ))
## stdout:
11

#### invalid expression is an error with status 2
echo $((1 +))
## status: 2
## differs: bash

#### assignment result is stored as a decimal
x=0x10
: $((x += 0))
echo $x
## stdout:
16

#### precedence of bitwise versus comparison operators
echo $((1 | 2 == 2)) $((3 & 1 << 1))
## stdout:
1 2

#### logical not of an expression
echo $((!(1 == 2)))
## stdout:
1

#### invalid octal constant is an error
echo $((08))
## status: 2
## differs: bash

#### arithmetic with command substitution result
n=$(echo 41)
echo $((n + 1))
## stdout:
42

#### arithmetic assignment creates the variable
unset z
: $((z = 5 * 5))
echo $z
## stdout:
25

#### spaces inside $(( )) and a variable with spaces
x=' 3 '
echo $((x + 1))
## stdout:
4
## differs: bash

#### conditional operator nested
echo $((1 ? 0 ? 5 : 6 : 7))
## stdout:
6

#### comparison of negative values
echo $((-1 < 0)) $((-1 > -2))
## stdout:
1 1
