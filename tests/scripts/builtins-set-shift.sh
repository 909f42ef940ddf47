# set and shift (XCU set, shift).

#### set -o lists options and set +o can restore them
set -f
saved=$(set +o)
set +f
eval "$saved"
case $- in *f*) echo restored ;; esac
## stdout:
restored

#### set -o shows option states
set -o noglob
set -o | grep noglob | tr -s ' \t' ' '
## stdout:
noglob on

#### set with no arguments lists variables quoted for reuse
myvar='a b'
set | grep '^myvar='
## stdout:
myvar='a b'

#### set -u and +u
set -u
(echo $unset_var) 2>/dev/null || echo error
set +u
echo "[$unset_var]"
## stdout:
error
[]

#### set -x on an assignment
set -x
x=1
set +x
## stderr-contains: + x=1

#### PS4 is expanded for each trace line
PS4='[$x] '
x=7
set -x
: hello
set +x
## stderr-contains: [7] : hello

#### set -n reads but does not execute
set -n
echo not run

#### set -a exports assignments
set -a
exported_var=yes
sh -c 'echo "$exported_var"'
## stdout:
yes

#### set -C and +C
set -C
echo 1 > f
(echo 2 > f) 2>/dev/null || echo clobber-refused
set +C
echo 3 > f
cat f
## stdout:
clobber-refused
3

#### invalid option is an error
set -Z 2>/dev/null
echo "status $?"
## stdout:
## status: 2
## differs: bash
# A special built-in's usage error exits a non-interactive shell
# (dash exits 2); bash --posix returns 2 and keeps going.

#### set -o with an invalid name is an error
(set -o nosuchoption) 2>/dev/null
[ $? -ne 0 ] && echo error
## stdout:
error

#### set -- with option-like operands
set -- -e -x
echo "$1 $2"
case $- in *e*) echo errexit-on ;; *) echo errexit-off ;; esac
## stdout:
-e -x
errexit-off

#### set - turns off -x and -v and ends options
set -x
set - a b
echo $1 $2
case $- in *x*) echo still-x ;; *) echo no-x ;; esac
## stdout:
a b
no-x

#### shift with a non-numeric argument fails
set -- a b
(shift x) 2>/dev/null
[ $? -ne 0 ] && echo error
## stdout:
error

#### shift 0 does nothing
set -- a b
shift 0
echo $#
## stdout:
2

#### set -f then glob characters survive
set -f
touch a
echo *
## stdout:
*

#### set -e via set -o and listed in $-
set -o errexit
case $- in *e*) echo on ;; esac
## stdout:
on
