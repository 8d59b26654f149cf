package referrers

import "sync"

// keyedMutex is a mutex per key, forgotten when nobody holds or waits for
// it, so a long run does not keep one per subject it ever saw.
type keyedMutex struct {
	mu   sync.Mutex
	keys map[string]*keyedEntry
}

type keyedEntry struct {
	mu      sync.Mutex
	holders int // holding or waiting
}

// lock locks key and returns its unlock.
func (k *keyedMutex) lock(key string) (unlock func()) {
	k.mu.Lock()
	if k.keys == nil {
		k.keys = map[string]*keyedEntry{}
	}
	e := k.keys[key]
	if e == nil {
		e = &keyedEntry{}
		k.keys[key] = e
	}
	e.holders++
	k.mu.Unlock()
	e.mu.Lock()
	return func() {
		e.mu.Unlock()
		k.mu.Lock()
		if e.holders--; e.holders == 0 {
			delete(k.keys, key)
		}
		k.mu.Unlock()
	}
}
