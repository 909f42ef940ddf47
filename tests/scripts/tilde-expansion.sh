# Tilde expansion (XCU 2.6.1). HOME is the case's temporary directory.

#### lone tilde is HOME
[ ~ = "$HOME" ] && echo home
## stdout:
home

#### tilde-slash prefix
HOME=/h
echo ~/sub
## stdout:
/h/sub

#### tilde with a user name
echo ~root | grep -c '^/'
## stdout:
1

#### unknown user is left alone
echo ~no-such-user-rush
## stdout:
~no-such-user-rush

#### tilde not at the start of a word is literal
HOME=/h
echo a~ x~/y
## stdout:
a~ x~/y

#### tilde in an assignment after = and after colons
HOME=/h
x=~/a:~/b
echo $x
## stdout:
/h/a:/h/b

#### quoted tilde is not expanded
HOME=/h
echo "~" '~' \~/x "~/x"
## stdout:
~ ~ ~/x ~/x

#### tilde result is not split or globbed
HOME='/a  b'
printf '[%s]\n' ~
## stdout:
[/a  b]

#### tilde in a default value word
HOME=/h
unset u
echo ${u:-~}
## stdout:
/h

#### empty HOME gives an empty expansion
HOME=
echo "[$(echo ~)]"
## stdout:
[]

#### tilde in a for list
HOME=/h
for d in ~ ~/x; do echo $d; done
## stdout:
/h
/h/x

#### tilde in a regular argument with = is not expanded after the =
# Only assignments get tilde expansion after = (XCU 2.6.1).
HOME=/h
echo a=~/x
## stdout:
a=~/x

#### tilde in the name=value arguments of export, readonly and local
# Declaration utilities take assignments (XCU 2.9.1.1, POSIX.1-2024).
HOME=/h
export e=~/a:~/b
readonly r=~
f() { local l=~/l; echo "$l"; }
f
command export c=~/c
echo "$e $r $c"
export 'q=~/q' p\=~/p
echo "$q $p"
## stdout:
/h/l
/h/a:/h/b /h /h/c
~/q ~/p

#### tilde after colons in the default word of an assignment value
HOME=/h
unset u
p=${u-~/bin:~/sbin}
q=~:${u-~:~}
r=${HOME+~:x}
s=${u=a:~/b}
echo "$p $q $r $s"
echo ${u2-~:~}
## stdout:
/h/bin:/h/sbin /h:/h:/h /h:x a:~/b
~:~
## differs: bash
# bash, outside POSIX mode, also expands the leading ~ of ${u2-~:~} in an argument.
