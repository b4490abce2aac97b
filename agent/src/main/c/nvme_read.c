/* NVMe read bandwidth, one flow or several at once: see fsn_read_flows in fabricscope_native.h. */
#define _GNU_SOURCE
#include "fabricscope_native.h"
#include "fsn_flows.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

void fsn_err(char *err, int errlen, const char *fmt, ...);

#define FSN_ALIGN 4096

/* One O_DIRECT read of `chunk` at the flow's offset; sequential, wrapping at the device's end. */
static long read_step(struct fsn_flow *f) {
  for (;;) {
    ssize_t n = pread(f->fd, f->dst, f->chunk, (off_t)f->off);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return -errno;
    if (n == 0) { /* end of the device or file: start over at its beginning */
      f->off = 0;
      continue;
    }
    f->off += (size_t)n;
    if ((size_t)n != f->chunk || f->off + f->chunk > f->size) f->off = 0;
    return (long)n;
  }
}

static int open_flow(struct fsn_flow *f, char *err, int errlen) {
  f->fd = open(f->name, O_RDONLY | O_DIRECT | O_CLOEXEC);
  if (f->fd < 0) {
    int e = errno;
    fsn_err(err, errlen, "opening %s with O_DIRECT: %s%s", f->name, strerror(e),
            e == EINVAL ? " (this filesystem has no direct I/O, e.g. tmpfs)" : "");
    return -1;
  }
  off_t size = lseek(f->fd, 0, SEEK_END);
  if (size < (off_t)f->chunk) {
    fsn_err(err, errlen, "%s holds %lld bytes, less than one read of %zu", f->name,
            (long long)size, f->chunk);
    return -1;
  }
  f->size = (size_t)size;
  f->off = 0;
  return 0;
}

int fsn_read_flows(int nflows, const char **paths, const int *nodes, size_t bytes, size_t chunk,
                   int reps, double *gbps_out, int *bound, volatile int *stop, char *err,
                   int errlen) {
  if (nflows < 1 || nflows > FSN_MAX_FLOWS || reps < 1 || chunk < FSN_ALIGN ||
      chunk % FSN_ALIGN != 0 || bytes < chunk) {
    fsn_err(err, errlen, "bad read parameters: %d flows, %zu bytes, reads of %zu, %d passes",
            nflows, bytes, chunk, reps);
    return -1;
  }
  struct fsn_flow fs[FSN_MAX_FLOWS];
  memset(fs, 0, sizeof(fs));
  int opened = 0, allocated = 0, result = -1;
  *bound = 1;
  for (; opened < nflows; opened++) {
    fs[opened].name = paths[opened];
    fs[opened].chunk = chunk;
    fs[opened].step = read_step;
    if (open_flow(&fs[opened], err, errlen) != 0) {
      if (fs[opened].fd >= 0) opened++; /* open but too small: close it below */
      goto out;
    }
  }
  for (; allocated < nflows; allocated++) {
    int b = 0;
    /* the DMA target: a page-aligned buffer bound to the flow's node, as O_DIRECT needs */
    fs[allocated].dst = fsn_alloc_on_node(chunk, nodes[allocated], &b, err, errlen);
    if (fs[allocated].dst == NULL) goto out;
    if (b && fsn_misplaced_pages(fs[allocated].dst, chunk, nodes[allocated]) != 0) {
      fsn_err(err, errlen, "read buffer of %s not on numa:%d after mbind", paths[allocated],
              nodes[allocated]);
      allocated++;
      goto out;
    }
    *bound = *bound && b;
  }
  result = fsn_run_flows(fs, nflows, bytes, reps, gbps_out, stop, err, errlen);
out:
  for (int i = 0; i < allocated; i++) fsn_free(fs[i].dst, chunk);
  for (int i = 0; i < opened; i++) close(fs[i].fd);
  return result;
}
