# Quoting (XCU 2.2): backslash, single quotes, double quotes, and how
# quoting interacts with expansions.

#### backslash escapes a space
echo a\ \ b
## stdout:
a  b

#### backslash-newline is a line continuation
echo ab\
cd
## stdout:
abcd

#### backslash-newline inside a word between expansions
x=1
echo $x\
$x
## stdout:
11

#### single quotes keep everything literal
printf '%s\n' '$HOME `x` \n "q"'
## stdout:
$HOME `x` \n "q"

#### single quotes keep a backslash before the closing quote
echo 'a\'
## stdout:
a\

#### double quotes keep spaces
echo "a   b"
## stdout:
a   b

#### backslash in double quotes only escapes $ ` " \ and newline
printf '%s\n' "\$ \` \" \\ \a \n"
## stdout:
$ ` " \ \a \n

#### backslash-newline in double quotes is removed
echo "ab\
cd"
## stdout:
abcd

#### dollar-single-quote is not required; plain quote pairs concatenate
echo 'a'"b"c
## stdout:
abc

#### empty quotes make an empty argument
set -- '' ""
echo $#
## stdout:
2

#### quoted empty argument survives next to an empty expansion
e=
set -- "$e" $e
echo $#
## stdout:
1

#### reserved words are not recognised when quoted
'if' 2>/dev/null
echo $?
## stdout:
127

#### quoted hash is not a comment
echo a '#b' \#c d#e
## stdout:
a #b #c d#e

#### hash starts a comment only at the start of a word
echo a #b c
echo x#y
## stdout:
a
x#y

#### quoted operators are literal
echo '|' ";" \& \< '>'
## stdout:
| ; & < >

#### double quotes around a parameter prevent splitting
x='a  b'
printf '[%s]\n' "$x"
## stdout:
[a  b]

#### double quotes around a glob prevent pathname expansion
touch f1 f2
echo "f*"
## stdout:
f*

#### partly quoted glob: the quoted part matches literally
touch 'a*b' axb
echo a'*'b
## stdout:
a*b

#### single quote inside double quotes
echo "it's"
## stdout:
it's

#### double quote inside single quotes
echo 'say "hi"'
## stdout:
say "hi"

#### tilde is not expanded when quoted
echo "~" '~' \~
## stdout:
~ ~ ~

#### command substitution inside double quotes keeps newlines inside
x="$(printf 'a\nb')"
echo "$x"
## stdout:
a
b

#### backquote inside double quotes with escaped inner quotes
echo "`echo \"in\"`"
## stdout:
in

#### nested double quotes inside $() inside double quotes
echo "$(echo "a  b")"
## stdout:
a  b

#### backslash before an ordinary character outside quotes is removed
echo \a\b\c
## stdout:
abc

#### backslash-backslash outside quotes
echo \\
## stdout:
\

#### a quoted newline inside single quotes
echo 'a
b'
## stdout:
a
b

#### keyword-like words in argument positions are ordinary
echo if then fi do done
## stdout:
if then fi do done
