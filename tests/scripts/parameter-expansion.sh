# Parameter expansion (XCU 2.6.2).

#### simple and braced forms
x=val
echo $x ${x} "${x}"
## stdout:
val val val

#### braces delimit the name
x=a
echo ${x}b $xb.
## stdout:
ab .

#### unset parameter expands to nothing
unset u
echo "[$u]"
## stdout:
[]

#### default value with :- for unset and empty
unset u; e=
echo ${u:-d1} ${e:-d2} ${u-d3} "[${e-d4}]"
## stdout:
d1 d2 d3 []

#### := assigns the default
unset u
echo ${u:=new} $u
e=
: ${e=notset}
echo "[$e]"
## stdout:
new new
[]

#### :+ alternate value
x=set; e=; unset u
echo "[${x:+alt}] [${e:+alt}] [${e+alt}] [${u+alt}]"
## stdout:
[alt] [] [alt] []

#### :? on unset writes the message and fails the non-interactive shell
unset u
(echo ${u:?custom message}; echo not reached)
echo "status $?"
## stdout:
status 2
## stderr-contains: custom message
## differs: bash
# POSIX says only "non-zero"; dash uses 2, bash 1.

#### ? without colon accepts an empty value
e=
echo "[${e?no}]"
## stdout:
[]

#### :? on a set value expands normally
x=fine
echo ${x:?bad}
## stdout:
fine

#### :? failure ends a -c shell with non-zero status
unset u
echo ${u:?gone}
echo not reached
## status: 2
## differs: bash
# POSIX only says non-zero; dash exits 2, bash --posix 127.

#### default word is expanded (tilde, parameter, command substitution)
unset u
y=why
echo ${u:-$y} ${u:-$(echo cs)} ${u:-$((1+1))}
## stdout:
why cs 2

#### default word is not expanded when the value is set
x=set
echo ${x:-$(echo SHOULD_NOT_RUN >&2)}
## stdout:
set

#### nested quotes in default word
unset u
printf '[%s]\n' "${u:-"a  b"}"
printf '[%s]\n' ${u:-"a  b"}
## stdout:
[a  b]
[a  b]

#### unquoted default word is split
unset u
printf '[%s]\n' ${u:-a  b}
## stdout:
[a]
[b]

#### single quotes in a default inside double quotes are literal
unset u
echo "${u:-'x'}"
## stdout:
'x'

#### single quotes in a default outside double quotes quote
unset u
echo ${u:-'a  b'}
## stdout:
a  b

#### string length
x=hello; e=
echo ${#x} ${#e}
## stdout:
5 0

#### length of positional parameters count
set -- a b c
echo ${#}
## stdout:
3

#### remove smallest suffix
x=file.tar.gz
echo ${x%.*}
## stdout:
file.tar

#### remove largest suffix
x=file.tar.gz
echo ${x%%.*}
## stdout:
file

#### remove smallest prefix
x=/usr/local/bin
echo ${x#*/}
## stdout:
usr/local/bin

#### remove largest prefix
x=/usr/local/bin
echo ${x##*/}
## stdout:
bin

#### quoted pattern in removal is literal
x='a*b*c'
echo ${x#"a*"} ${x#a*}
## stdout:
b*c *b*c

#### pattern from a variable is a pattern unless quoted
x=abcabc; p='b*'
echo ${x%$p} ${x%"$p"}
## stdout:
abca abcabc

#### removal with bracket expression
x=abc123
echo ${x%%[0-9]*}
## stdout:
abc

#### removal that matches nothing leaves the value
x=abc
echo ${x#z} ${x%z}
## stdout:
abc abc

#### removal on an unset variable is empty
unset u
echo "[${u#a}]"
## stdout:
[]

#### nounset fails on an unset variable
set -u
unset u
(echo $u)
echo status $?
## stdout:
status 2
## differs: bash
# POSIX: the shell writes a message and a non-interactive shell exits
# (non-zero); dash uses 2, bash --posix 1.

#### nounset allows ${u-default} and $@
set -u
unset u
echo ${u-ok} "$@" done
## stdout:
ok done

#### special parameters in braces
set -- a b
echo ${1} ${#} ${?}
## stdout:
a 2 0

#### positional parameter 10 needs braces
set -- 1 2 3 4 5 6 7 8 9 ten
echo ${10} $10
## stdout:
ten 10

#### ${x=} on a readonly variable fails
readonly r=1
(: ${r:=2}) 2>/dev/null || echo failed
echo $r
## stdout:
1

#### default with a right brace quoted inside
unset u
echo "${u:-a\}b}"
echo ${u:-'}'}
## stdout:
a}b
}

#### prefix removal with escaped pattern characters
x='*star'
echo ${x#\*}
## stdout:
star

#### assignment default applies to the variable, not the quotes
unset u
echo "${u:="a b"}"
echo "$u"
## stdout:
a b
a b

#### an escaped single quote in a removal pattern inside double quotes
w="it's here"
echo "${w#it\'}" "${w%\'s here}"
q="'quoted'"
echo "${q%d\'}"
## stdout:
s here it
'quote

#### expansion inside the pattern of a removal
x=foobar; y=foo
echo ${x#$y}
## stdout:
bar

#### ${#x} with x unset under no nounset is 0
unset u
echo ${#u}
## stdout:
0

#### right brace inside a command substitution in a default word
unset u
echo ${u:-$(echo '}')}
## stdout:
}

#### double-quoted $@ inside a default word of a quoted expansion
set -- a 'b c'
unset u
printf '[%s]\n' "${u-"$@"}"
## stdout:
[a]
[b c]

#### removal patterns with * in the middle
x=a.b.c.d
echo ${x#*.} ${x##*.} ${x%.*} ${x%%.*}
## stdout:
b.c.d d a.b.c a

#### removal of a pattern with a question mark
x=abcd
echo ${x#??} ${x%?}
## stdout:
cd abc

#### ${x:-} of an empty value with quotes is an empty field
e=
set -- "${e:-}"
echo $#
## stdout:
1

#### length of a positional parameter
set -- hello
echo ${#1}
## stdout:
5

#### ${x+set} distinguishes set-empty from unset in a loop
e=
unset u
for v in e u; do eval "echo $v:\${$v+set}"; done
## stdout:
e:set
u:

#### assigning a default to a positional parameter is an error
set --
(: ${1:=x}) 2>/dev/null
[ $? -ne 0 ] && echo error
## stdout:
error

#### $LINENO counts lines
echo $LINENO
echo $LINENO
## stdout:
1
2
## differs: dash
# dash 0.5.12 built without LINENO support expands it to nothing.

#### LINENO inside a function body
f() {
  echo $LINENO
}
f
## stdout:
2
## differs: dash

#### length of a multibyte value in the C locale counts bytes
x=é
echo ${#x}
## stdout:
2

#### a form POSIX does not define is an error only when expanded
if [ -n "${BASH_VERSION-}" ]; then
  echo "${x:0:2} ${x/a/b} ${!x}"
fi
echo reached
## stdout:
reached

#### expanding a form POSIX does not define is an error
x=abc
echo before
echo "${x/b/c}"
echo not reached
## stdout:
before
## status: 2
## stderr-contains: substitution
## differs: bash
# bash defines ${x/b/c} (it prints acc); dash and rush do not.
