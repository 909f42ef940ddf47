# Compound commands (XCU 2.9.4): grouping, for, case, if, while, until.

#### if then else
if true; then echo yes; else echo no; fi
if false; then echo yes; else echo no; fi
## stdout:
yes
no

#### elif chain
x=2
if [ $x = 1 ]; then echo one; elif [ $x = 2 ]; then echo two; elif true; then echo other; else echo none; fi
## stdout:
two

#### if with no branch taken has status 0
if false; then echo x; fi
echo $?
## stdout:
0

#### status of if is that of the branch run
if true; then (exit 3); fi
echo $?
## stdout:
3

#### condition status does not leak when no else
false
if false; then :; fi
echo $?
## stdout:
0

#### while loop
i=0
while [ $i -lt 3 ]; do echo $i; i=$((i+1)); done
## stdout:
0
1
2

#### until loop
i=0
until [ $i -ge 2 ]; do echo $i; i=$((i+1)); done
## stdout:
0
1

#### while loop that never runs has status 0
false
while false; do :; done
echo $?
## stdout:
0

#### status of a loop is that of the last body command
i=0
while [ $i -lt 1 ]; do i=1; (exit 7); done
echo $?
## stdout:
7

#### for over words
for i in a b c; do echo $i; done
## stdout:
a
b
c

#### for without in iterates over positional parameters
set -- 'x y' z
for i; do echo "[$i]"; done
## stdout:
[x y]
[z]

#### for with in and newline before do
for i in 1 2
do
  echo $i
done
## stdout:
1
2

#### for with an empty list does nothing and returns 0
false
for i in; do echo never; done
echo $?
## stdout:
0

#### loop variable keeps the last value
for i in 1 2 3; do :; done
echo $i
## stdout:
3

#### for list is expanded once, before the loop
x='a b'
for i in $x; do x=changed; echo $i; done
## stdout:
a
b

#### break leaves the innermost loop
for i in 1 2 3; do
  for j in a b; do
    [ $j = b ] && break
    echo $i$j
  done
done
## stdout:
1a
2a
3a

#### break 2 leaves two loops
for i in 1 2; do
  for j in a b; do
    echo $i$j
    break 2
  done
done
echo after
## stdout:
1a
after

#### continue skips to the next iteration
for i in 1 2 3; do
  [ $i = 2 ] && continue
  echo $i
done
## stdout:
1
3

#### continue 2 continues the outer loop
for i in 1 2; do
  for j in a b; do
    [ $j = b ] && continue 2
    echo $i$j
  done
  echo never
done
## stdout:
1a
2a

#### break with a count larger than the nesting leaves all loops
for i in 1 2; do
  for j in a b; do break 5; done
  echo never
done
echo out
## stdout:
out

#### break in a while condition
i=0
while break; do echo never; done
echo $i
## stdout:
0

#### case with literal patterns
case foo in bar) echo bar ;; foo) echo foo ;; esac
## stdout:
foo

#### case with glob patterns and alternatives
for w in apple banana cherry x; do
  case $w in
    a*|b*) echo "ab:$w" ;;
    ?????y) echo "six:$w" ;;
    *) echo "other:$w" ;;
  esac
done
## stdout:
ab:apple
ab:banana
six:cherry
other:x

#### case matches only the first matching item
case a in a) echo first ;; a) echo second ;; esac
## stdout:
first

#### case with no match has status 0
false
case x in y) echo y ;; esac
echo $?
## stdout:
0

#### the chosen arm of case still sees the status before it
false
case x in x) echo "in arm: $?" ;; esac
(exit 3)
case x in x) echo "again: $?" ;; esac
f() { false; case x in x) return ;; esac; }
f; echo "return in an arm: $?"
false
case x in x) ;; esac
echo "empty arm: $?"
## stdout:
in arm: 1
again: 3
return in an arm: 1
empty arm: 0

#### case with optional leading paren and no final ;;
case x in (x) echo paren
esac
## stdout:
paren

#### case patterns are expanded but not split
p='a*'
case abc in $p) echo glob-from-var ;; esac
case 'a*' in "$p") echo quoted-literal ;; esac
## stdout:
glob-from-var
quoted-literal

#### quoted pattern characters match literally
case 'a*' in 'a*') echo lit ;; esac
case 'ab' in 'a*') echo nope ;; *) echo star-not-glob ;; esac
## stdout:
lit
star-not-glob

#### case word is expanded with tilde and parameters
x=hello
case $x in hel*) echo ok ;; esac
## stdout:
ok

#### empty case body
case x in x) ;; esac
echo $?
## stdout:
0

#### case with ;& fall-through (POSIX 2024)
case a in a) echo a ;& b) echo b ;; c) echo c ;; esac
## stdout:
a
b
## differs: dash
# ;& is in POSIX.1-2024; dash 0.5.12 lacks it.

#### case item with a newline-separated body
case y in
  y)
    echo one
    echo two
    ;;
esac
## stdout:
one
two

#### brace group runs in the current shell
x=1
{ x=2; }
echo $x
## stdout:
2

#### subshell does not change the parent
x=1
(x=2; cd /)
echo $x
[ "$PWD" != / ] && echo same-dir
## stdout:
1
same-dir

#### exit in a subshell ends only the subshell
(exit 4)
echo $?
## stdout:
4

#### brace group needs a terminating semicolon or newline
{ echo a
echo b
}
## stdout:
a
b

#### nested compound commands
for i in 1 2; do
  if [ $i = 2 ]; then
    case $i in 2) while true; do echo deep; break; done ;; esac
  fi
done
## stdout:
deep

#### reserved words after a command separator only
echo for in do done
## stdout:
for in do done

#### while with a compound condition
i=0
while i=$((i+1)); [ $i -le 2 ]; do echo $i; done
## stdout:
1
2

#### until condition is negated
until true; do echo never; done
echo done
## stdout:
done

#### loop with redirected input reads successive lines
printf 'a\nb\n' > f
while read -r l; do echo $l; done < f
## stdout:
a
b

#### break inside a subshell inside a loop does not leave the loop
for i in 1 2; do
  (break) 2>/dev/null
  echo $i
done
## stdout:
1
2

#### case pattern with bracket expression
case 5 in [0-9]) echo digit ;; esac
## stdout:
digit

#### case with a pattern containing a quoted pipe
case 'a|b' in 'a|b') echo pipe ;; esac
## stdout:
pipe

#### newlines are allowed before in and before the patterns
case x
in
x) echo ok
;;
esac
## stdout:
ok

#### for with a reserved-word-looking variable name is fine
for do in 1; do echo $do; done
## stdout:
1

#### keywords need a separator: {echo is a command name
{echo x 2>/dev/null
echo "status $?"
## stdout:
status 127

#### line continuation inside an operator
true &\
& echo joined
## stdout:
joined

#### case in a command substitution with a pattern paren
x=$(case b in (a) echo A;; (b) echo B;; esac)
echo $x
## stdout:
B

#### loop variable in a function is global
f() { for i in x y; do :; done; }
i=before
f
echo $i
## stdout:
y

#### for loop over "$@" with empty parameters
set -- '' a ''
n=0
for i in "$@"; do n=$((n+1)); done
echo $n
## stdout:
3

#### while loop with a pipeline condition
printf 'a\nb\n' > f
while read -r l && [ "$l" != b ]; do echo "$l"; done < f
## stdout:
a

#### deeply nested subshells
# With spaces: "((" at the start of a command is unspecified.
( ( ( (echo deep) ) ) )
## stdout:
deep

#### subshell status and exit trap inside a loop
for i in 1 2; do (trap 'echo "trap $i"' EXIT; exit $i); echo "st $?"; done
## stdout:
trap 1
st 1
trap 2
st 2

#### continue in a while loop re-evaluates the condition
i=0
while [ $i -lt 3 ]; do i=$((i+1)); [ $i = 2 ] && continue; echo $i; done
## stdout:
1
3

#### a brace group and a subshell both with redirections and pipes
{ echo a; (echo b; echo c) | tr b B; } | cat
## stdout:
a
B
c
