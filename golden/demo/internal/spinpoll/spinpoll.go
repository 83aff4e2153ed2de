// Package spinpoll forwards notifications from the broker to subscribers.
package spinpoll

import "runtime"

// Forward relays notes until quit closes, yielding whenever nothing is queued.
func Forward(notes <-chan string, quit <-chan struct{}, deliver func(string)) {
	for {
		select {
		case n := <-notes:
			deliver(n)
		case <-quit:
			return
		default:
			runtime.Gosched()
		}
	}
}
