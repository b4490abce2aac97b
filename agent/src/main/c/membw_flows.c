/* Concurrent host memory copies, one thread per flow: see fsn_copy_flows in fabricscope_native.h. */
#define _GNU_SOURCE
#include "fabricscope_native.h"
#include "fsn_flows.h"

#include <stdio.h>
#include <string.h>

void fsn_err(char *err, int errlen, const char *fmt, ...);

/* Copies the next `chunk` of the source buffer into the target one, wrapping at their end. */
static long copy_step(struct fsn_flow *f) {
  size_t n = f->size - f->off < f->chunk ? f->size - f->off : f->chunk;
  memcpy(f->dst + f->off, f->src + f->off, n);
  f->off = f->off + n >= f->size ? 0 : f->off + n;
  return (long)n;
}

int fsn_copy_flows(int nflows, const int *src_nodes, const int *dst_nodes, const int *cpus,
                   const int *ncpus, size_t bytes, size_t chunk, int reps, double *gbps_out,
                   int *bound, volatile int *stop, char *err, int errlen) {
  if (nflows < 1 || nflows > FSN_MAX_FLOWS || reps < 1 || bytes < 4096 || chunk < 64 ||
      chunk > bytes) {
    fsn_err(err, errlen, "bad copy parameters: %d flows, %zu bytes, pieces of %zu, %d passes",
            nflows, bytes, chunk, reps);
    return -1;
  }
  struct fsn_flow fs[FSN_MAX_FLOWS];
  char names[FSN_MAX_FLOWS][48];
  memset(fs, 0, sizeof(fs));
  int ready = 0, result = -1, cpu_at = 0;
  *bound = 1;
  for (; ready < nflows; ready++) {
    struct fsn_flow *f = &fs[ready];
    int bs = 0, bd = 0;
    snprintf(names[ready], sizeof(names[ready]), "numa:%d -> numa:%d", src_nodes[ready],
             dst_nodes[ready]);
    f->name = names[ready];
    f->step = copy_step;
    f->chunk = chunk;
    f->size = bytes;
    f->cpus = cpus + cpu_at; /* the source node's CPUs, as fsn_copy binds its threads */
    f->ncpus = ncpus[ready];
    cpu_at += ncpus[ready];
    f->src = fsn_alloc_on_node(bytes, src_nodes[ready], &bs, err, errlen);
    char *dst_map = f->src == NULL ? NULL
                                   : fsn_alloc_on_node(bytes + FSN_COPY_DST_OFFSET,
                                                       dst_nodes[ready], &bd, err, errlen);
    f->dst = dst_map == NULL ? NULL : dst_map + FSN_COPY_DST_OFFSET;
    if (f->src == NULL || f->dst == NULL) {
      ready++; /* free what was mapped */
      goto out;
    }
    if (bs && bd &&
        (fsn_misplaced_pages(f->src, bytes, src_nodes[ready]) != 0 ||
         fsn_misplaced_pages(dst_map, bytes + FSN_COPY_DST_OFFSET, dst_nodes[ready]) != 0)) {
      fsn_err(err, errlen, "buffers of %s not on their nodes after mbind", f->name);
      ready++;
      goto out;
    }
    *bound = *bound && bs && bd;
  }
  result = fsn_run_flows(fs, nflows, bytes, reps, gbps_out, stop, err, errlen);
out:
  for (int i = 0; i < ready; i++) {
    fsn_free(fs[i].src, bytes);
    if (fs[i].dst != NULL) {
      fsn_free(fs[i].dst - FSN_COPY_DST_OFFSET, bytes + FSN_COPY_DST_OFFSET);
    }
  }
  return result;
}
