# read (XCU read).

#### read a line into one variable
read -r x
echo "[$x]"
## stdin:
hello world
## stdout:
[hello world]

#### leading and trailing IFS whitespace is stripped
read -r x
echo "[$x]"
## stdin:
   padded   
## stdout:
[padded]

#### fields split into several variables, the last gets the rest
read -r a b c
echo "[$a] [$b] [$c]"
## stdin:
one two three four  five
## stdout:
[one] [two] [three four  five]

#### fewer fields than variables leaves the rest empty
read -r a b c
echo "[$a] [$b] [$c]"
## stdin:
only
## stdout:
[only] [] []

#### without -r backslash escapes and joins lines
read x
printf '[%s]\n' "$x"
## stdin:
a\ b\\c\
continued
## stdout:
[a b\ccontinued]

#### with -r backslashes are literal
read -r x
printf '[%s]\n' "$x"
## stdin:
a\ b\\c\
## stdout:
[a\ b\\c\]

#### EOF without a newline sets the variable and returns non-zero
printf 'partial' | { read -r x; echo "status $? [$x]"; }
## stdout:
status 1 [partial]

#### read at EOF fails
read -r x
echo "status $?"
## stdout:
status 1

#### custom IFS for read
IFS=: read -r a b c
echo "[$a] [$b] [$c]"
## stdin:
x:y::z
## stdout:
[x] [y] [:z]

#### read with IFS non-whitespace keeps empty fields
IFS=, read -r a b c
echo "[$a] [$b] [$c]"
## stdin:
,middle,
## stdout:
[] [middle] []

#### empty IFS means no splitting and no stripping
IFS= read -r x
echo "[$x]"
## stdin:
  keep  spaces  
## stdout:
[  keep  spaces  ]

#### successive reads consume successive lines
read -r a
read -r b
echo "$b $a"
## stdin:
first
second
## stdout:
second first

#### read in a loop consumes stdin shared with commands
while read -r line; do
  echo "got $line"
done
## stdin:
1
2
3
## stdout:
got 1
got 2
got 3

#### read leaves the rest of stdin for the next command
read -r first
cat
## stdin:
line1
line2
line3
## stdout:
line2
line3

#### read from a pipe in a subshell does not set the parent variable
x=orig
echo new | read -r x
echo $x
## stdout:
orig

#### the last variable keeps inner delimiters but not trailing whitespace
IFS=' :' read -r a b
echo "[$a] [$b]"
## stdin:
one two : three  
## stdout:
[one] [two : three]

#### the last variable drops a delimiter that only closes its one field
printf 'a,\n' | { IFS=, read -r x; echo "<$x>"; }
printf 'a ,\n' | { IFS=', ' read -r x; echo "<$x>"; }
printf 'a , b , \n' | { IFS=' ,' read -r x y; echo "<$x><$y>"; }
printf 'a,b,c,\n' | { IFS=, read -r x y; echo "<$x><$y>"; }
## stdout:
<a>
<a>
<a><b>
<a><b,c,>

#### read with a backslash-newline continuation and a prompt-free stdin
read a b
echo "$a|$b"
## stdin:
one \
two
## stdout:
one|two

#### read into an invalid name is an error
echo x | read -r 1abc 2>/dev/null
[ $? -ne 0 ] && echo error
## stdout:
error

#### read -r with a trailing backslash at EOF
printf 'abc\\' | { read -r x; echo "[$x]"; }
## stdout:
[abc\]

#### read a NUL-free long line
awk 'BEGIN { for (i = 0; i < 5000; i++) printf "x"; print "" }' > long
read -r x < long
echo ${#x}
## stdout:
5000

#### read -d is not POSIX but -r with IFS tab works
IFS='	' read -r a b
echo "[$a] [$b]"
## stdin:
one	two words
## stdout:
[one] [two words]

#### read with no variable name stores the whole line in REPLY
# Not split, white space kept; backslashes still escape without -r.
printf '  a  b \\\n  c\n  d \\\n' | { read; echo "[$REPLY]"; read -r; echo "[$REPLY]"; }
## stdout:
[  a  b   c]
[  d \]
## differs: dash
# POSIX names at least one variable and dash refuses; bash, ksh, zsh and
# busybox sh store into REPLY.
