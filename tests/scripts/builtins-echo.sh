# echo. POSIX leaves -n and backslashes implementation-defined; XSI
# requires the escapes. Rush follows dash: escapes always, no options but -n.

#### plain echo
echo a b  c
## stdout:
a b c

#### echo with no arguments prints a newline
echo
## stdout:

## status: 0

#### -n suppresses the newline
echo -n abc
echo def
## stdout:
abcdef

#### escape sequences (XSI)
echo 'a\tb\nc'
## stdout:
a	b
c
## differs: bash
# bash --posix does not interpret backslashes without xpg_echo.

#### \c stops output
echo 'abc\cdef'
echo next
## stdout:
abcnext
## differs: bash

#### octal escape \0nnn
echo '\0101\0102'
## stdout:
AB
## differs: bash

#### -e is not an option (printed)
echo -e x
## stdout:
-e x
## differs: bash

#### -- is printed
echo -- x
## stdout:
-- x

#### backslash-backslash
echo 'a\\b'
## stdout:
a\b
## differs: bash

#### echo to a closed stdout fails
echo x >&- 2>/dev/null
[ $? -ne 0 ] && echo failed
## stdout:
failed
