# test and [ (XCU test).

#### string tests
test -n abc && echo n
test -z '' && echo z
test abc && echo nonempty
test '' || echo empty
## stdout:
n
z
nonempty
empty

#### string comparison
[ a = a ] && echo eq
[ a != b ] && echo ne
[ a = b ] || echo not-eq
## stdout:
eq
ne
not-eq

#### integer comparison
[ 3 -eq 3 ] && echo eq
[ 3 -ne 4 ] && echo ne
[ 2 -lt 10 ] && echo lt
[ 10 -gt 2 ] && echo gt
[ 3 -le 3 ] && echo le
[ 3 -ge 4 ] || echo not-ge
## stdout:
eq
ne
lt
gt
le
not-ge

#### negative and padded integers
[ -3 -lt 2 ] && echo neg
[ ' 5' -eq 5 ] && echo lead-space
## stdout:
neg
lead-space

#### invalid integer is an error with status 2
[ abc -eq 1 ]
echo $?
## stdout:
2

#### file tests
touch f; mkdir d; ln -s f l
[ -e f ] && echo e
[ -f f ] && echo f
[ -d d ] && echo d
[ -f d ] || echo d-not-f
[ -h l ] && echo h
[ -L l ] && echo L
[ -s f ] || echo empty
echo x > f
[ -s f ] && echo nonempty
## stdout:
e
f
d
d-not-f
h
L
empty
nonempty

#### permission tests
touch r; chmod 644 r
[ -r r ] && echo r
[ -w r ] && echo w
[ -x r ] || echo not-x
chmod +x r
[ -x r ] && echo x
## stdout:
r
w
not-x
x

#### negation and parentheses
[ ! -e missing ] && echo not-exists
[ \( a = a \) ] && echo paren
## stdout:
not-exists
paren

#### -a and -o
[ a = a -a b = b ] && echo and
[ a = b -o b = b ] && echo or
## stdout:
and
or

#### one argument: true when non-empty, even if it looks like an operator
[ -n ] && echo one-arg-n
[ = ] && echo one-arg-eq
[ ! ] && echo one-arg-bang
## stdout:
one-arg-n
one-arg-eq
one-arg-bang

#### two arguments with !
[ ! '' ] && echo negated-empty
[ ! x ] || echo negated-nonempty
## stdout:
negated-empty
negated-nonempty

#### three arguments: binary operator wins over !
[ ! = ! ] && echo eq-bang
[ x = x ] && echo ok
## stdout:
eq-bang
ok

#### missing ] is an error
[ a = a
echo $?
## stdout:
2

#### no arguments is false
[ ]
echo $?
test
echo $?
## stdout:
1
1

#### -t on a non-terminal
[ -t 0 ] || echo not-tty
## stdout:
not-tty

#### newer and older files
# -nt and -ot are in POSIX.1-2024.
touch -t 202001010000 old
touch -t 202101010000 new
[ new -nt old ] && echo nt
[ old -ot new ] && echo ot
## stdout:
nt
ot

#### -p and -S on ordinary files are false
touch f
[ -p f ] || echo not-fifo
[ -S f ] || echo not-socket
mkfifo fifo
[ -p fifo ] && echo fifo
## stdout:
not-fifo
not-socket
fifo

#### string compared against an operator-like string
x=-n
[ "$x" = -n ] && echo equal
## stdout:
equal

#### unknown binary operator is an error
[ a -foo b ]
echo $?
## stdout:
2

#### -ef same file
touch f; ln f g
[ f -ef g ] && echo same
## stdout:
same
