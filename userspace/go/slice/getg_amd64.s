// getg returns the current goroutine's g (the runtime keeps it in TLS on
// linux/amd64); its first two words are the goroutine's stack bounds
// (runtime/runtime2.go: g.stack {lo, hi}), the same in every Go release.
#include "textflag.h"

TEXT ·getg(SB),NOSPLIT,$0-8
	MOVQ (TLS), AX
	MOVQ AX, ret+0(FP)
	RET
