/*
 * An ABI-level test double of the CUDA driver API (libcuda.so.1): the functions the agent's JNA
 * binding calls, with the signatures of NVIDIA's public cuda.h, backed by host memory. Copies run
 * synchronously inside the *Async calls, so events recorded around them time a real host memcpy:
 * the figures test the plumbing (argument passing, buffers, timing, device order), never a GPU.
 *
 * Knobs (environment): FAKE_CUDA_BUS_IDS="0000:00:07.0,0000:00:06.0" (devices in driver order),
 * FAKE_CUDA_NO_DEVICE=1 (cuInit answers CUDA_ERROR_NO_DEVICE), FAKE_CUDA_PEER=1 (peer access
 * allowed between every pair), FAKE_CUDA_CALLS=FILE (each call's name appended, one per line),
 * FAKE_CUDA_FAULT=hang|crash (cuInit never returns, or dereferences NULL: a wedged or broken
 * driver), FAKE_CUDA_COPY_FAULT_FILE=FILE (read at every copy: when it starts with "hang" the copy
 * never returns, with "crash" it dereferences NULL; a driver that passed detection and fails in a
 * copy; no file or other content: the copy runs), FAKE_CUDA_EVENT_MS=MS (cuEventElapsedTime answers
 * MS: the same figures in every process, to compare two paths' numbers).
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

typedef int CUresult;
typedef int CUdevice;
typedef unsigned long long CUdeviceptr;
typedef struct ctx_s { int device; } *CUcontext;
typedef struct stream_s { int unused; } *CUstream;
typedef struct event_s { double seconds; int recorded; } *CUevent;

enum { OK = 0, INVALID_VALUE = 1, OUT_OF_MEMORY = 2, NOT_INITIALIZED = 3, NO_DEVICE = 100,
       INVALID_DEVICE = 101, PEER_UNSUPPORTED = 217, NOT_READY = 600 };

#define MAX_DEV 8
static char bus_ids[MAX_DEV][16];
static int ndev = -1;
static struct ctx_s contexts[MAX_DEV];

static void trace(const char *name) {
  const char *f = getenv("FAKE_CUDA_CALLS");
  if (!f) return;
  FILE *out = fopen(f, "a");
  if (out) { fprintf(out, "%s\n", name); fclose(out); }
}

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec / 1e9;
}

/* a copy that hangs or crashes as FAKE_CUDA_COPY_FAULT_FILE says now */
static void copy_fault(void) {
  const char *f = getenv("FAKE_CUDA_COPY_FAULT_FILE");
  char mode[8] = "";
  FILE *in = f ? fopen(f, "r") : NULL;
  if (in) {
    if (!fgets(mode, sizeof mode, in)) mode[0] = 0;
    fclose(in);
  }
  if (strncmp(mode, "hang", 4) == 0) {
    for (;;) pause();
  }
  if (strncmp(mode, "crash", 5) == 0) {
    volatile int *nowhere = NULL;
    *nowhere = 1;
  }
}

CUresult cuInit(unsigned int flags) {
  trace("cuInit");
  const char *fault = getenv("FAKE_CUDA_FAULT");
  if (fault != NULL && strcmp(fault, "hang") == 0) {
    for (;;) pause();
  }
  if (fault != NULL && strcmp(fault, "crash") == 0) {
    volatile int *nowhere = NULL;
    return (CUresult) *nowhere;
  }
  if (flags != 0) return INVALID_VALUE;
  if (getenv("FAKE_CUDA_NO_DEVICE")) return NO_DEVICE;
  const char *ids = getenv("FAKE_CUDA_BUS_IDS");
  if (!ids) ids = "0000:00:06.0";
  ndev = 0;
  char copy[256];
  snprintf(copy, sizeof copy, "%s", ids);
  for (char *s = strtok(copy, ","); s && ndev < MAX_DEV; s = strtok(NULL, ",")) {
    snprintf(bus_ids[ndev], sizeof bus_ids[ndev], "%s", s);
    contexts[ndev].device = ndev;
    ndev++;
  }
  return OK;
}

CUresult cuDriverGetVersion(int *v) { trace("cuDriverGetVersion"); *v = 13000; return OK; }

CUresult cuGetErrorString(CUresult e, const char **s) {
  static const char *names[] = {"no error", "invalid argument", "out of memory", "not initialized"};
  *s = e >= 0 && e <= 3 ? names[e] : e == NO_DEVICE ? "no CUDA-capable device is detected"
     : e == PEER_UNSUPPORTED ? "peer access is not supported between these two devices" : "unknown error";
  return OK;
}

static CUresult dev_ok(CUdevice d) { return ndev < 0 ? NOT_INITIALIZED : d < 0 || d >= ndev ? INVALID_DEVICE : OK; }

CUresult cuDeviceGetCount(int *n) { trace("cuDeviceGetCount"); if (ndev < 0) return NOT_INITIALIZED; *n = ndev; return OK; }
CUresult cuDeviceGet(CUdevice *d, int ordinal) { trace("cuDeviceGet"); CUresult r = dev_ok(ordinal); if (r) return r; *d = ordinal; return OK; }

CUresult cuDeviceGetName(char *name, int len, CUdevice d) {
  trace("cuDeviceGetName");
  CUresult r = dev_ok(d);
  if (r) return r;
  snprintf(name, len, "fabricscope fake CUDA device %d", d);
  return OK;
}

CUresult cuDeviceGetPCIBusId(char *id, int len, CUdevice d) {
  trace("cuDeviceGetPCIBusId");
  CUresult r = dev_ok(d);
  if (r) return r;
  /* the driver writes upper-case hex with an 8-digit domain: 00000000:00:06.0 */
  char up[32];
  snprintf(up, sizeof up, "0000%s", bus_ids[d]);
  for (char *p = up; *p; p++) if (*p >= 'a' && *p <= 'f') *p -= 32;
  snprintf(id, len, "%s", up);
  return OK;
}

CUresult cuDeviceCanAccessPeer(int *can, CUdevice d, CUdevice peer) {
  trace("cuDeviceCanAccessPeer");
  if (dev_ok(d) || dev_ok(peer)) return INVALID_DEVICE;
  *can = d != peer && getenv("FAKE_CUDA_PEER") != NULL;
  return OK;
}

CUresult cuDevicePrimaryCtxRetain(CUcontext *c, CUdevice d) { trace("cuDevicePrimaryCtxRetain"); CUresult r = dev_ok(d); if (r) return r; *c = &contexts[d]; return OK; }
CUresult cuDevicePrimaryCtxRelease_v2(CUdevice d) { trace("cuDevicePrimaryCtxRelease_v2"); return dev_ok(d); }
CUresult cuCtxSetCurrent(CUcontext c) { trace("cuCtxSetCurrent"); return c ? OK : INVALID_VALUE; }
CUresult cuCtxEnablePeerAccess(CUcontext peer, unsigned int flags) {
  trace("cuCtxEnablePeerAccess");
  return !peer || flags ? INVALID_VALUE : getenv("FAKE_CUDA_PEER") ? OK : PEER_UNSUPPORTED;
}

CUresult cuStreamCreate(CUstream *s, unsigned int flags) { trace("cuStreamCreate"); (void)flags; *s = calloc(1, sizeof **s); return *s ? OK : OUT_OF_MEMORY; }
CUresult cuStreamDestroy_v2(CUstream s) { trace("cuStreamDestroy_v2"); free(s); return OK; }
CUresult cuStreamWaitEvent(CUstream s, CUevent e, unsigned int flags) { trace("cuStreamWaitEvent"); (void)s; return e && !flags ? OK : INVALID_VALUE; }
CUresult cuStreamSynchronize(CUstream s) { trace("cuStreamSynchronize"); (void)s; return OK; }

CUresult cuEventCreate(CUevent *e, unsigned int flags) { trace("cuEventCreate"); (void)flags; *e = calloc(1, sizeof **e); return *e ? OK : OUT_OF_MEMORY; }
CUresult cuEventDestroy_v2(CUevent e) { trace("cuEventDestroy_v2"); free(e); return OK; }
CUresult cuEventRecord(CUevent e, CUstream s) { trace("cuEventRecord"); (void)s; if (!e) return INVALID_VALUE; e->seconds = now(); e->recorded = 1; return OK; }
CUresult cuEventSynchronize(CUevent e) { trace("cuEventSynchronize"); return e ? OK : INVALID_VALUE; }
CUresult cuEventElapsedTime(float *ms, CUevent a, CUevent b) {
  trace("cuEventElapsedTime");
  if (!a || !b) return INVALID_VALUE;
  if (!a->recorded || !b->recorded) return NOT_READY;
  const char *fixed = getenv("FAKE_CUDA_EVENT_MS");
  *ms = fixed ? strtof(fixed, NULL) : (float)((b->seconds - a->seconds) * 1000.0);
  return OK;
}

CUresult cuMemAlloc_v2(CUdeviceptr *p, size_t bytes) {
  trace("cuMemAlloc_v2");
  void *m = bytes ? malloc(bytes) : NULL;
  if (!m) return bytes ? OUT_OF_MEMORY : INVALID_VALUE;
  *p = (CUdeviceptr)(uintptr_t)m;
  return OK;
}
CUresult cuMemFree_v2(CUdeviceptr p) { trace("cuMemFree_v2"); free((void *)(uintptr_t)p); return OK; }
CUresult cuMemsetD8_v2(CUdeviceptr p, unsigned char v, size_t n) { trace("cuMemsetD8_v2"); memset((void *)(uintptr_t)p, v, n); return OK; }
CUresult cuMemHostRegister_v2(void *p, size_t bytes, unsigned int flags) { trace("cuMemHostRegister_v2"); (void)flags; return p && bytes ? OK : INVALID_VALUE; }
CUresult cuMemHostUnregister(void *p) { trace("cuMemHostUnregister"); return p ? OK : INVALID_VALUE; }

CUresult cuMemcpyHtoDAsync_v2(CUdeviceptr dst, const void *src, size_t n, CUstream s) { trace("cuMemcpyHtoDAsync_v2"); copy_fault(); (void)s; memcpy((void *)(uintptr_t)dst, src, n); return OK; }
CUresult cuMemcpyDtoHAsync_v2(void *dst, CUdeviceptr src, size_t n, CUstream s) { trace("cuMemcpyDtoHAsync_v2"); copy_fault(); (void)s; memcpy(dst, (void *)(uintptr_t)src, n); return OK; }
CUresult cuMemcpyDtoDAsync_v2(CUdeviceptr dst, CUdeviceptr src, size_t n, CUstream s) { trace("cuMemcpyDtoDAsync_v2"); copy_fault(); (void)s; memmove((void *)(uintptr_t)dst, (void *)(uintptr_t)src, n); return OK; }
CUresult cuMemcpyPeerAsync(CUdeviceptr dst, CUcontext dc, CUdeviceptr src, CUcontext sc, size_t n, CUstream s) {
  trace("cuMemcpyPeerAsync");
  copy_fault();
  (void)s;
  if (!dc || !sc) return INVALID_VALUE;
  if (!getenv("FAKE_CUDA_PEER")) return PEER_UNSUPPORTED;
  memcpy((void *)(uintptr_t)dst, (void *)(uintptr_t)src, n);
  return OK;
}
