/*
 * fabricscope's native helper library, loaded by the agent with JNA (NativeMembw, NativeNuma).
 * Host memory copy bandwidth between NUMA nodes, NVMe read bandwidth into NUMA-bound buffers, and
 * NUMA-bound host buffers for the GPU helper.
 * Every function reports failure by its return value and a one-line message in err; none aborts.
 */
#ifndef FABRICSCOPE_NATIVE_H
#define FABRICSCOPE_NATIVE_H

#include <stddef.h>

/* Interface version, reported as "fabricscope-membw N"; raise it when a signature changes
   (2: fsn_read_flows). */
#define FSN_VERSION 2

int fsn_version(void);

/* Copy targets start one cache line into their mapping, as STREAM's OFFSET does: with both buffers
   page aligned, every store lands on the same 4 KiB offset as the load it follows ("4K
   aliasing"), and glibc's large-copy loop runs 15-25 % slower on an EPYC (1 GiB: 14.2 vs 17.8
   GB/s with a 64-byte offset; 64, 128 and 256 bytes alike). A DMA engine or another process has
   no such coincidence, so the aligned figure understated the memory. */
#define FSN_COPY_DST_OFFSET 64

/*
 * Binds the calling thread to cpus[0..ncpus) and its future allocations to NUMA node `node`
 * (sched_setaffinity + set_mempolicy(MPOL_BIND)). Returns 1 bound, 0 when the kernel has no NUMA
 * support and node is 0 (nothing to bind), -1 on error.
 */
int fsn_bind_thread(int node, const int *cpus, int ncpus, char *err, int errlen);

/*
 * Maps `bytes` of anonymous memory bound to `node` (mbind MPOL_BIND) and touches every page so it
 * is allocated there. *bound is set to 1 when bound, 0 when the kernel has no NUMA (node 0 only).
 * Returns NULL on error. Free with fsn_free.
 */
void *fsn_alloc_on_node(size_t bytes, int node, int *bound, char *err, int errlen);

void fsn_free(void *p, size_t bytes);

/* The NUMA node the page at addr sits on (get_mempolicy MPOL_F_NODE|MPOL_F_ADDR), -1 if unknown. */
int fsn_node_of(const void *addr);

/*
 * Checks that sampled pages of [p, p+bytes) sit on `node`: returns the number of pages found
 * elsewhere (0 = all on node), or -1 when placement cannot be read.
 */
int fsn_misplaced_pages(const void *p, size_t bytes, int node);

/* CLOCK_MONOTONIC in seconds: the one clock every timed pass reads. */
double fsn_now(void);

/*
 * Host memory copy bandwidth: `threads` threads, each bound to cpus[0..ncpus) (the source node's
 * CPUs), copy a buffer bound to src_node into one bound to dst_node, each thread its slice,
 * with memcpy. One untimed warm-up pass, then `reps` timed passes; a pass is timed from the earliest
 * thread start to the latest thread end (STREAM's way), and repeats the copy `*inner` times so it
 * lasts at least 1 ms. seconds_out[r] = pass time / inner, i.e. seconds per copy of `bytes`.
 * `stop` is polled between passes (set it to non-zero to cancel: returns -2).
 * *bound = 1 when both buffers were NUMA-bound and verified, 0 when the kernel has no NUMA.
 * Returns the number of timed passes (reps) on success, -1 on error, -2 when stopped.
 */
int fsn_copy(int src_node, int dst_node, const int *cpus, int ncpus, size_t bytes, int threads,
             int reps, double *seconds_out, long *inner, int *bound, volatile int *stop,
             char *err, int errlen);

/*
 * NVMe read bandwidth (nvme_read.c, on the flow engine of flows.c): `nflows` threads, one per flow,
 * each reads paths[i] (a block
 * device, or a file on a disk filesystem) sequentially with O_DIRECT in reads of `chunk` bytes
 * (a multiple of 4096) into a buffer bound to NUMA node nodes[i] (mbind, as fsn_alloc_on_node),
 * wrapping at the end of the device. One untimed warm-up pass, then `reps` timed passes. Every
 * pass starts all flows at one barrier and ends when the first flow has read `bytes` and every flow
 * has begun: the others stop after the read they have in flight (each makes at least one), so all
 * flows ran during the window.
 * gbps_out[i * reps + r] = bytes flow i read in pass r / (its last read's end - the earliest
 * start), in 10^9 bytes per second. *bound = 1 when every buffer was NUMA-bound and verified.
 * `stop` is polled between passes. Returns reps on success, -1 on error, -2 when stopped.
 */
int fsn_read_flows(int nflows, const char **paths, const int *nodes, size_t bytes, size_t chunk,
                   int reps, double *gbps_out, int *bound, volatile int *stop, char *err,
                   int errlen);

/*
 * Concurrent host memory copies (membw_flows.c), one thread per flow: flow i copies a buffer of
 * `bytes` bound to src_nodes[i] into one bound to dst_nodes[i] in pieces of `chunk` bytes with
 * memcpy, its thread allowed on its ncpus[i] CPUs (the source node's; cpus holds every flow's
 * list one after the other). Passes, window and gbps_out as fsn_read_flows (bytes counted once,
 * as fsn_copy counts them). Returns reps on success, -1 on error, -2 when stopped.
 */
int fsn_copy_flows(int nflows, const int *src_nodes, const int *dst_nodes, const int *cpus,
                   const int *ncpus, size_t bytes, size_t chunk, int reps, double *gbps_out,
                   int *bound, volatile int *stop, char *err, int errlen);

#endif
