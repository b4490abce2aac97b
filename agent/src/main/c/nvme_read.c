/* NVMe read bandwidth, one flow or several at once: see fsn_read_flows in fabricscope_native.h. */
#define _GNU_SOURCE
#include "fabricscope_native.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

void fsn_err(char *err, int errlen, const char *fmt, ...);

#define FSN_MAX_FLOWS 16
#define FSN_ALIGN 4096

struct rshared {
  int nflows, reps;
  size_t bytes, chunk;
  volatile int *stop;
  volatile int quit;
  volatile int done; /* set by the first flow that read `bytes` this pass: the window ends */
  pthread_mutex_t gate_lock, err_lock;
  pthread_cond_t gate;
  int go;
  pthread_barrier_t barrier;
  double *start, *end;
  size_t *got;
  double *gbps_out;
  char *err;
  int errlen;
  int failed;
};

struct reader {
  struct rshared *s;
  int id, fd;
  const char *path;
  char *buf;
  off_t size, off;
};

static double rnow(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static void fail(struct rshared *s, const char *path, const char *what, int e) {
  pthread_mutex_lock(&s->err_lock);
  if (!s->failed) {
    s->failed = 1;
    fsn_err(s->err, s->errlen, "%s %s: %s", what, path, strerror(e));
  }
  pthread_mutex_unlock(&s->err_lock);
  __atomic_store_n(&s->quit, 1, __ATOMIC_SEQ_CST);
  __atomic_store_n(&s->done, 1, __ATOMIC_SEQ_CST);
}

/* Reads until this flow has `bytes` or another flow ended the window; sequential, wrapping. */
static void one_pass(struct reader *r) {
  struct rshared *s = r->s;
  size_t got = 0;
  s->start[r->id] = rnow();
  while (got < s->bytes && !__atomic_load_n(&s->done, __ATOMIC_SEQ_CST)) {
    ssize_t n = pread(r->fd, r->buf, s->chunk, r->off);
    if (n < 0) {
      if (errno == EINTR) continue;
      fail(s, r->path, "reading", errno);
      break;
    }
    if (n == 0) { /* end of the device or file: start over at its beginning */
      r->off = 0;
      continue;
    }
    got += (size_t)n;
    r->off += n;
    if ((size_t)n != s->chunk || r->off + (off_t)s->chunk > r->size) r->off = 0;
  }
  s->end[r->id] = rnow();
  s->got[r->id] = got;
  if (got >= s->bytes) __atomic_store_n(&s->done, 1, __ATOMIC_SEQ_CST);
}

static void *read_flow(void *arg) {
  struct reader *r = arg;
  struct rshared *s = r->s;
  pthread_mutex_lock(&s->gate_lock);
  while (!s->go && !s->quit) pthread_cond_wait(&s->gate, &s->gate_lock);
  pthread_mutex_unlock(&s->gate_lock);
  if (!s->go) return NULL;
  for (int pass = -1; pass < s->reps; pass++) { /* pass -1: warm-up, untimed */
    pthread_barrier_wait(&s->barrier);
    if (__atomic_load_n(&s->quit, __ATOMIC_SEQ_CST)) break;
    one_pass(r);
    if (pthread_barrier_wait(&s->barrier) == PTHREAD_BARRIER_SERIAL_THREAD) {
      /* the common window starts when the first flow started */
      double t0 = s->start[0];
      for (int i = 1; i < s->nflows; i++) {
        if (s->start[i] < t0) t0 = s->start[i];
      }
      for (int i = 0; pass >= 0 && i < s->nflows; i++) {
        double t = s->end[i] - t0;
        s->gbps_out[i * s->reps + pass] = t > 0 ? (double)s->got[i] / t / 1e9 : 0;
      }
      __atomic_store_n(&s->done, 0, __ATOMIC_SEQ_CST);
      if (s->stop != NULL && *s->stop) __atomic_store_n(&s->quit, 1, __ATOMIC_SEQ_CST);
    }
  }
  return NULL;
}

static int open_flow(struct reader *r, size_t chunk, char *err, int errlen) {
  r->fd = open(r->path, O_RDONLY | O_DIRECT | O_CLOEXEC);
  if (r->fd < 0) {
    int e = errno;
    fsn_err(err, errlen, "opening %s with O_DIRECT: %s%s", r->path, strerror(e),
            e == EINVAL ? " (this filesystem has no direct I/O, e.g. tmpfs)" : "");
    return -1;
  }
  r->size = lseek(r->fd, 0, SEEK_END);
  if (r->size < (off_t)chunk) {
    fsn_err(err, errlen, "%s holds %lld bytes, less than one read of %zu", r->path,
            (long long)r->size, chunk);
    return -1;
  }
  r->off = 0;
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
  struct reader rs[FSN_MAX_FLOWS];
  pthread_t tids[FSN_MAX_FLOWS];
  double start[FSN_MAX_FLOWS], end[FSN_MAX_FLOWS];
  size_t got[FSN_MAX_FLOWS];
  int opened = 0, allocated = 0, result = -1;
  *bound = 1;
  struct rshared s = {.nflows = nflows, .reps = reps, .bytes = bytes, .chunk = chunk,
                      .stop = stop, .start = start, .end = end, .got = got,
                      .gbps_out = gbps_out, .err = err, .errlen = errlen};
  for (int i = 0; i < nflows; i++, opened++) {
    rs[i].s = &s;
    rs[i].id = i;
    rs[i].path = paths[i];
    rs[i].buf = NULL;
    if (open_flow(&rs[i], chunk, err, errlen) != 0) goto close;
  }
  for (int i = 0; i < nflows; i++, allocated++) {
    int b = 0;
    /* the DMA target: a page-aligned buffer bound to the flow's node, as O_DIRECT needs */
    rs[i].buf = fsn_alloc_on_node(chunk, nodes[i], &b, err, errlen);
    if (rs[i].buf == NULL) goto close;
    if (b && fsn_misplaced_pages(rs[i].buf, chunk, nodes[i]) != 0) {
      fsn_err(err, errlen, "read buffer of %s not on numa:%d after mbind", paths[i], nodes[i]);
      allocated++;
      goto close;
    }
    *bound = *bound && b;
  }
  pthread_mutex_init(&s.gate_lock, NULL);
  pthread_mutex_init(&s.err_lock, NULL);
  pthread_cond_init(&s.gate, NULL);
  pthread_barrier_init(&s.barrier, NULL, (unsigned)nflows);
  int started = 0;
  for (; started < nflows; started++) {
    int rc = pthread_create(&tids[started], NULL, read_flow, &rs[started]);
    if (rc != 0) {
      fsn_err(err, errlen, "starting read thread %d: %s", started, strerror(rc));
      break;
    }
  }
  pthread_mutex_lock(&s.gate_lock);
  if (started < nflows) {
    s.quit = 1; /* the started threads leave at the gate, before any barrier */
  } else {
    s.go = 1;
  }
  pthread_cond_broadcast(&s.gate);
  pthread_mutex_unlock(&s.gate_lock);
  for (int i = 0; i < started; i++) pthread_join(tids[i], NULL);
  if (started == nflows) {
    if (s.failed) {
      result = -1;
    } else if (s.quit) {
      fsn_err(err, errlen, "stopped");
      result = -2;
    } else {
      result = reps;
    }
  }
  pthread_barrier_destroy(&s.barrier);
  pthread_cond_destroy(&s.gate);
  pthread_mutex_destroy(&s.err_lock);
  pthread_mutex_destroy(&s.gate_lock);
close:
  for (int i = 0; i < allocated; i++) fsn_free(rs[i].buf, chunk);
  for (int i = 0; i < opened; i++) close(rs[i].fd);
  return result;
}
