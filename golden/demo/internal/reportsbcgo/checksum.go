// Package reportsbcgo holds the demo instance of the cgo report (R7.12).
package reportsbcgo

/*
#include <stdint.h>
static uint32_t fold32(uint64_t v) { return (uint32_t)(v ^ (v >> 32)); }
*/
import "C"

// Fold calls into C once per value.
func Fold(values []uint64) []uint32 {
	out := make([]uint32, len(values))
	for i, v := range values {
		out[i] = uint32(C.fold32(C.uint64_t(v)))
	}
	return out
}
