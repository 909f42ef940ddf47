# Command substitution (XCU 2.6.3).

#### dollar-paren form
echo $(echo hi)
## stdout:
hi

#### backquote form
echo `echo hi`
## stdout:
hi

#### trailing newlines are removed, inner ones kept
x=$(printf 'a\n\nb\n\n\n')
printf '[%s]\n' "$x"
## stdout:
[a

b]

#### nested dollar-paren
echo $(echo $(echo $(echo deep)))
## stdout:
deep

#### nested backquotes need escaping
echo `echo \`echo inner\``
## stdout:
inner

#### backslash in backquotes: \\ and \$ are unescaped first
echo `echo '\\'`
echo `echo \$HOME_UNSET_X` end
## stdout:
\
end

#### substitution runs in a subshell environment
x=1
y=$(x=2; echo $x)
echo $x $y
## stdout:
1 2

#### cd in a substitution does not affect the shell
mkdir sub
d=$(cd sub; pwd)
[ "$d" != "$(pwd)" ] && echo separate
## stdout:
separate

#### exit status of an assignment-only command is that of the last substitution
x=$(exit 3)
echo $?
x=$(false) y=$(true)
echo $?
## stdout:
3
0

#### exit status of a plain command is not the substitution's
echo $(exit 5) >/dev/null
echo $?
## stdout:
0

#### empty substitution is no field unquoted
printf '[%s]\n' $(true) x
## stdout:
[x]

#### here-document inside a command substitution
x=$(cat <<EOT
line one
line two
EOT
)
echo "$x"
## stdout:
line one
line two

#### case statement with a bare pattern paren inside $()
x=$(case a in a) echo matched ;; esac)
echo $x
## stdout:
matched

#### parentheses and quotes nested inside $()
echo "$(echo "(" ')' "$(echo ")")")"
## stdout:
( ) )

#### comments inside $()
x=$(
  # a comment with ) in it
  echo ok
)
echo $x
## stdout:
ok

#### $( ( ... ) ) is a subshell in a substitution, not arithmetic
echo $( (echo sub) )
## stdout:
sub

#### stderr of a substitution is not captured
x=$(echo err >&2; echo out)
echo "[$x]"
## stdout:
[out]

#### substitution output with NUL-free binary-ish text
x=$(printf 'a\tb')
printf '%s\n' "$x"
## stdout:
a	b

#### substitution of a large output
x=$(i=0; while [ $i -lt 2000 ]; do echo "line $i"; i=$((i+1)); done)
printf '%s\n' "$x" | wc -l | tr -d ' '
## stdout:
2000

#### exit inside a substitution ends only the substitution
x=$(echo a; exit 4; echo b)
echo "$x $?"
## stdout:
a 4

#### substitution in a for list
for w in $(echo 1 2 3); do echo "<$w>"; done
## stdout:
<1>
<2>
<3>

#### single-quoted parens in $()
echo $(echo ')')
## stdout:
)

#### backquotes inside double quotes with a dollar
x=val
echo "`echo \$x`"
## stdout:
val

#### functions are visible inside a substitution
f() { echo from-f; }
echo $(f)
## stdout:
from-f

#### a utility in a substitution: status, standard input, signals
# `$(utility args)` starts the utility without a copy of the shell; it
# must see what it would see from one.
x=$(sh -c 'exit 3'); echo "status $?"
echo piped | { x=$(cat); echo "stdin: $x"; }
trap 'echo "trapped in the shell"' USR1
x=$(sh -c 'kill -USR1 $$; echo not reached'); echo "caught signal: [$x] $?"
trap '' USR2
x=$(sh -c 'kill -USR2 $$; echo survived'); echo "ignored signal: $x"
x=$(nosuch_utility_here 2>/dev/null); echo "not found: $?"
f=dir/file.txt
echo "$(basename "$f" .txt) $(dirname $f)"
## stdout:
status 3
stdin: piped
caught signal: [] 138
ignored signal: survived
not found: 127
file dir
