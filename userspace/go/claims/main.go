// Command go-claims prints, one "CLAIM key=value ..." line each, the facts
// about Go's own behaviour that Documentation/claims.md settles from a small
// program rather than from the kernel (scripts/claims.sh runs it for every
// Go release): the capacity append gives for a multi-element append (S2),
// whether append within capacity reuses the array and growth leaves the old
// slice usable (S4), and whether a map made with a size hint grows while
// that many keys go in (M2). It reads the map header the way go-map
// (hmap, go1.11-1.23: buckets at offset 0x10) and go-swiss (Swiss tables,
// go1.24+: dirPtr at 16, a table's groups at 16) do.
package main

import (
	"fmt"
	"runtime"
	"strings"
	"unsafe"
)

var sink any

func main() {
	v := runtime.Version()
	var minor int
	fmt.Sscanf(strings.TrimPrefix(v, "go1."), "%d", &minor)

	// S2: s := make([]int, 0, 1); s = append(s, 1, 2, 3, 4, 5)
	s := make([]int, 0, 1)
	s = append(s, 1, 2, 3, 4, 5)
	sink = s
	fmt.Printf("CLAIM S2 go=%s len=%d cap=%d\n", v, len(s), cap(s))

	// S4: append within capacity writes in place; growth copies, and the old
	// slice stays valid (the GC keeps its array) but no longer aliases.
	a := make([]int, 3, 10)
	b := append(a, 4)
	inPlace := &a[0] == &b[0]
	c := []int{1, 2, 3}
	d := append(c, 4)
	moved := &c[0] != &d[0]
	c[0] = 7
	sink = d
	fmt.Printf("CLAIM S4 go=%s in_place=%t grown_moved=%t old_still_readable=%t old_aliases_new=%t\n",
		v, inPlace, moved, c[0] == 7 && c[2] == 3, d[0] == 7)

	// M2: make(map, 100), then 100 keys, then 200 more.
	m := make(map[int64]int64, 100)
	sink = m
	hdr := *(*unsafe.Pointer)(unsafe.Pointer(&m))
	where := func() uintptr {
		p := *(*unsafe.Pointer)(unsafe.Add(hdr, 16)) // hmap.buckets / Map.dirPtr
		if minor >= 24 {
			if *(*int)(unsafe.Add(hdr, 24)) == 0 { // dirLen 0: a small map's group
				return uintptr(p)
			}
			t := *(*unsafe.Pointer)(p)                      // directory[0]
			return uintptr(*(*unsafe.Pointer)(unsafe.Add(t, 16))) // table.groups.data
		}
		return uintptr(p)
	}
	start := where()
	for i := int64(0); i < 100; i++ {
		m[i] = i
	}
	grewWithin := where() != start
	for i := int64(100); i < 300; i++ {
		m[i] = i
	}
	fmt.Printf("CLAIM M2 go=%s grew_within_hint=%t grew_past_hint=%t\n", v, grewWithin, where() != start)
}
