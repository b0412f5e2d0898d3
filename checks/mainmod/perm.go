package mainmod

import (
	"fmt"
	"os"
	"strconv"
	"strings"
)

// PermissionFix is the remedy for a file (or, with dir, a directory)
// this user cannot read (or enter): the permission bits the go command
// needs, set with chmod when the user owns it; for another user's, a
// change of owner, which only that user or root can make.
func PermissionFix(path string, dir bool) (title, command string) {
	bits, need := "u+r", "readable"
	if dir {
		bits, need = "u+rx", "readable and searchable"
	}
	q := shellQuote(path)
	if uid, ok := ownerOf(path); ok && uid != os.Geteuid() {
		return fmt.Sprintf("%s belongs to uid %d, not to you (uid %d): have it made %s for you (as root, or by its owner), for instance by giving it to you", path, uid, os.Geteuid(), need),
			"sudo chown " + strconv.Itoa(os.Geteuid()) + " " + q
	}
	return fmt.Sprintf("make %s %s by you", path, need), "chmod " + bits + " " + q
}

// shellQuote quotes s for a POSIX shell when it needs quoting.
func shellQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_@%+=:,./-") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
