// Command go-swiss inserts int64 keys into a map[int64]int64 (or, with
// -elem 32, a map[int64][4]int64, whose full tables' groups arrays are large
// objects) on Go 1.24+, whose maps are Swiss tables
// (internal/runtime/maps), and labels every growth step with the address and
// size of what it allocated:
//
//	small    the first insert allocates one group (8 slots)
//	totable  the 9th key turns the group into a 16-slot table and a
//	         1-entry directory (growToTable)
//	grow     a full table (growthLeft 0) is replaced by one of twice the
//	         capacity (table.grow), up to 1024 slots
//	split    a full 1024-slot table becomes two (table.split), localDepth+1
//	dir      the directory doubles (installTableSplit, when the splitting
//	         table's localDepth == globalDepth)
//
// It reads the runtime's structures (Map, table, the map type) at the offsets
// of the Go release it was built with, checks them against what it can see
// (sizes, kinds, counts), and refuses a release or layout it does not know.
// Each insert costs O(1) extra: the key is hashed with the map type's own
// hasher and seed, and the directory entry it lands in is compared before
// and after the insert.
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

// swissMap mirrors internal/runtime/maps.Map (map.go), go1.24-go1.27, amd64.
type swissMap struct {
	used        uint64
	seed        uintptr
	dirPtr      unsafe.Pointer // *[dirLen]*table, or the one group of a small map
	dirLen      int            // 0: small map
	globalDepth uint8
	globalShift uint8
	writing     uint8
	_           uint8 // tombstonePossible (1.25+), padding in 1.24
	clearSeq    uint64
}

// table mirrors internal/runtime/maps.table (table.go), go1.24-go1.27.
type table struct {
	used       uint16
	capacity   uint16
	growthLeft uint16
	localDepth uint8
	index      int
	groups     unsafe.Pointer
	lengthMask uint64
}

// mapType mirrors the head of internal/abi.SwissMapType (1.24, 1.25) /
// abi.MapType (1.26, 1.27): abi.Type (48 bytes on amd64), Key, Elem, Group,
// Hasher, GroupSize, then SlotSize (1.24-1.26) or KeysOff, KeyStride
// (1.27).
type mapType struct {
	size     uintptr
	ptrBytes uintptr
	hash     uint32
	tflag    uint8
	align    uint8
	falign   uint8
	kind     uint8
	_        [24]byte // Equal, GCData, Str, PtrToThis
	key      unsafe.Pointer
	elem     unsafe.Pointer
	group    unsafe.Pointer
	hasher   func(unsafe.Pointer, uintptr) uintptr
	groupSz  uintptr
	w1, w2   uintptr // 1.24-1.26: SlotSize, ElemOff; 1.27: KeysOff, KeyStride
}

const kindMap = 21 // internal/abi Kind Map

var sink any
var keyBuf = new(int64) // the hasher's argument: one heap word for the whole run

func fail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "go-swiss: "+format+"\n", args...)
	os.Exit(2)
}

func main() {
	n := flag.Int("n", 1<<20, "keys to insert")
	elem := flag.Int("elem", 8, "value size in bytes: 8 (map[int64]int64) or 32 (map[int64][4]int64)")
	path := flag.String("marker", marker.DefaultPath, "gogrowth marker file ('' for stdout only)")
	flag.Parse()

	v := runtime.Version()
	var minor int
	if _, err := fmt.Sscanf(strings.TrimPrefix(v, "go1."), "%d", &minor); err != nil || minor < 24 || minor > 27 {
		fail("%s: the Swiss map layout is known only for go1.24 to go1.27 (go1.23 and older: go-map)", v)
	}
	m := marker.Open(*path)
	switch *elem {
	case 8:
		run(m, v, minor, *n, func(i int64) int64 { return i })
	case 32:
		run(m, v, minor, *n, func(i int64) [4]int64 { return [4]int64{i, i, i, i} })
	default:
		fail("-elem %d: 8 or 32", *elem)
	}
}

func run[V any](m *marker.Writer, v string, minor int, n int, value func(int64) V) {
	var zero V
	mp := make(map[int64]V)
	sink = mp // the map escapes: its header and first group are on the heap
	var e any = mp
	mt := (*mapType)((*[2]unsafe.Pointer)(unsafe.Pointer(&e))[0])
	h := *(**swissMap)(unsafe.Pointer(&mp))

	// The layout check: what the type says must be what this program knows.
	slot := 8 + unsafe.Sizeof(zero)
	var slotSeen uintptr
	if minor <= 26 {
		slotSeen = mt.w1 // SlotSize
		if mt.w2 != 8 {  // ElemOff
			fail("%s: map type ElemOff %d, expected 8: unknown layout", v, mt.w2)
		}
	} else {
		if mt.w1 != 8 { // KeysOff
			fail("%s: map type KeysOff %d, expected 8 (GOEXPERIMENT=mapsplitgroup?): unknown layout", v, mt.w1)
		}
		slotSeen = mt.w2 // KeyStride
	}
	if mt.size != 8 || mt.kind&0x1f != kindMap || slotSeen != slot || mt.groupSz != 8+8*slot ||
		mt.hasher == nil || h.used != 0 || h.dirLen != 0 {
		fail("%s: map type/header do not match the go1.%d layout this program knows (size %d kind %d slot %d group %d, used %d dirLen %d)",
			v, minor, mt.size, mt.kind&0x1f, slotSeen, mt.groupSz, h.used, h.dirLen)
	}
	group := mt.groupSz
	m.Mark("go-swiss begin go=%s n=%d elem=%d slot=%d group=%d", v, n, unsafe.Sizeof(zero), slot, group)

	dirAt := func(i uintptr) *table {
		return *(**table)(unsafe.Pointer(uintptr(h.dirPtr) + 8*i))
	}
	index := func(k int64) uintptr {
		if h.dirLen == 1 {
			return 0
		}
		*keyBuf = k
		return mt.hasher(unsafe.Pointer(keyBuf), h.seed) >> (h.globalShift & 63)
	}
	small, totable, grows, splits, dirs := 0, 0, 0, 0, 0
	for i := 0; i < n; i++ {
		k := int64(i)
		dirLen, dirPtr := h.dirLen, h.dirPtr
		var t *table
		var tcap uint16
		var tdepth uint8
		if dirLen > 0 {
			t = dirAt(index(k))
			tcap, tdepth = t.capacity, t.localDepth
		}
		mp[k] = value(k)
		if h.used != uint64(i+1) {
			fail("%s: used %d after %d inserts: unknown layout", v, h.used, i+1)
		}
		switch {
		case dirLen == 0 && h.dirLen == 0:
			if dirPtr == nil && h.dirPtr != nil {
				small++
				m.Mark("go-swiss small count=%d group=0x%x cap=8 bytes=%d", h.used, uintptr(h.dirPtr), group)
			}
		case dirLen == 0:
			nt := dirAt(0)
			if h.dirLen != 1 || nt.capacity != 16 || nt.used != uint16(h.used) {
				fail("%s: small->table gave dirLen %d capacity %d used %d: unknown layout", v, h.dirLen, nt.capacity, nt.used)
			}
			totable++
			m.Mark("go-swiss totable count=%d table=0x%x groups=0x%x old_cap=8 new_cap=16 bytes=%d dir=0x%x dir_len=1",
				h.used, uintptr(unsafe.Pointer(nt)), uintptr(nt.groups), 2*group, uintptr(h.dirPtr))
		default:
			nt := dirAt(index(k))
			if nt == t {
				break
			}
			if h.dirLen != dirLen {
				if h.dirLen != 2*dirLen || nt.localDepth != tdepth+1 {
					fail("%s: directory %d -> %d, depth %d -> %d: unknown layout", v, dirLen, h.dirLen, tdepth, nt.localDepth)
				}
			}
			switch nt.localDepth {
			case tdepth:
				if nt.capacity != 2*tcap {
					fail("%s: table grew %d -> %d slots: unknown layout", v, tcap, nt.capacity)
				}
				grows++
				m.Mark("go-swiss grow count=%d table=0x%x groups=0x%x old_cap=%d new_cap=%d bytes=%d depth=%d index=%d old_groups=0x%x",
					h.used, uintptr(unsafe.Pointer(nt)), uintptr(nt.groups), tcap, nt.capacity,
					uintptr(nt.capacity/8)*group, nt.localDepth, nt.index, uintptr(t.groups))
			case tdepth + 1:
				entries := 1 << (h.globalDepth - nt.localDepth)
				left, right := nt, nt
				if (nt.index/entries)%2 == 0 {
					right = dirAt(uintptr(nt.index + entries))
				} else {
					left = dirAt(uintptr(nt.index - entries))
				}
				if left.capacity != 1024 || right.capacity != 1024 || left.localDepth != right.localDepth ||
					int(left.used)+int(right.used) != int(t.used)+1 {
					fail("%s: split gave tables of %d and %d slots, %d+%d used of %d: unknown layout",
						v, left.capacity, right.capacity, left.used, right.used, t.used)
				}
				splits++
				m.Mark("go-swiss split count=%d left=0x%x left_groups=0x%x right=0x%x right_groups=0x%x cap=1024 bytes=%d depth=%d old_groups=0x%x",
					h.used, uintptr(unsafe.Pointer(left)), uintptr(left.groups), uintptr(unsafe.Pointer(right)),
					uintptr(right.groups), 128*group, nt.localDepth, uintptr(t.groups))
				if h.dirLen != dirLen {
					dirs++
					m.Mark("go-swiss dir count=%d dir=0x%x old_len=%d new_len=%d bytes=%d old_dir=0x%x",
						h.used, uintptr(h.dirPtr), dirLen, h.dirLen, 8*h.dirLen, uintptr(dirPtr))
				}
			default:
				fail("%s: table depth %d -> %d: unknown layout", v, tdepth, nt.localDepth)
			}
		}
	}
	// The tables' used counts must add up to len(m).
	tables, sum := 0, 0
	if h.dirLen > 0 {
		for i := 0; i < h.dirLen; {
			t := dirAt(uintptr(i))
			tables++
			sum += int(t.used)
			i += 1 << (h.globalDepth - t.localDepth)
		}
	} else {
		sum = int(h.used)
	}
	if sum != len(mp) {
		fail("%s: tables hold %d entries, len(m) = %d: unknown layout", v, sum, len(mp))
	}
	m.Mark("go-swiss end count=%d tables=%d dir_len=%d depth=%d small=%d totable=%d grows=%d splits=%d dirs=%d %s",
		len(mp), tables, h.dirLen, h.globalDepth, small, totable, grows, splits, dirs, marker.Memory())
	runtime.KeepAlive(mp)
}
