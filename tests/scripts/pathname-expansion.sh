# Pathname expansion (XCU 2.6.6, 2.13).

#### star matches files sorted
touch b a c
echo *
## stdout:
a b c

#### question mark matches one character
touch a1 a22 b1
echo a?
## stdout:
a1

#### bracket expression and range
touch a b c d
echo [a-c]
echo [!a-c]
## stdout:
a b c
d

#### no match leaves the pattern unchanged
echo nomatch*
## stdout:
nomatch*

#### leading dot must be matched explicitly
touch .hidden visible
echo *
echo .h*
## stdout:
visible
.hidden

#### star does not match slash
mkdir -p d/e
touch d/f d/e/g
echo d/*
echo */*
## stdout:
d/e d/f
d/e d/f

#### patterns in directory components
mkdir -p x1/sub x2/sub
echo x*/sub
## stdout:
x1/sub x2/sub

#### noglob disables expansion
touch a
set -f
echo *
set +f
echo *
## stdout:
*
a

#### results of parameter expansion are globbed when unquoted
touch aa ab
p='a*'
echo $p "$p"
## stdout:
aa ab a*

#### quoted glob characters from a variable do not match
touch aa
p='a\*'
echo "a*" a\*
## stdout:
a* a*

#### bracket with a quoted bang
touch a '!'
echo ['!']
## stdout:
!

#### character class in brackets
touch a B 1
echo [[:upper:]] [[:digit:]]
## stdout:
B 1

#### unmatched bracket is literal
touch '[a'
echo [a
## stdout:
[a

#### glob in assignment is not expanded
touch a b
x=*
echo "$x"
## stdout:
*

#### glob inside case pattern is not pathname expansion
touch abc
case x in *) echo matched ;; esac
## stdout:
matched

#### glob result with spaces stays one field
touch 'a b'
printf '[%s]\n' a*
## stdout:
[a b]

#### a non-interactive shell does not glob a redirection target
touch one
echo hi > o*
ls
## stdout:
o*
one

#### trailing slash matches only directories
mkdir dir; touch file
echo */
## stdout:
dir/

#### escaped star in a pattern matches literally
touch 'x*' xy
echo x\*
## stdout:
x*
