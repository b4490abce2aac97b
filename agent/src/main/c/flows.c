/* Concurrent flows timed over one window per pass: see fsn_flows.h. */
#define _GNU_SOURCE
#include "fabricscope_native.h"
#include "fsn_flows.h"

#include <errno.h>
#include <pthread.h>
#include <string.h>

void fsn_err(char *err, int errlen, const char *fmt, ...);

struct engine {
  struct fsn_flow *flows;
  int nflows, reps;
  size_t bytes;
  volatile int *stop;
  volatile int quit;
  volatile int done; /* set by the first flow that moved `bytes` this pass: the window ends */
  volatile int started; /* flows that began this pass: the window cannot end before all did */
  pthread_mutex_t gate_lock, err_lock;
  pthread_cond_t gate;
  int go, failed;
  pthread_barrier_t barrier;
  double start[FSN_MAX_FLOWS], end[FSN_MAX_FLOWS];
  size_t moved[FSN_MAX_FLOWS];
  double *gbps_out;
  char *err;
  int errlen;
};

struct worker {
  struct engine *e;
  int id;
};

static void fail(struct engine *e, struct fsn_flow *f, int code) {
  pthread_mutex_lock(&e->err_lock);
  if (!e->failed) {
    e->failed = 1;
    fsn_err(e->err, e->errlen, "%s: %s", f->name, strerror(code));
  }
  pthread_mutex_unlock(&e->err_lock);
  __atomic_store_n(&e->quit, 1, __ATOMIC_SEQ_CST);
  __atomic_store_n(&e->done, 1, __ATOMIC_SEQ_CST);
}

/*
 * Moves data until this flow has `bytes` and every flow has begun (then it ends the window), or
 * another flow ended it. Every flow takes at least one step: a thread the scheduler started late
 * still moves something, at the low rate its late start gives it, instead of nothing.
 */
static void one_pass(struct engine *e, int id) {
  struct fsn_flow *f = &e->flows[id];
  size_t moved = 0;
  e->start[id] = fsn_now();
  __atomic_add_fetch(&e->started, 1, __ATOMIC_SEQ_CST);
  for (;;) {
    long n = f->step(f);
    if (n < 0) {
      fail(e, f, (int)-n);
      break;
    }
    moved += (size_t)n;
    if (moved >= e->bytes && __atomic_load_n(&e->started, __ATOMIC_SEQ_CST) == e->nflows) {
      __atomic_store_n(&e->done, 1, __ATOMIC_SEQ_CST);
      break;
    }
    if (__atomic_load_n(&e->done, __ATOMIC_SEQ_CST)) break;
  }
  e->end[id] = fsn_now();
  e->moved[id] = moved;
}

static void *run_flow(void *arg) {
  struct worker *w = arg;
  struct engine *e = w->e;
  pthread_mutex_lock(&e->gate_lock);
  while (!e->go && !e->quit) pthread_cond_wait(&e->gate, &e->gate_lock);
  pthread_mutex_unlock(&e->gate_lock);
  if (!e->go) return NULL;
  for (int pass = -1; pass < e->reps; pass++) { /* pass -1: warm-up, untimed */
    pthread_barrier_wait(&e->barrier);
    if (__atomic_load_n(&e->quit, __ATOMIC_SEQ_CST)) break;
    one_pass(e, w->id);
    if (pthread_barrier_wait(&e->barrier) == PTHREAD_BARRIER_SERIAL_THREAD) {
      double t0 = e->start[0]; /* the common window starts when the first flow started */
      for (int i = 1; i < e->nflows; i++) {
        if (e->start[i] < t0) t0 = e->start[i];
      }
      for (int i = 0; pass >= 0 && i < e->nflows; i++) {
        double t = e->end[i] - t0;
        e->gbps_out[i * e->reps + pass] = t > 0 ? (double)e->moved[i] / t / 1e9 : 0;
      }
      __atomic_store_n(&e->done, 0, __ATOMIC_SEQ_CST);
      __atomic_store_n(&e->started, 0, __ATOMIC_SEQ_CST);
      if (e->stop != NULL && *e->stop) __atomic_store_n(&e->quit, 1, __ATOMIC_SEQ_CST);
    }
  }
  return NULL;
}

int fsn_run_flows(struct fsn_flow *flows, int nflows, size_t bytes, int reps, double *gbps_out,
                  volatile int *stop, char *err, int errlen) {
  if (nflows < 1 || nflows > FSN_MAX_FLOWS || reps < 1 || bytes < 1) {
    fsn_err(err, errlen, "bad flow parameters: %d flows, %zu bytes, %d passes", nflows, bytes, reps);
    return -1;
  }
  static struct engine zero;
  struct engine e = zero;
  struct worker ws[FSN_MAX_FLOWS];
  pthread_t tids[FSN_MAX_FLOWS];
  e.flows = flows;
  e.nflows = nflows;
  e.reps = reps;
  e.bytes = bytes;
  e.stop = stop;
  e.gbps_out = gbps_out;
  e.err = err;
  e.errlen = errlen;
  pthread_mutex_init(&e.gate_lock, NULL);
  pthread_mutex_init(&e.err_lock, NULL);
  pthread_cond_init(&e.gate, NULL);
  pthread_barrier_init(&e.barrier, NULL, (unsigned)nflows);
  int started = 0;
  for (; started < nflows; started++) {
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    if (flows[started].ncpus > 0) {
      /* the flow's thread may run on any CPU of its node (as numactl --cpunodebind) */
      cpu_set_t set;
      CPU_ZERO(&set);
      for (int c = 0; c < flows[started].ncpus; c++) {
        int cpu = flows[started].cpus[c];
        if (cpu >= 0 && cpu < CPU_SETSIZE) CPU_SET(cpu, &set);
      }
      pthread_attr_setaffinity_np(&attr, sizeof(set), &set);
    }
    ws[started].e = &e;
    ws[started].id = started;
    int rc = pthread_create(&tids[started], &attr, run_flow, &ws[started]);
    pthread_attr_destroy(&attr);
    if (rc != 0) {
      fsn_err(err, errlen, "starting the thread of %s: %s", flows[started].name, strerror(rc));
      break;
    }
  }
  pthread_mutex_lock(&e.gate_lock);
  if (started < nflows) {
    e.quit = 1; /* the started threads leave at the gate, before any barrier */
  } else {
    e.go = 1;
  }
  pthread_cond_broadcast(&e.gate);
  pthread_mutex_unlock(&e.gate_lock);
  for (int i = 0; i < started; i++) pthread_join(tids[i], NULL);
  int result = -1;
  if (started == nflows && !e.failed) {
    if (e.quit) {
      fsn_err(err, errlen, "stopped");
      result = -2;
    } else {
      result = reps;
    }
  }
  pthread_barrier_destroy(&e.barrier);
  pthread_cond_destroy(&e.gate);
  pthread_mutex_destroy(&e.err_lock);
  pthread_mutex_destroy(&e.gate_lock);
  return result;
}
