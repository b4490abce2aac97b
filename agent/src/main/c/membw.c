/* Host memory copy bandwidth between NUMA nodes: see fsn_copy in fabricscope_native.h. */
#define _GNU_SOURCE
#include "fabricscope_native.h"

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>

void fsn_err(char *err, int errlen, const char *fmt, ...);

/* A timed pass lasts at least this long: clock (ns) and barrier cost (us) stay far below it, and
   passes stay short enough that the median skips the ones a busy host preempted. */
#define MIN_PASS_SECONDS 0.001
#define MAX_INNER (1L << 20)
/* Untimed single copies before the timed passes; the fastest sets the copies per pass, so one
   warm-up that another process preempted cannot leave a pass at one short copy. */
#define WARMUPS 3

struct shared {
  char *src, *dst;
  size_t bytes;
  int threads, reps;
  long inner;
  volatile int *stop;
  volatile int quit;
  /* Start gate: threads wait here until all exist (go) or one failed to start (quit). */
  pthread_mutex_t gate_lock;
  pthread_cond_t gate;
  int go;
  pthread_barrier_t barrier;
  double *start, *end; /* per thread, of the current pass */
  double *seconds_out;
};

struct worker {
  struct shared *s;
  int id;
};

/* The pass time: earliest start to latest end over all threads. */
static double pass_seconds(const struct shared *s) {
  double first = s->start[0], last = s->end[0];
  for (int i = 1; i < s->threads; i++) {
    if (s->start[i] < first) first = s->start[i];
    if (s->end[i] > last) last = s->end[i];
  }
  return last - first;
}

static void *run(void *arg) {
  struct worker *w = arg;
  struct shared *s = w->s;
  /* Slices of whole cache lines; the last thread takes the remainder. */
  size_t slice = (s->bytes / (size_t)s->threads) & ~(size_t)63;
  size_t off = slice * (size_t)w->id;
  size_t len = w->id == s->threads - 1 ? s->bytes - off : slice;
  pthread_mutex_lock(&s->gate_lock);
  while (!s->go && !s->quit) pthread_cond_wait(&s->gate, &s->gate_lock);
  pthread_mutex_unlock(&s->gate_lock);
  if (s->quit) return NULL;
  for (int pass = -WARMUPS; pass < s->reps; pass++) { /* pass < 0: warm-up, sets inner */
    pthread_barrier_wait(&s->barrier);
    if (s->quit) break;
    long inner = pass < 0 ? 1 : s->inner;
    s->start[w->id] = fsn_now();
    for (long k = 0; k < inner; k++) memcpy(s->dst + off, s->src + off, len);
    s->end[w->id] = fsn_now();
    if (pthread_barrier_wait(&s->barrier) == PTHREAD_BARRIER_SERIAL_THREAD) {
      double t = pass_seconds(s);
      if (pass < 0) {
        long n = t > 0 ? (long)(MIN_PASS_SECONDS / t) + 1 : MAX_INNER;
        n = n < 1 ? 1 : n > MAX_INNER ? MAX_INNER : n;
        if (pass == -WARMUPS || n > s->inner) s->inner = n;
      } else {
        s->seconds_out[pass] = t / (double)s->inner;
      }
      if (s->stop != NULL && *s->stop) s->quit = 1;
    }
  }
  return NULL;
}

static int start_threads(struct shared *s, const int *cpus, int ncpus, pthread_t *tids,
                         struct worker *ws, char *err, int errlen) {
  for (int i = 0; i < s->threads; i++) {
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    if (ncpus > 0) {
      /* Each thread may run on any CPU of the source node (as numactl --cpunodebind): the
         scheduler still balances within the node when another process holds one CPU. */
      cpu_set_t set;
      CPU_ZERO(&set);
      for (int c = 0; c < ncpus; c++) {
        if (cpus[c] >= 0 && cpus[c] < CPU_SETSIZE) CPU_SET(cpus[c], &set);
      }
      pthread_attr_setaffinity_np(&attr, sizeof(set), &set);
    }
    ws[i].s = s;
    ws[i].id = i;
    int rc = pthread_create(&tids[i], &attr, run, &ws[i]);
    pthread_attr_destroy(&attr);
    if (rc != 0) {
      fsn_err(err, errlen, "starting copy thread %d on the node's %d CPUs: %s", i, ncpus,
              strerror(rc));
      return i; /* threads started so far */
    }
  }
  return s->threads;
}

int fsn_copy(int src_node, int dst_node, const int *cpus, int ncpus, size_t bytes, int threads,
             int reps, double *seconds_out, long *inner, int *bound, volatile int *stop,
             char *err, int errlen) {
  if (threads < 1 || threads > 256 || reps < 1 || bytes < 4096 || bytes / 64 < (size_t)threads) {
    fsn_err(err, errlen, "bad copy parameters: %zu bytes, %d threads, %d repetitions", bytes,
            threads, reps);
    return -1;
  }
  int bound_src = 0, bound_dst = 0, result = -1;
  char *src = fsn_alloc_on_node(bytes, src_node, &bound_src, err, errlen);
  char *dst_map =
      src == NULL ? NULL
                  : fsn_alloc_on_node(bytes + FSN_COPY_DST_OFFSET, dst_node, &bound_dst, err, errlen);
  char *dst = dst_map == NULL ? NULL : dst_map + FSN_COPY_DST_OFFSET;
  double *start = calloc((size_t)threads, sizeof(double));
  double *end = calloc((size_t)threads, sizeof(double));
  pthread_t *tids = calloc((size_t)threads, sizeof(pthread_t));
  struct worker *ws = calloc((size_t)threads, sizeof(struct worker));
  if (src == NULL || dst == NULL || !start || !end || !tids || !ws) {
    if (src != NULL && dst != NULL) fsn_err(err, errlen, "out of memory for %d threads", threads);
    goto out;
  }
  *bound = bound_src && bound_dst;
  if (*bound) {
    int a = fsn_misplaced_pages(src, bytes, src_node);
    int b = fsn_misplaced_pages(dst_map, bytes + FSN_COPY_DST_OFFSET, dst_node);
    if (a != 0 || b != 0) {
      fsn_err(err, errlen, "buffers not on their nodes after mbind (%d and %d sampled pages off)",
              a, b);
      goto out;
    }
  }
  struct shared s = {.src = src, .dst = dst, .bytes = bytes, .threads = threads, .reps = reps,
                     .inner = 1, .stop = stop, .quit = 0, .go = 0, .start = start, .end = end,
                     .seconds_out = seconds_out};
  pthread_mutex_init(&s.gate_lock, NULL);
  pthread_cond_init(&s.gate, NULL);
  pthread_barrier_init(&s.barrier, NULL, (unsigned)threads);
  int started = start_threads(&s, cpus, ncpus, tids, ws, err, errlen);
  pthread_mutex_lock(&s.gate_lock);
  if (started < threads) {
    s.quit = 1; /* the started threads leave at the gate, before any barrier */
  } else {
    s.go = 1;
  }
  pthread_cond_broadcast(&s.gate);
  pthread_mutex_unlock(&s.gate_lock);
  if (started < threads) {
    for (int i = 0; i < started; i++) pthread_join(tids[i], NULL);
  } else {
    for (int i = 0; i < threads; i++) pthread_join(tids[i], NULL);
    *inner = s.inner;
    result = s.quit ? -2 : reps;
    if (s.quit) fsn_err(err, errlen, "stopped");
  }
  pthread_barrier_destroy(&s.barrier);
  pthread_cond_destroy(&s.gate);
  pthread_mutex_destroy(&s.gate_lock);
out:
  free(start);
  free(end);
  free(tids);
  free(ws);
  fsn_free(src, bytes);
  fsn_free(dst_map, bytes + FSN_COPY_DST_OFFSET);
  return result;
}
