// Sample for bench/run.sh: checks that the ast-grep rules in bench/ast-grep-rules/ match what they should.
// Expected matches (rule line) are in expected.txt.
package s

import (
	"runtime"
	"time"
)

func f(ch chan int, d time.Duration) {
	runtime.Gosched()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	x := func() { runtime.GC() }
	_ = x
	go runtime.GC() // a go statement, not an expression statement: no match
	for {
		select {
		case <-time.After(d):
			return
		case v := <-ch:
			_ = v
		}
	}
}

func g(ch chan int) {
	select {
	case <-time.After(time.Second): // not in a loop
	case <-ch:
	}
	for i := 0; i < 3; i++ {
		select {
		case t := <-time.After(time.Second):
			_ = t
		case <-ch:
		}
	}
	for range ch {
		func() {
			select {
			case <-time.After(time.Second): // func literal inside the loop: ast-grep matches, gofix-rt R2 does not
			}
		}()
	}
	_ = time.After(time.Second) // not in select
}
