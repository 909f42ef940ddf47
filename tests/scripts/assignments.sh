# Variable assignments (XCU 2.9.1).

#### several assignments in one command, left to right
a=1 b=$a c=$b
echo $a$b$c
## stdout:
111

#### assignment value is not field split or globbed
touch x1 x2
v=x*
w='a  b'
u=$w
echo "$v" "$u"
## stdout:
x* a  b

#### assignment keeps command substitution newlines inside
v=$(printf 'a\nb')
echo "$v"
## stdout:
a
b

#### a word that looks like an assignment after the command name is an argument
echo x=1
## stdout:
x=1

#### invalid names are not assignments
1x=2 2>/dev/null
echo $?
## stdout:
127

#### assignment only command keeps the status of command substitutions
v=$(exit 3)
echo $?
## stdout:
3

#### assignment prefix to a utility is only in its environment
v=pre sh -c 'echo $v'
echo "[${v-unset}]"
## stdout:
pre
[unset]

#### assignment prefix to a special builtin persists
v=kept eval 'echo $v'
echo $v
## stdout:
kept
kept

#### assignment with an empty value
v=
echo "[${v-unset}]"
## stdout:
[]

#### assignments are expanded before the command's arguments?
x=old
x=new echo $x
## stdout:
old

#### assignment to a variable used in the same prefix is seen by later prefixes
x=1 y=$x sh -c 'echo $y'
## stdout:
1

#### names with underscores and digits
_a1=ok
echo $_a1
## stdout:
ok

#### assignment of a value with an equals sign
v=a=b=c
echo $v
## stdout:
a=b=c

#### quoted name is not an assignment
"v"=1 2>/dev/null
echo $?
## stdout:
127

#### assignment value with a tilde in the middle is literal
HOME=/h
v=a~b
echo $v
## stdout:
a~b

#### redirection and assignment in any order
v=1 >f w=2
echo $v$w
[ -f f ] && echo file
## stdout:
12
file
