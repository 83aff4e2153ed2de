package main

import "runtime/debug"

// tuneGC trades memory for fewer collections, with no memory limit (R7.5).
func tuneGC() {
	debug.SetGCPercent(400)
}
