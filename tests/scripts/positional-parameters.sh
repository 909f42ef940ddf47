# Positional parameters: set, shift and -c operands.

#### -c operands become $0 and positional parameters
echo "$0|$1|$2|$#"
## argv: -c {script} name one 'two words'
## stdout:
name|one|two words|2

#### set -- replaces positional parameters
set -- x y
echo $1 $2 $#
## stdout:
x y 2

#### set -- with no arguments clears them
set -- a b
set --
echo $#
## stdout:
0

#### set with a leading dash word needs --
set -- -x -y
echo $1 $2
## stdout:
-x -y

#### shift by one and by n
set -- a b c d
shift
echo $@
shift 2
echo $@
## stdout:
b c d
d

#### shift past the end is an error
# POSIX lets a non-interactive shell exit here (dash does) or return
# non-zero (bash); a subshell keeps both answers observable alike.
(set -- a; shift 2; echo "still here $#") 2>/dev/null
[ $? -ne 0 ] && echo nonzero
## stdout:
nonzero
## differs: bash

#### shift with no parameters is an error
(set --; shift) 2>/dev/null
[ $? -ne 0 ] && echo nonzero
## stdout:
nonzero

#### set -- from "$@" round-trips empty and spaced parameters
set -- '' 'a b' ''
set -- "$@"
echo $#
printf '[%s]\n' "$@"
## stdout:
3
[]
[a b]
[]

#### positional parameters in a loop with shift
set -- 1 2 3
while [ $# -gt 0 ]; do echo "arg $1"; shift; done
## stdout:
arg 1
arg 2
arg 3

#### more than nine parameters
set -- 1 2 3 4 5 6 7 8 9 10 11 12
echo $# ${12} $12
## stdout:
12 12 12

#### set with options and operands
set -f -- a '*'
echo $2
## stdout:
*

#### -c with only a name
echo "$0 $#"
## argv: -c {script} onlyname
## stdout:
onlyname 0

#### script file arguments
echo "$0 $1 $2 $#"
## argv: {file} a b
## stdout:
script.sh a b 2
