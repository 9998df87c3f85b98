// Command go-slice appends int64s to a slice one at a time and labels every
// capacity change: old and new capacity, old and new backing array address,
// the new array's size in bytes, and where it lives (heap or stack).
// Capacities are the Go runtime's own (runtime/slice.go growslice, rounded up
// by roundupsize).
//
// By default the slice escapes (it is stored in a package variable after
// every append), as a slice that outlives its function does, so every backing
// array is on the heap from the first append on every Go version. With
// -noescape the slice stays local: Go 1.25+ then starts it in a 32-byte stack
// buffer (cap 4 for int64s) and Go 1.26+ steps it 1, 2, 3, 4 on the stack
// (growsliceBuf) before the first heap array; those steps are labelled
// where=stack.
package main

import (
	"flag"
	"fmt"
	"os"
	"runtime"
	"unsafe"

	"gogrowth/programs/internal/marker"
)

var sink []int64

// getg is in getg_amd64.s.
func getg() unsafe.Pointer

// where tells a backing array on this goroutine's stack from one on the heap.
func where(addr uintptr) string {
	g := (*[2]uintptr)(getg()) // g.stack.lo, g.stack.hi
	if addr >= g[0] && addr < g[1] {
		return "stack"
	}
	return "heap"
}

func main() {
	n := flag.Int("n", 1<<21, "elements to append")
	shape := flag.String("slice", "escaping", "escaping (stored in a package variable), local, or returned")
	path := flag.String("marker", marker.DefaultPath, "gogrowth marker file ('' for stdout only)")
	flag.Parse()

	m := marker.Open(*path)
	var length, capacity int
	switch *shape {
	case "escaping":
		m.Mark("go-slice begin go=%s n=%d elem=8 slice=%s", runtime.Version(), *n, *shape)
		length, capacity = escaping(m, *n)
	case "local":
		m.Mark("go-slice begin go=%s n=%d elem=8 slice=%s", runtime.Version(), *n, *shape)
		length, capacity = local(m, *n)
	case "returned":
		m.Mark("go-slice begin go=%s n=%d elem=8 slice=%s", runtime.Version(), *n, *shape)
		s := returned(m, *n)
		length, capacity = len(s), cap(s)
	default:
		fmt.Fprintf(os.Stderr, "go-slice: -slice %s: escaping, local or returned\n", *shape)
		os.Exit(2)
	}
	m.Mark("go-slice end len=%d cap=%d %s", length, capacity, marker.Memory())
}

func escaping(m *marker.Writer, n int) (int, int) {
	var s []int64
	oldCap, oldAddr := 0, uintptr(0)
	for i := 0; i < n; i++ {
		s = append(s, int64(i))
		sink = s
		if c := cap(s); c != oldCap {
			addr := uintptr(unsafe.Pointer(&s[0]))
			m.Mark("go-slice grow len=%d old_cap=%d new_cap=%d old_addr=0x%x new_addr=0x%x bytes=%d where=%s",
				len(s), oldCap, c, oldAddr, addr, c*8, where(addr))
			oldCap, oldAddr = c, addr
		}
	}
	sink = nil
	return len(s), cap(s)
}

func local(m *marker.Writer, n int) (int, int) {
	var s []int64
	oldCap, oldAddr := 0, uintptr(0)
	for i := 0; i < n; i++ {
		s = append(s, int64(i))
		if c := cap(s); c != oldCap {
			addr := uintptr(unsafe.Pointer(&s[0]))
			m.Mark("go-slice grow len=%d old_cap=%d new_cap=%d old_addr=0x%x new_addr=0x%x bytes=%d where=%s",
				len(s), oldCap, c, oldAddr, addr, c*8, where(addr))
			oldCap, oldAddr = c, addr
		}
	}
	runtime.KeepAlive(s)
	return len(s), cap(s)
}

func returned(m *marker.Writer, n int) []int64 {
	var s []int64
	oldCap, oldAddr := 0, uintptr(0)
	for i := 0; i < n; i++ {
		s = append(s, int64(i))
		if c := cap(s); c != oldCap {
			addr := uintptr(unsafe.Pointer(&s[0]))
			m.Mark("go-slice grow len=%d old_cap=%d new_cap=%d old_addr=0x%x new_addr=0x%x bytes=%d where=%s",
				len(s), oldCap, c, oldAddr, addr, c*8, where(addr))
			oldCap, oldAddr = c, addr
		}
	}
	return s
}
