/*
 * The engine under fsn_read_flows and fsn_copy_flows (internal to the library, not bound by JNA):
 * one thread per flow, all started at one barrier per pass; a pass ends when the first flow has
 * moved `bytes` and every flow has begun (the others stop after the step they are in; each takes at
 * least one), so every flow ran during the window. One untimed warm-up pass, then `reps` timed ones; gbps_out[i * reps + r] = bytes flow i
 * moved in pass r / (the end of its last step - the earliest start), 10^9 bytes per second.
 */
#ifndef FSN_FLOWS_H
#define FSN_FLOWS_H

#include <stddef.h>

#define FSN_MAX_FLOWS 16

struct fsn_flow {
  /* Moves the next piece of this flow's data: bytes moved (> 0), or -errno on failure. */
  long (*step)(struct fsn_flow *f);
  const char *name; /* for messages: the device path, or "numa:0 -> numa:1" */
  const int *cpus;  /* CPUs the flow's thread may run on; none: any */
  int ncpus;
  /* the step's own state */
  int fd;
  char *src, *dst;
  size_t chunk, size, off;
};

/* Returns reps on success, -1 on error (message in err), -2 when *stop was set. */
int fsn_run_flows(struct fsn_flow *flows, int nflows, size_t bytes, int reps, double *gbps_out,
                  volatile int *stop, char *err, int errlen);

#endif
