# Here-documents (XCU 2.7.4).

#### expanded here-document
x=world
cat <<EOF
hello $x $((1+1)) $(echo cs)
EOF
## stdout:
hello world 2 cs

#### quoted delimiter suppresses expansion
x=world
cat <<'EOF'
hello $x `no` \$
EOF
## stdout:
hello $x `no` \$

#### partly quoted delimiter also suppresses expansion
cat <<E"OF"
$HOME
EOF
## stdout:
$HOME

#### backslash-quoted delimiter
cat <<\EOF
$x
EOF
## stdout:
$x

#### backslash in an unquoted here-document escapes $ ` \ and newline only
cat <<EOF
a\$b \`c\` \\ \" \n
line\
joined
EOF
## stdout:
a$b `c` \ \" \n
linejoined

#### double quotes are ordinary in a here-document
x=v
cat <<EOF
"$x" '$x'
EOF
## stdout:
"v" 'v'

#### tab-stripping with <<-
cat <<-EOF
	indented
		twice
	EOF
## stdout:
indented
twice

#### two here-documents on one line
cat <<A; cat <<B
first
A
second
B
## stdout:
first
second

#### here-document to a different fd
cat 3<<EOF <&3
from three
EOF
## stdout:
from three

#### here-document in a function is re-expanded each call
f() {
cat <<EOF
x is $x
EOF
}
x=1; f; x=2; f
## stdout:
x is 1
x is 2

#### here-document in a loop
for i in 1 2; do
cat <<EOF
iteration $i
EOF
done
## stdout:
iteration 1
iteration 2

#### empty here-document
cat <<EOF
EOF
echo after
## stdout:
after

#### delimiter must be alone on its line
cat <<EOF
EOF not end
 EOF
EOF
## stdout:
EOF not end
 EOF

#### here-document with a pipeline
cat <<EOF | tr a-z A-Z
shout
EOF
## stdout:
SHOUT

#### here-document with a command after the operator on the same line
cat <<EOF && echo done
body
EOF
## stdout:
body
done

#### here-document inside $() inside double quotes
echo "$(cat <<EOF
inner $((3*3))
EOF
)"
## stdout:
inner 9

#### here-document in an if condition
if cat <<EOF
cond
EOF
then echo yes; fi
## stdout:
cond
yes

#### large here-document
cat <<EOF | wc -c | tr -d ' '
aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa
aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa
EOF
## stdout:
202

#### here-document bigger than a pipe buffer
x=$(i=0; while [ $i -lt 3000 ]; do printf '%s\n' "line number $i of a big document"; i=$((i+1)); done)
cat <<EOF | wc -l | tr -d ' '
$x
EOF
## stdout:
3000

#### here-document read by a while loop
while read -r line; do echo "got $line"; done <<EOF
one
two
EOF
## stdout:
got one
got two

#### quoted delimiter with tab stripping keeps content literal
cat <<-'EOF'
	$not	expanded
	EOF
## stdout:
$not	expanded

#### parameter in here-document with braces and defaults
unset u
cat <<EOF
${u:-default} ${#HOME_NOT_SET}
EOF
## stdout:
default 0

#### here-document body after a compound command
while false; do :; done; cat <<EOF
after loop
EOF
## stdout:
after loop

#### here-document on a compound command
while read -r a; do echo "[$a]"; done <<EOF
x y
EOF
{ read -r a; read -r b; echo "$b$a"; } <<EOF
1
2
EOF
## stdout:
[x y]
21

#### here-document as stdin of a subshell
(cat; echo end) <<EOF
sub
EOF
## stdout:
sub
end
