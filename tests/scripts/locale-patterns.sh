# Pattern matching by characters of the locale (XCU 2.14): in a UTF-8
# locale a multibyte character is one character for ?, bracket expressions
# and *; in the C locale every byte is one. The cases set the locale
# themselves (the runner starts every shell with LC_ALL=C). dash matches
# bytes in every locale.

#### ? matches one multibyte character in case
LC_ALL=C.UTF-8
for w in μ μμ aé 😀; do
  case $w in
    ?) echo "$w one" ;;
    ??) echo "$w two" ;;
    *) echo "$w more" ;;
  esac
done
## stdout:
μ one
μμ two
aé two
😀 one
## differs: dash

#### a bracket expression matches a multibyte member or its negation
LC_ALL=C.UTF-8
for w in μ x ν; do
  case $w in [μx]) printf 'in ' ;; *) printf 'out ' ;; esac
  case $w in [!μ]) echo not-mu ;; *) echo mu ;; esac
done
## stdout:
in mu
in not-mu
out not-mu
## differs: dash

#### a range with a multibyte end compares code points
LC_ALL=C.UTF-8
for w in μ é a z; do
  case $w in [α-ω]) echo "$w greek" ;; [a-z]) echo "$w latin" ;; *) echo "$w other" ;; esac
done
## stdout:
μ greek
é other
a latin
z latin
## differs: dash

#### character classes know non-ASCII letters
LC_ALL=C.UTF-8
for w in é É 1 «; do
  case $w in [[:upper:]]) echo "$w upper" ;; [[:alpha:]]) echo "$w alpha" ;; [[:punct:]]) echo "$w punct" ;; *) echo "$w other" ;; esac
done
## stdout:
é alpha
É upper
1 other
« punct
## differs: dash

#### prefix and suffix removal take whole characters
LC_ALL=C.UTF-8
x=μabcμ
echo "${x#?} ${x##?} ${x%?} ${x%%?}"
echo "${x#?a} ${x%c?} ${x#[μ]} ${x%[!a]}"
## stdout:
abcμ abcμ μabc μabc
bcμ μab abcμ μabc
## differs: dash

#### removal with * never leaves half a character
LC_ALL=C.UTF-8
x=éμé
echo "[${x#*}] [${x##*}] [${x%*}] [${x%%*}]"
echo "${x#*?} ${x%?*} ${x##*[!é]} ${x%%[!é]*}"
y=${x#*?}; echo "${#y}"
## stdout:
[éμé] [] [éμé] []
μé éμ é é
2
## differs: dash

#### pathname expansion matches a multibyte name with ? and brackets
LC_ALL=C.UTF-8
touch μ.txt ab.txt é
echo ?.txt
echo [!a]
echo [é]
## stdout:
μ.txt
é
é
## differs: dash

#### the locale comes from LC_ALL, then LC_CTYPE, then LANG
unset LC_ALL
LANG=C.UTF-8
case μ in ?) echo LANG one ;; *) echo LANG bytes ;; esac
LC_CTYPE=C
case μ in ?) echo LC_CTYPE one ;; *) echo LC_CTYPE bytes ;; esac
LC_ALL=C.UTF-8
case μ in ?) echo LC_ALL one ;; *) echo LC_ALL bytes ;; esac
## stdout:
LANG one
LC_CTYPE bytes
LC_ALL one
## differs: dash

#### in the C locale patterns match bytes
LC_ALL=C
case μ in ?) echo one ;; ??) echo two ;; esac
case μ in [μ]) echo one-set ;; [μ][μ]) echo two-sets ;; esac
x=μa
y=${x#?}
echo "${#y}"
## stdout:
two
two-sets
2

#### a byte that is not UTF-8 is a character of its own
LC_ALL=C.UTF-8
x=$(printf 'a\377b')
case $x in a?b) echo one ;; *) echo other ;; esac
y=${x#a?}
echo "$y"
## stdout:
one
b

#### removal next to a stray byte keeps the valid character whole
LC_ALL=C.UTF-8
x=$(printf '\377μ')
y=${x%?}
echo "${#y}"
LC_ALL=C
echo "${#y}"
## stdout:
1
1
## differs: bash dash
# bash matches the whole string byte-wise when it is not valid UTF-8, so
# ${x%?} removes only the last byte of μ (bash prints 2 and 2).

#### printf gives a quoted character's value in the locale's codeset
# POSIX: "the numeric value in the underlying codeset of the character".
LC_ALL=C.UTF-8
printf '%d %x %d\n' "'é" "'€" "'a"
LC_ALL=C
printf '%d\n' "'é"
## stdout:
233 20ac 97
195
## differs: dash
# dash gives the first byte in every locale.
