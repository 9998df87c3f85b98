// Command go-map inserts int64 keys into a map[int64]int64 (or, with
// -elem 32, a map[int64][4]int64, whose bucket arrays are large objects
// sooner) and labels every change of its bucket array: when hashGrow
// allocates a new array (B grows), and when incremental evacuation has moved
// every old bucket (oldbuckets becomes nil). It reads the runtime's hmap
// header (runtime/map.go, Go 1.23 and earlier; Go 1.24's Swiss tables have
// another layout and are refused: go-swiss labels those).
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

func main() {
	n := flag.Int("n", 1<<20, "keys to insert")
	elem := flag.Int("elem", 8, "value size in bytes: 8 (map[int64]int64) or 32 (map[int64][4]int64)")
	path := flag.String("marker", marker.DefaultPath, "gogrowth marker file ('' for stdout only)")
	flag.Parse()

	v := runtime.Version()
	var minor int
	if _, err := fmt.Sscanf(strings.TrimPrefix(v, "go1."), "%d", &minor); err != nil || minor > 23 || minor < 11 {
		fmt.Fprintf(os.Stderr, "go-map: %s: the hmap layout is known only for go1.11 to go1.23 (go1.24+ maps are Swiss tables: use go-swiss)\n", v)
		os.Exit(2)
	}
	m := marker.Open(*path)
	switch *elem {
	case 8:
		run(m, v, *n, func(i int64) int64 { return i })
	case 32:
		run(m, v, *n, func(i int64) [4]int64 { return [4]int64{i, i, i, i} })
	default:
		fmt.Fprintf(os.Stderr, "go-map: -elem %d: 8 or 32\n", *elem)
		os.Exit(2)
	}
}

func run[V any](m *marker.Writer, v string, n int, value func(int64) V) {
	var zero V
	// One bucket: 8 tophash bytes, 8 keys, 8 values, one overflow pointer
	// (runtime/map.go bmap; values up to 128 bytes are stored inline). A grow
	// label's bucket_bytes is 2^B of them; from B=4 on, makeBucketArray adds
	// 2^(B-4) overflow buckets to the same allocation, and the allocator
	// rounds up.
	bucketBytes := 8 + 8*8 + 8*int(unsafe.Sizeof(zero)) + 8
	mp := make(map[int64]V)
	h := *(**hmap)(unsafe.Pointer(&mp))
	m.Mark("go-map begin go=%s n=%d elem=%d bucket=%d", v, n, unsafe.Sizeof(zero), bucketBytes)
	buckets, old := h.buckets, h.oldbuckets
	B := h.B
	for i := 0; i < n; i++ {
		mp[int64(i)] = value(int64(i))
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
	m.Mark("go-map end count=%d B=%d %s", h.count, h.B, marker.Memory())
	runtime.KeepAlive(mp)
}
