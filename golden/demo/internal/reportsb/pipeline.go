// Package reportsb holds demo instances of the detect-only runtime reports (R7.11-R7.15).
package reportsb

import "strings"

// Token is one word of a line, with where it was found.
type Token struct {
	Line int
	Word string
}

// Tokenize is a pipeline stage: one *Token allocated for every word it forwards.
func Tokenize(in <-chan string, out chan<- *Token) {
	n := 0
	for line := range in {
		n++
		t := &Token{Line: n, Word: strings.TrimSpace(line)}
		out <- t
	}
	close(out)
}
