package scanner

import "golang.org/x/sys/unix"

// sysFstatat is the system call unix.Fstatat makes on this architecture.
const sysFstatat = unix.SYS_NEWFSTATAT
