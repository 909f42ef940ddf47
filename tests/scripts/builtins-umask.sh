# umask.

#### set and print an octal mask
umask 027
umask
## stdout:
0027

#### symbolic output
umask 022
umask -S
## stdout:
u=rwx,g=rx,o=rx

#### the mask applies to new files
umask 077
touch f
ls -l f | cut -c1-10
## stdout:
-rw-------

#### symbolic mask operand
umask 000
umask g-w,o-rwx
umask
## stdout:
0027

#### umask in a subshell does not affect the parent
umask 022
(umask 077)
umask
## stdout:
0022

#### umask of an invalid value fails
umask 999 2>/dev/null
[ $? -ne 0 ] && echo error
## stdout:
error

#### symbolic set with =
umask 777
umask u=rwx
umask
## stdout:
0077

#### umask output can be re-input
umask 037
saved=$(umask)
umask 000
umask "$saved"
umask
## stdout:
0037
