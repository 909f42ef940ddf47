# Field splitting (XCU 2.6.5) and "$@" / "$*" (XCU 2.5.2).

#### default IFS splits on runs of blanks and newlines
x='  a  b
c	d  '
printf '[%s]\n' $x
## stdout:
[a]
[b]
[c]
[d]

#### results of quoted expansions are not split
x='a b'
printf '[%s]\n' "$x"
## stdout:
[a b]

#### non-whitespace IFS delimits empty fields
IFS=:
x='a::b:'
printf '[%s]\n' $x
## stdout:
[a]
[]
[b]

#### leading non-whitespace delimiter makes an empty first field
IFS=:
x=':a'
printf '[%s]\n' $x
## stdout:
[]
[a]

#### IFS whitespace around a non-whitespace delimiter is absorbed
IFS=' :'
x=' a : b :: c '
printf '[%s]\n' $x
## stdout:
[a]
[b]
[]
[c]

#### empty IFS disables splitting
IFS=
x='a b:c'
printf '[%s]\n' $x
## stdout:
[a b:c]

#### unset IFS behaves as space tab newline
unset IFS
x='a	b
c'
printf '[%s]\n' $x
## stdout:
[a]
[b]
[c]

#### an unquoted empty expansion produces no field
e=
printf '[%s]\n' $e x $e
## stdout:
[x]

#### an expansion of only IFS whitespace produces no field
x='   '
set -- $x
echo $#
## stdout:
0

#### literal text is never split, only expansion results
IFS=:
echo a:b
## stdout:
a:b

#### split results join with adjacent literal text
x='1 2'
printf '[%s]\n' a${x}b
## stdout:
[a1]
[2b]

#### command substitution results are split
printf '[%s]\n' $(echo 'x  y')
## stdout:
[x]
[y]

#### arithmetic results are split with IFS
IFS=1
printf '[%s]\n' $((515))
## stdout:
[5]
[5]

#### "$@" keeps each parameter a field
set -- 'a b' '' c
printf '[%s]\n' "$@"
## stdout:
[a b]
[]
[c]

#### "$@" with no parameters produces no field
set --
printf '[%s]\n' "$@" end
## stdout:
[end]

#### "$@" with prefix and suffix text
set -- a b
printf '[%s]\n' "x$@y"
## stdout:
[xa]
[by]

#### "$*" joins with the first IFS character
set -- a b c
IFS=:-
echo "$*"
## stdout:
a:b:c

#### "$*" with empty IFS joins without separator
set -- a b c
IFS=
echo "$*"
## stdout:
abc

#### "$*" with unset IFS joins with space
set -- a b c
unset IFS
echo "$*"
## stdout:
a b c

#### unquoted $* and $@ split again
set -- 'a b' c
printf '[%s]\n' $*
printf '[%s]\n' $@
## stdout:
[a]
[b]
[c]
[a]
[b]
[c]

#### unquoted $@ with non-whitespace IFS
set -- 'a:b' c
IFS=:
printf '[%s]\n' $@
## stdout:
[a]
[b]
[c]

#### "$*" with no parameters is one empty field
set --
printf '[%s]\n' "$*"
## stdout:
[]

#### "${@}" braced form behaves as "$@"
set -- 'x y' z
printf '[%s]\n' "${@}"
## stdout:
[x y]
[z]

#### "$@" inside a default word
unset u
set -- 'a b' c
printf '[%s]\n' "${u:-$@}"
## stdout:
[a b]
[c]

#### IFS set only for a builtin does not affect expansions of its own args
x='a:b'
IFS=: printf '[%s]\n' $x
## stdout:
[a:b]

#### IFS change takes effect for later expansions
x='a:b'
IFS=:
printf '[%s]\n' $x
IFS=' '
printf '[%s]\n' $x
## stdout:
[a]
[b]
[a:b]

#### splitting a value with a trailing non-whitespace delimiter
IFS=,
x='a,b,'
set -- $x
echo $#
## stdout:
2

#### for loop over an unquoted expansion splits
x='1 2 3'
for i in $x; do echo $i; done
## stdout:
1
2
3

#### assignment values are not split
x='a   b'
y=$x
echo "$y"
## stdout:
a   b

#### tab-only IFS
IFS='	'
x='a b	c'
printf '[%s]\n' $x
## stdout:
[a b]
[c]

#### "$@" followed by an empty quoted string
set -- a
printf '[%s]\n' "$@" ""
## stdout:
[a]
[]

#### unquoted $* with empty IFS keeps parameters apart
set -- 'a b' c
IFS=
printf '[%s]\n' $*
## stdout:
[a b]
[c]

#### unquoted $@ with empty IFS keeps parameters apart
set -- 'a b' '' c
IFS=
printf '[%s]\n' $@
## stdout:
[a b]
[c]

#### "$*" with a multi-character IFS uses only the first
set -- 1 2
IFS='-+'
echo "$*"
## stdout:
1-2

#### "$@" in an assignment joins with spaces
set -- a b c
x="$@"
echo "$x"
## stdout:
a b c

#### splitting with a backslash in IFS-separated data is literal
x='a\ b'
printf '[%s]\n' $x
## stdout:
[a\]
[b]

#### an empty field from non-whitespace IFS in the middle of $@
set -- 'a:' 'b'
IFS=:
printf '[%s]\n' $@
## stdout:
[a]
[b]
## differs: bash
# Each parameter is split on its own; a trailing delimiter ends a field
# without making an empty one. bash --posix yields an extra empty field.

#### adjacent expansions join before splitting
a='1 2' b='3 4'
printf '[%s]\n' $a$b
## stdout:
[1]
[23]
[4]
