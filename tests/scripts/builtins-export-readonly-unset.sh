# export, readonly, unset.

#### exported variable reaches a child
export V=exported
sh -c 'echo $V'
## stdout:
exported

#### unexported variable does not reach a child
V=local
sh -c 'echo "[$V]"'
## stdout:
[]

#### export of an existing variable
V=later
export V
sh -c 'echo $V'
## stdout:
later

#### assignment before a command exports for that command only
V=once sh -c 'echo $V'
echo "[$V]"
## stdout:
once
[]

#### export -p lists exports quoted for reuse
# The quoting style is the shell's choice; the output must re-input.
export EX='a  b'
saved=$(export -p)
unset EX
eval "$saved"
echo "$EX"
sh -c 'echo "$EX"'
export -p | grep -c '^export EX='
## stdout:
a  b
a  b
1

#### export of a name without a value lists it without =
export NOVALUE
export -p | grep NOVALUE
## stdout:
export NOVALUE

#### readonly prevents assignment
readonly R=1
(R=2) 2>/dev/null || echo refused
echo $R
## stdout:
refused
1

#### assigning a readonly variable exits a non-interactive shell
readonly R=1
R=2
echo not reached
## status: 2
## stderr-contains: R
## differs: bash
# XCU 2.8.1: variable assignment error exits; dash 2, bash --posix 1.

#### readonly -p lists readonly variables
readonly RO='x  y'
saved=$(readonly -p | grep ' RO=')
eval "copy${saved#readonly RO}"
echo "$copy"
## stdout:
x  y

#### unset a readonly variable fails
readonly R=1
(unset R) 2>/dev/null
[ $? -ne 0 ] && echo refused
## stdout:
refused

#### unset a variable
x=1
unset x
echo "[${x-unset}]"
## stdout:
[unset]

#### unset -v explicitly
x=1
unset -v x
echo "[${x-unset}]"
## stdout:
[unset]

#### unset of a variable that is not set succeeds
unset never_set_var
echo $?
## stdout:
0

#### unset removes from the environment
export V=1
unset V
sh -c 'echo "[$V]"'
## stdout:
[]

#### unset without -v or -f prefers the variable
f=var
f() { echo func; }
unset f
echo "[${f-gone}]"
f
## stdout:
[gone]
func

#### assignment before a special builtin persists
V=persist :
echo $V
## stdout:
persist

#### assignment before a regular builtin or function does not persist in POSIX
f() { :; }
V=temp f
echo "[${V-unset}]"
## stdout:
[unset]
## differs: dash
# POSIX.1-2024: assignments before a function call do not persist after
# it; dash keeps them.

#### export with several names
export A=1 B=2
sh -c 'echo $A$B'
## stdout:
12

#### the value of an export or readonly argument is not split or globbed
v='a  b *'
export x=$v y=$(echo 1 2)
readonly z=$v*
f() { local l=$v; echo "[$l]"; }
f
echo "[$x] [$y] [$z]"
set -- p q
export w=$@
echo "[$w]"
## stdout:
[a  b *]
[a  b *] [1 2] [a  b **]
[p q]

#### readonly with a value and export together
readonly X=1
export X
sh -c 'echo $X'
## stdout:
1

#### variables inherited from the environment are exported
sh -c 'echo $HOME' | grep -c .
## stdout:
1

#### modifying an inherited variable updates the environment
HOME=/changed
sh -c 'echo $HOME'
## stdout:
/changed

#### export of an invalid name fails
(export 1bad=x) 2>/dev/null
[ $? -ne 0 ] && echo error
## stdout:
error

#### a for loop assigning a readonly variable exits the shell
readonly x=1
for x in 2; do echo $x; done
echo not reached
## status: 2
## differs: bash
# XCU 2.8.1: a variable assignment error exits a non-interactive shell;
# dash exits 2, bash --posix 127.

#### export assigning a readonly variable exits the shell
readonly x=1
export x=2
echo not reached
## status: 2
## differs: bash
# Special built-in error: dash exits 2, bash --posix returns 1 and goes on.

#### unset of a read-only variable and export of a bad name exit with 2
# Special built-in errors: dash exits 2, bash --posix returns 1 and goes on.
readonly x=1
(unset x; echo not reached)
echo "unset: $?"
(export 1x=2; echo not reached)
echo "export: $?"
(readonly 1x; echo not reached)
echo "readonly: $?"
## stdout:
unset: 2
export: 2
readonly: 2
## differs: bash
