//! The CLI's allocator: the system allocator, asking Linux for transparent huge pages on the
//! large blocks (the input file, the node arena, the metrics).
//!
//! A 10,000-node plan in XML is a 17 MB input and a 12 MB plan: ~8,300 page faults of 4 KiB,
//! a tenth of `planlint analyze`'s time on it. With this allocator 5,760 faults, and the
//! command 4-8 ms faster (98-101 -> 91-95 ms task-clock, means of 15 runs interleaved, load 4.4).
//! glibc's `glibc.malloc.hugetlb=1` does the same for every block, through an environment
//! variable (2,300-2,800 faults). On systems where transparent huge pages are `never`, or
//! elsewhere than Linux, it changes nothing. The library does not do this: it leaves memory to
//! its host (a Python process, a browser).

use std::alloc::{GlobalAlloc, Layout, System};

/// The system allocator, with `madvise(MADV_HUGEPAGE)` on every block that spans a whole
/// 2 MiB-aligned huge page.
pub struct HugePages;

/// The size of a transparent huge page on x86-64 and most 64-bit Arm kernels.
const HUGE_PAGE: usize = 2 << 20;

/// Advises the kernel to back the huge-page-aligned middle of `[p, p + size)` with huge pages.
/// Advice only: the contents do not change, and a failure (no THP support) is ignored.
fn advise(p: *mut u8, size: usize) {
    if p.is_null() || size < 2 * HUGE_PAGE {
        return;
    }
    let start = (p as usize).next_multiple_of(HUGE_PAGE);
    let end = (p as usize + size) & !(HUGE_PAGE - 1);
    if end > start {
        // SAFETY: `[start, end)` lies inside a block the system allocator just handed out, and
        // MADV_HUGEPAGE only changes how the kernel backs those pages, never their contents.
        unsafe {
            libc::madvise(start as *mut libc::c_void, end - start, libc::MADV_HUGEPAGE);
        }
    }
}

// SAFETY: every call is forwarded to `System` with the same arguments; `advise` only adds
// advice on memory the block owns.
unsafe impl GlobalAlloc for HugePages {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller's contract, forwarded.
        let p = unsafe { System.alloc(layout) };
        advise(p, layout.size());
        p
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller's contract, forwarded.
        let p = unsafe { System.alloc_zeroed(layout) };
        advise(p, layout.size());
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: the caller's contract, forwarded.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: the caller's contract, forwarded.
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        advise(p, new_size);
        p
    }
}
