// Command go-map inserts int64 keys into a map[int64]int64 and labels every
// change of its bucket array: when hashGrow allocates a new array (B grows),
// and when incremental evacuation has moved every old bucket (oldbuckets
// becomes nil). It reads the runtime's hmap header (runtime/map.go, Go 1.23
// and earlier; Go 1.24's Swiss tables have another layout and are refused).
package main

import (
	"flag"
	"fmt"
	"os"
	"runtime"
	"strings"
	"unsafe"

	"gogrowth/programs/internal/marker"
)

// hmap mirrors the head of runtime.hmap (runtime/map.go, go1.11-go1.23).
type hmap struct {
	count      int
	flags      uint8
	B          uint8
	noverflow  uint16
	hash0      uint32
	buckets    unsafe.Pointer
	oldbuckets unsafe.Pointer
	nevacuate  uintptr
}

// bucketBytes is the size of one bucket of a map[int64]int64: 8 tophash
// bytes, 8 keys, 8 values, one overflow pointer. A grow label's
// bucket_bytes is 2^B of them; from B=4 on, makeBucketArray adds 2^(B-4)
// overflow buckets to the same allocation, and the allocator rounds up.
const bucketBytes = 8 + 8*8 + 8*8 + 8

func main() {
	n := flag.Int("n", 1<<20, "keys to insert")
	path := flag.String("marker", marker.DefaultPath, "gogrowth marker file ('' for stdout only)")
	flag.Parse()

	v := runtime.Version()
	var minor int
	if _, err := fmt.Sscanf(strings.TrimPrefix(v, "go1."), "%d", &minor); err != nil || minor > 23 {
		fmt.Fprintf(os.Stderr, "go-map: %s: hmap layout known only for go1.11 to go1.23\n", v)
		os.Exit(2)
	}
	m := marker.Open(*path)
	mp := make(map[int64]int64)
	h := *(**hmap)(unsafe.Pointer(&mp))
	m.Mark("go-map begin go=%s n=%d bucket_bytes=%d", v, *n, bucketBytes)
	buckets, old := h.buckets, h.oldbuckets
	B := h.B
	for i := 0; i < *n; i++ {
		mp[int64(i)] = int64(i)
		if h.buckets != buckets {
			m.Mark("go-map grow count=%d old_B=%d new_B=%d buckets=0x%x oldbuckets=0x%x bucket_bytes=%d",
				h.count, B, h.B, uintptr(h.buckets), uintptr(h.oldbuckets),
				(1<<h.B)*bucketBytes)
			buckets, B = h.buckets, h.B
		}
		if old != nil && h.oldbuckets == nil {
			m.Mark("go-map evacuated count=%d B=%d oldbuckets=0x%x", h.count, h.B, uintptr(old))
		}
		old = h.oldbuckets
	}
	m.Mark("go-map end count=%d B=%d", h.count, h.B)
	runtime.KeepAlive(mp)
}
