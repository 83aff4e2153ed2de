// Package ingest loads batch files into the store.
package ingest

import (
	"io"
	"log"
	"os"
	"runtime"
	"runtime/debug"
)

const chunkSize = 256 << 10

// LoadAll copies every file to dst. Each file's Close is deferred inside the loop (R7.1), a 256 KiB
// buffer is allocated per call (R7.2) and memory is returned to the OS after every file (R7.4).
func LoadAll(dst io.Writer, paths []string) error {
	buf := make([]byte, chunkSize)
	for _, p := range paths {
		f, err := os.Open(p)
		if err != nil {
			return err
		}
		defer f.Close()
		for {
			n, err := f.Read(buf)
			if n > 0 {
				if _, werr := dst.Write(buf[:n]); werr != nil {
					return werr
				}
			}
			if err == io.EOF {
				break
			}
			if err != nil {
				logFailure(p, err)
				return err
			}
		}
		debug.FreeOSMemory()
	}
	return nil
}

// logFailure dumps every goroutine's stack on each failed file (R7.3).
func logFailure(path string, err error) {
	trace := make([]byte, 64<<10)
	n := runtime.Stack(trace, true)
	log.Printf("ingest %s: %v\n%s", path, err, trace[:n])
}
