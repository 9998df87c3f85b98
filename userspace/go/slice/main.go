// Command go-slice appends int64s to a slice one at a time and labels every
// capacity change: old and new capacity, old and new backing array address,
// and the new array's size in bytes. Capacities are the Go runtime's own
// (runtime/slice.go growslice, rounded up by msize.go roundupsize).
package main

import (
	"flag"
	"runtime"
	"unsafe"

	"gogrowth/programs/internal/marker"
)

func main() {
	n := flag.Int("n", 1<<21, "elements to append")
	path := flag.String("marker", marker.DefaultPath, "gogrowth marker file ('' for stdout only)")
	flag.Parse()

	m := marker.Open(*path)
	m.Mark("go-slice begin go=%s n=%d elem=8", runtime.Version(), *n)
	var s []int64
	oldCap, oldAddr := 0, uintptr(0)
	for i := 0; i < *n; i++ {
		s = append(s, int64(i))
		if c := cap(s); c != oldCap {
			addr := uintptr(unsafe.Pointer(&s[0]))
			m.Mark("go-slice grow len=%d old_cap=%d new_cap=%d old_addr=0x%x new_addr=0x%x bytes=%d",
				len(s), oldCap, c, oldAddr, addr, c*8)
			oldCap, oldAddr = c, addr
		}
	}
	m.Mark("go-slice end len=%d cap=%d", len(s), cap(s))
	runtime.KeepAlive(s)
}
