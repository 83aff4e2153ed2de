// Package pinned renders reports on a pinned thread for no reason the code shows (R6.2).
package pinned

import (
	"fmt"
	"runtime"
	"strings"
)

// Report joins the rows of a report under a title.
func Report(title string, rows []string) string {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	var b strings.Builder
	fmt.Fprintf(&b, "%s (%d rows)\n", title, len(rows))
	for _, r := range rows {
		b.WriteString(r)
		b.WriteByte('\n')
	}
	return b.String()
}
