// Package marker labels growth steps in gogrowth's event stream: each label
// is written to the module's debugfs marker file in one write(2), so it lands
// between the kernel events of the steps before and after it, and is printed
// on stdout too, so a run without the module still shows Go's own figures.
package marker

import (
	"fmt"
	"os"
	"strings"
)

// DefaultPath is the module's marker file.
const DefaultPath = "/sys/kernel/debug/gogrowth/marker"

// Writer writes labels; a nil file means stdout only.
type Writer struct {
	file *os.File
}

// Open opens path for labels; "" (or a missing module) means stdout only.
func Open(path string) *Writer {
	if path == "" {
		return &Writer{}
	}
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		fmt.Fprintf(os.Stderr, "marker: %v: labels go to stdout only\n", err)
		return &Writer{}
	}
	return &Writer{file: f}
}

// Mark writes one label. It allocates nothing on the heap it is measuring
// beyond the formatted line.
func (w *Writer) Mark(format string, args ...any) {
	line := fmt.Sprintf(format, args...)
	fmt.Println(line)
	if w.file != nil {
		if _, err := w.file.Write([]byte(line)); err != nil {
			fmt.Fprintf(os.Stderr, "marker: %v\n", err)
		}
	}
}

// Memory returns "rss_kib=N hwm_kib=N": the process's resident set now and
// at its peak (VmRSS, VmHWM of /proc/self/status), for the end labels.
func Memory() string {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return "rss_kib=? hwm_kib=?"
	}
	rss, hwm := "?", "?"
	for _, line := range strings.Split(string(data), "\n") {
		f := strings.Fields(line)
		if len(f) >= 2 && f[0] == "VmRSS:" {
			rss = f[1]
		}
		if len(f) >= 2 && f[0] == "VmHWM:" {
			hwm = f[1]
		}
	}
	return "rss_kib=" + rss + " hwm_kib=" + hwm
}
