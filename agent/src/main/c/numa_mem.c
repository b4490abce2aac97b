/* NUMA binding by raw syscalls (no libnuma needed on the host): see fabricscope_native.h. */
#define _GNU_SOURCE
#include "fabricscope_native.h"

#include <errno.h>
#include <linux/mempolicy.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

/* Node masks cover nodes 0-1023 (the Endpoint range). The kernel reads maxnode-1 bits. */
#define FSN_MASK_WORDS (1024 / (8 * sizeof(unsigned long)))
#define FSN_MAXNODE (1024 + 1)

int fsn_version(void) { return FSN_VERSION; }

void fsn_err(char *err, int errlen, const char *fmt, ...) {
  if (err == NULL || errlen <= 0) return;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(err, (size_t)errlen, fmt, ap);
  va_end(ap);
}

static void node_mask(int node, unsigned long *mask) {
  memset(mask, 0, FSN_MASK_WORDS * sizeof(unsigned long));
  mask[node / (8 * sizeof(unsigned long))] |= 1UL << (node % (8 * sizeof(unsigned long)));
}

static int valid_node(int node, char *err, int errlen) {
  if (node < 0 || node >= 1024) {
    fsn_err(err, errlen, "NUMA node %d out of range 0-1023", node);
    return 0;
  }
  return 1;
}

int fsn_bind_thread(int node, const int *cpus, int ncpus, char *err, int errlen) {
  if (!valid_node(node, err, errlen)) return -1;
  if (ncpus > 0) {
    cpu_set_t set;
    CPU_ZERO(&set);
    for (int i = 0; i < ncpus; i++) {
      if (cpus[i] >= 0 && cpus[i] < CPU_SETSIZE) CPU_SET(cpus[i], &set);
    }
    if (sched_setaffinity(0, sizeof(set), &set) != 0) {
      fsn_err(err, errlen, "sched_setaffinity to numa:%d's CPUs: %s", node, strerror(errno));
      return -1;
    }
  }
  unsigned long mask[FSN_MASK_WORDS];
  node_mask(node, mask);
  if (syscall(SYS_set_mempolicy, MPOL_BIND, mask, FSN_MAXNODE) != 0) {
    if (errno == ENOSYS && node == 0) return 0; /* kernel without NUMA: one node, nothing to bind */
    fsn_err(err, errlen, "set_mempolicy(MPOL_BIND, numa:%d): %s", node, strerror(errno));
    return -1;
  }
  return 1;
}

void *fsn_alloc_on_node(size_t bytes, int node, int *bound, char *err, int errlen) {
  if (!valid_node(node, err, errlen)) return NULL;
  void *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) {
    fsn_err(err, errlen, "mmap of %zu bytes: %s", bytes, strerror(errno));
    return NULL;
  }
  unsigned long mask[FSN_MASK_WORDS];
  node_mask(node, mask);
  *bound = 1;
  if (syscall(SYS_mbind, p, bytes, MPOL_BIND, mask, FSN_MAXNODE, MPOL_MF_STRICT) != 0) {
    if (errno == ENOSYS && node == 0) {
      *bound = 0;
    } else {
      fsn_err(err, errlen, "mbind to numa:%d: %s", node, strerror(errno));
      munmap(p, bytes);
      return NULL;
    }
  }
  /* First touch allocates the pages, on the bound node; a later copy then never faults. */
  memset(p, 0x5a, bytes);
  return p;
}

void fsn_free(void *p, size_t bytes) {
  if (p != NULL) munmap(p, bytes);
}

int fsn_node_of(const void *addr) {
  int node = -1;
  if (syscall(SYS_get_mempolicy, &node, NULL, 0, addr, MPOL_F_NODE | MPOL_F_ADDR) != 0) return -1;
  return node;
}

int fsn_misplaced_pages(const void *p, size_t bytes, int node) {
  long page = sysconf(_SC_PAGESIZE);
  size_t pages = (bytes + (size_t)page - 1) / (size_t)page;
  size_t step = pages > 64 ? pages / 64 : 1; /* 64 samples spread over the buffer */
  int misplaced = 0;
  for (size_t i = 0; i < pages; i += step) {
    int n = fsn_node_of((const char *)p + i * (size_t)page);
    if (n < 0) return -1;
    if (n != node) misplaced++;
  }
  return misplaced;
}

double fsn_now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}
