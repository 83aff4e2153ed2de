// Package stats serves runtime statistics.
package stats

import (
	"fmt"
	"net/http"
	"runtime"
)

// ServeMem writes a few heap figures for dashboards.
func ServeMem(w http.ResponseWriter, _ *http.Request) {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	fmt.Fprintf(w, "heap_alloc %d\nheap_sys %d\nnum_gc %d\n", ms.HeapAlloc, ms.HeapSys, ms.NumGC)
}
