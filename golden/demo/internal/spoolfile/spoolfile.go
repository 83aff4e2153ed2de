// Package spoolfile buffers outgoing reports on disk.
package spoolfile

import (
	"os"
	"runtime"
)

// Spool appends report lines to a file it never closes explicitly.
type Spool struct{ f *os.File }

// Create opens the spool file; the descriptor is closed only by a finalizer.
func Create(path string) (*Spool, error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	s := &Spool{f: f}
	runtime.SetFinalizer(s, func(s *Spool) { s.f.Close() })
	return s, nil
}

// Write appends one line.
func (s *Spool) Write(line string) error {
	_, err := s.f.WriteString(line + "\n")
	return err
}
