# getopts (XCU getopts).

#### simple flags
set -- -a -b
while getopts ab opt; do echo "opt=$opt"; done
echo "OPTIND=$OPTIND"
## stdout:
opt=a
opt=b
OPTIND=3

#### grouped flags
set -- -ab rest
while getopts ab opt; do echo "opt=$opt"; done
shift $((OPTIND - 1))
echo "rest=$1"
## stdout:
opt=a
opt=b
rest=rest

#### option with an argument, attached and separate
set -- -fvalue -f other
while getopts f: opt; do echo "$opt=$OPTARG"; done
## stdout:
f=value
f=other

#### -- ends options
set -- -a -- -b
while getopts ab opt; do echo "opt=$opt"; done
echo "OPTIND=$OPTIND"
## stdout:
opt=a
OPTIND=3

#### first non-option ends options
set -- -a file -b
while getopts ab opt; do echo "opt=$opt"; done
echo "OPTIND=$OPTIND"
## stdout:
opt=a
OPTIND=2

#### unknown option gives ? and a message
set -- -x
getopts ab opt
echo "status=$? opt=$opt"
## stdout:
status=0 opt=?
## stderr-contains: x

#### bad options are reported as the script's own, in getopt(3)'s form
set -- -x -b
getopts ab: opt
echo "opt=$opt"
getopts ab: opt
echo "opt=$opt OPTARG=${OPTARG-unset}"
## argv: -c {script} myscript
## stdout:
opt=?
opt=? OPTARG=unset
## stderr:
myscript: illegal option -- x
myscript: option requires an argument -- b

#### silent mode with leading colon sets OPTARG
set -- -x
getopts :ab opt
echo "opt=$opt OPTARG=$OPTARG"
## stdout:
opt=? OPTARG=x

#### missing argument in silent mode gives :
set -- -f
getopts :f: opt
echo "opt=$opt OPTARG=$OPTARG"
## stdout:
opt=: OPTARG=f

#### missing argument in normal mode gives ? and unsets OPTARG
set -- -f
getopts f: opt 2>/dev/null
echo "opt=$opt OPTARG=${OPTARG-unset}"
## stdout:
opt=? OPTARG=unset

#### end of options returns 1 and sets the name to ?
set -- -a
getopts a opt
getopts a opt
echo "status=$? opt=$opt"
## stdout:
status=1 opt=?

#### getopts with explicit arguments
getopts ab: opt -b val
echo "$opt $OPTARG"
## stdout:
b val

#### resetting OPTIND restarts parsing
set -- -a
getopts a opt; echo $opt
OPTIND=1
getopts a opt; echo $opt
## stdout:
a
a

#### getopts in a function with its own arguments
f() {
  OPTIND=1
  while getopts n: o; do echo "n=$OPTARG"; done
}
f -n 1
f -n 2
## stdout:
n=1
n=2

#### a lone dash is an operand
set -- - -a
getopts a opt
echo "status=$? OPTIND=$OPTIND"
## stdout:
status=1 OPTIND=1

#### option argument may start with a dash
set -- -f -a
getopts f:a opt
echo "$opt=$OPTARG"
## stdout:
f=-a

#### getopts into a read-only variable fails with 2
readonly x=1
getopts a x -a
echo "status $? x=$x"
## stdout:
status 2 x=1
## stderr-contains: x
