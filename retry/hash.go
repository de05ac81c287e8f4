package retry

import (
	"fmt"
	"math"
	"time"
)

// fingerprint identifies "the same action with the same arguments" without allocating for the
// usual value types: an order-independent sum over Info's entries. The hash is the same in
// every process (a shared Store compares it); a collision only makes two calls share a
// stuck-loop counter. Never 0, which Result.Fingerprint reads as "not tracked".
func fingerprint(action string, info Info) uint64 {
	var sum uint64
	if v, ok := info["url"]; ok && len(info) == 1 {
		sum = mix(urlKeyHash, valueHash(v)) // the usual Info of Do: no map iteration
	} else {
		for k, v := range info {
			sum += mix(strHash(k), valueHash(v))
		}
	}
	return mix(strHash(action), sum) | 1
}

var urlKeyHash = strHash("url")

// strHash is a fast 64-bit hash of s, 8 bytes at a time, stable across processes.
func strHash(s string) uint64 {
	h := uint64(len(s))*0x9E3779B97F4A7C15 ^ 0xcbf29ce484222325
	for len(s) >= 8 {
		v := uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
			uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
		h = (h ^ v) * 0xbf58476d1ce4e5b9
		h ^= h >> 31
		s = s[8:]
	}
	var v uint64
	for i := 0; i < len(s); i++ {
		v |= uint64(s[i]) << (8 * i)
	}
	h = (h ^ v) * 0xbf58476d1ce4e5b9
	h ^= h >> 32
	h *= 0x94d049bb133111eb
	h ^= h >> 29
	return h
}

func mix(a, b uint64) uint64 {
	x := a ^ (b * 0x9E3779B97F4A7C15)
	x ^= x >> 31
	x *= 0xBF58476D1CE4E5B9
	x ^= x >> 29
	return x
}

func valueHash(v any) uint64 {
	switch v := v.(type) {
	case nil:
		return 1
	case string:
		return strHash(v)
	case bool:
		if v {
			return 3
		}
		return 2
	case int:
		return mix(4, uint64(v))
	case int64:
		return mix(4, uint64(v))
	case float64:
		return mix(5, math.Float64bits(v))
	case time.Duration:
		return mix(6, uint64(v))
	case fmt.Stringer:
		return strHash(v.String())
	}
	return strHash(fmt.Sprint(v))
}
