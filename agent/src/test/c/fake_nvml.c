/*
 * An ABI-level test double of NVML (libnvidia-ml.so.1): the functions the agent's JNA binding
 * calls, with the signatures and struct layouts of NVIDIA's public nvml.h, answering from a data
 * file instead of a driver. The tests write that file from a real host's NVML dump
 * (../shared/fixtures/gpu-hosts/h200-passthrough.nvml.json) or from a real topology
 * (nvidiaDGX2.xml), so the binding's argument passing, buffers, structs and error handling run for
 * real; the values are the fixture's.
 *
 * Data file (FAKE_NVML_DATA=FILE): one "key=value" per line. A value "!N" makes the call return
 * nvmlReturn_t N (3 = NOT_SUPPORTED, 2 = INVALID_ARGUMENT), a missing key returns NOT_SUPPORTED.
 * Keys: driver, nvml, cuda, count; per device I: I.name, I.uuid, I.serial, I.boardId,
 * I.busIdLegacy, I.busId, I.domain, I.bus, I.device, I.pciDeviceId, I.pciSubSystemId,
 * I.ccMajor, I.ccMinor, I.memTotal, I.memFree, I.memUsed, I.currLinkGen, I.maxLinkGen,
 * I.gpuMaxLinkGen, I.currLinkWidth, I.maxLinkWidth, I.replay, I.numa, I.virt, I.migCurrent,
 * I.migPending; per NVLink L: I.nvlink.L.state, .version, .remoteBusId, .remoteType; per peer J:
 * I.p2p.J.K (K = nvmlGpuP2PCapsIndex_t), I.ancestor.J.
 * Without FAKE_NVML_DATA (or with it empty), nvmlInit_v2 answers DRIVER_NOT_LOADED (9), like a
 * host without a driver.
 *
 * FAKE_NVML_FAULT=hang makes nvmlInit_v2 never return (a GPU fallen off the bus, a driver reset);
 * FAKE_NVML_FAULT=crash makes it dereference NULL (SIGSEGV in the caller's process). Both before
 * anything else, so the agent's isolation of NVML is tested against the faults it exists for.
 * More faults, of a library that misbehaves around its caller (forks, forged output, a flood of
 * stderr, a destructor that hangs or crashes at exit): fake_nvml_hostile.c.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef int nvmlReturn_t;
typedef struct fake_device { unsigned int index; } *nvmlDevice_t;

typedef struct {
  char busIdLegacy[16];
  unsigned int domain;
  unsigned int bus;
  unsigned int device;
  unsigned int pciDeviceId;
  unsigned int pciSubSystemId;
  char busId[32];
} nvmlPciInfo_t;

typedef struct {
  unsigned long long total;
  unsigned long long free;
  unsigned long long used;
} nvmlMemory_t;

enum { OK = 0, UNINITIALIZED = 1, INVALID_ARGUMENT = 2, NOT_SUPPORTED = 3,
       INSUFFICIENT_SIZE = 7, DRIVER_NOT_LOADED = 9 };

#define MAX_KEYS 4096
#define MAX_DEV 64
static char *keys[MAX_KEYS];
static char *values[MAX_KEYS];
static int nkeys = -1;
static struct fake_device devices[MAX_DEV];

static const char *lookup(const char *key) {
  for (int i = 0; i < nkeys; i++) {
    if (strcmp(keys[i], key) == 0) return values[i];
  }
  return NULL;
}

/* The value, or NULL with *rc set to the call's answer (the "!N" error, or NOT_SUPPORTED). */
static const char *value(const char *key, nvmlReturn_t *rc) {
  if (nkeys < 0) { *rc = UNINITIALIZED; return NULL; }
  const char *v = lookup(key);
  if (v == NULL) { *rc = NOT_SUPPORTED; return NULL; }
  if (v[0] == '!') { *rc = atoi(v + 1); return NULL; }
  *rc = OK;
  return v;
}

static nvmlReturn_t number(const char *key, unsigned long long *out) {
  nvmlReturn_t rc;
  const char *v = value(key, &rc);
  if (v) *out = strtoull(v, NULL, 10);
  return rc;
}

static nvmlReturn_t uint_of(const char *key, unsigned int *out) {
  if (out == NULL) return INVALID_ARGUMENT;
  unsigned long long n = 0;
  nvmlReturn_t rc = number(key, &n);
  if (rc == OK) *out = (unsigned int) n;
  return rc;
}

static nvmlReturn_t text(const char *key, char *buf, unsigned int len) {
  if (buf == NULL) return INVALID_ARGUMENT;
  nvmlReturn_t rc;
  const char *v = value(key, &rc);
  if (v == NULL) return rc;
  if (strlen(v) + 1 > len) return INSUFFICIENT_SIZE;
  strcpy(buf, v);
  return OK;
}

static int index_of(nvmlDevice_t d) {
  if (d == NULL || d < devices || d >= devices + MAX_DEV) return -1;
  return (int) d->index;
}

#define DEV_KEY(buf, d, fmt, ...) snprintf(buf, sizeof buf, "%d." fmt, index_of(d), ##__VA_ARGS__)

int fake_nvml_hostile_init(int *rc);

nvmlReturn_t nvmlInit_v2(void) {
  int hostile_rc = OK;
  if (fake_nvml_hostile_init(&hostile_rc)) return hostile_rc;
  const char *fault = getenv("FAKE_NVML_FAULT");
  if (fault != NULL && strcmp(fault, "hang") == 0) {
    for (;;) pause();
  }
  if (fault != NULL && strcmp(fault, "crash") == 0) {
    volatile int *nowhere = NULL;
    return *nowhere;
  }
  const char *path = getenv("FAKE_NVML_DATA");
  if (path == NULL || *path == 0) return DRIVER_NOT_LOADED;
  if (nkeys >= 0) return OK;
  FILE *in = fopen(path, "r");
  if (in == NULL) return DRIVER_NOT_LOADED;
  char line[1024];
  nkeys = 0;
  while (nkeys < MAX_KEYS && fgets(line, sizeof line, in)) {
    line[strcspn(line, "\n")] = 0;
    char *eq = strchr(line, '=');
    if (eq == NULL) continue;
    *eq = 0;
    keys[nkeys] = strdup(line);
    values[nkeys] = strdup(eq + 1);
    nkeys++;
  }
  fclose(in);
  for (unsigned int i = 0; i < MAX_DEV; i++) devices[i].index = i;
  return OK;
}

nvmlReturn_t nvmlShutdown(void) {
  if (nkeys < 0) return UNINITIALIZED;
  for (int i = 0; i < nkeys; i++) { free(keys[i]); free(values[i]); }
  nkeys = -1;
  return OK;
}

const char *nvmlErrorString(nvmlReturn_t rc) {
  switch (rc) {
    case OK: return "Success";
    case UNINITIALIZED: return "Uninitialized";
    case INVALID_ARGUMENT: return "Invalid Argument";
    case NOT_SUPPORTED: return "Not Supported";
    case INSUFFICIENT_SIZE: return "Insufficient Size";
    case DRIVER_NOT_LOADED: return "Driver Not Loaded";
    default: return "Unknown Error";
  }
}

nvmlReturn_t nvmlSystemGetDriverVersion(char *buf, unsigned int len) { return text("driver", buf, len); }
nvmlReturn_t nvmlSystemGetNVMLVersion(char *buf, unsigned int len) { return text("nvml", buf, len); }

nvmlReturn_t nvmlSystemGetCudaDriverVersion_v2(int *version) {
  return uint_of("cuda", (unsigned int *) version);
}

nvmlReturn_t nvmlDeviceGetCount_v2(unsigned int *count) { return uint_of("count", count); }

nvmlReturn_t nvmlDeviceGetHandleByIndex_v2(unsigned int index, nvmlDevice_t *device) {
  unsigned int count = 0;
  nvmlReturn_t rc = uint_of("count", &count);
  if (rc != OK) return rc;
  if (index >= count || index >= MAX_DEV || device == NULL) return INVALID_ARGUMENT;
  *device = &devices[index];
  return OK;
}

#define DEVICE_TEXT(fn, field) \
  nvmlReturn_t fn(nvmlDevice_t d, char *buf, unsigned int len) { \
    char k[64]; \
    if (index_of(d) < 0) return INVALID_ARGUMENT; \
    DEV_KEY(k, d, field); \
    return text(k, buf, len); \
  }
DEVICE_TEXT(nvmlDeviceGetName, "name")
DEVICE_TEXT(nvmlDeviceGetUUID, "uuid")
DEVICE_TEXT(nvmlDeviceGetSerial, "serial")

#define DEVICE_UINT(fn, field) \
  nvmlReturn_t fn(nvmlDevice_t d, unsigned int *out) { \
    char k[64]; \
    if (index_of(d) < 0) return INVALID_ARGUMENT; \
    DEV_KEY(k, d, field); \
    return uint_of(k, out); \
  }
DEVICE_UINT(nvmlDeviceGetBoardId, "boardId")
DEVICE_UINT(nvmlDeviceGetCurrPcieLinkGeneration, "currLinkGen")
DEVICE_UINT(nvmlDeviceGetMaxPcieLinkGeneration, "maxLinkGen")
DEVICE_UINT(nvmlDeviceGetGpuMaxPcieLinkGeneration, "gpuMaxLinkGen")
DEVICE_UINT(nvmlDeviceGetCurrPcieLinkWidth, "currLinkWidth")
DEVICE_UINT(nvmlDeviceGetMaxPcieLinkWidth, "maxLinkWidth")
DEVICE_UINT(nvmlDeviceGetPcieReplayCounter, "replay")
DEVICE_UINT(nvmlDeviceGetNumaNodeId, "numa")
DEVICE_UINT(nvmlDeviceGetVirtualizationMode, "virt")

static nvmlReturn_t pci_info(const char *prefix, nvmlPciInfo_t *pci) {
  char k[96];
  nvmlReturn_t rc;
  if (pci == NULL) return INVALID_ARGUMENT;
  memset(pci, 0, sizeof *pci);
  snprintf(k, sizeof k, "%s.busId", prefix);
  if ((rc = text(k, pci->busId, sizeof pci->busId)) != OK) return rc;
  snprintf(k, sizeof k, "%s.busIdLegacy", prefix);
  text(k, pci->busIdLegacy, sizeof pci->busIdLegacy);
  snprintf(k, sizeof k, "%s.domain", prefix);
  uint_of(k, &pci->domain);
  snprintf(k, sizeof k, "%s.bus", prefix);
  uint_of(k, &pci->bus);
  snprintf(k, sizeof k, "%s.device", prefix);
  uint_of(k, &pci->device);
  snprintf(k, sizeof k, "%s.pciDeviceId", prefix);
  uint_of(k, &pci->pciDeviceId);
  snprintf(k, sizeof k, "%s.pciSubSystemId", prefix);
  uint_of(k, &pci->pciSubSystemId);
  return OK;
}

nvmlReturn_t nvmlDeviceGetPciInfo_v3(nvmlDevice_t d, nvmlPciInfo_t *pci) {
  char prefix[32];
  if (index_of(d) < 0) return INVALID_ARGUMENT;
  snprintf(prefix, sizeof prefix, "%d", index_of(d));
  return pci_info(prefix, pci);
}

nvmlReturn_t nvmlDeviceGetCudaComputeCapability(nvmlDevice_t d, int *major, int *minor) {
  char k[64];
  nvmlReturn_t rc;
  if (index_of(d) < 0 || major == NULL || minor == NULL) return INVALID_ARGUMENT;
  DEV_KEY(k, d, "ccMajor");
  if ((rc = uint_of(k, (unsigned int *) major)) != OK) return rc;
  DEV_KEY(k, d, "ccMinor");
  return uint_of(k, (unsigned int *) minor);
}

nvmlReturn_t nvmlDeviceGetMemoryInfo(nvmlDevice_t d, nvmlMemory_t *m) {
  char k[64];
  nvmlReturn_t rc;
  if (index_of(d) < 0 || m == NULL) return INVALID_ARGUMENT;
  DEV_KEY(k, d, "memTotal");
  if ((rc = number(k, &m->total)) != OK) return rc;
  DEV_KEY(k, d, "memFree");
  number(k, &m->free);
  DEV_KEY(k, d, "memUsed");
  number(k, &m->used);
  return OK;
}

nvmlReturn_t nvmlDeviceGetMigMode(nvmlDevice_t d, unsigned int *current, unsigned int *pending) {
  char k[64];
  nvmlReturn_t rc;
  if (index_of(d) < 0 || current == NULL || pending == NULL) return INVALID_ARGUMENT;
  DEV_KEY(k, d, "migCurrent");
  if ((rc = uint_of(k, current)) != OK) return rc;
  DEV_KEY(k, d, "migPending");
  return uint_of(k, pending);
}

#define LINK_UINT(fn, field) \
  nvmlReturn_t fn(nvmlDevice_t d, unsigned int link, unsigned int *out) { \
    char k[64]; \
    if (index_of(d) < 0) return INVALID_ARGUMENT; \
    DEV_KEY(k, d, "nvlink.%u." field, link); \
    return uint_of(k, out); \
  }
LINK_UINT(nvmlDeviceGetNvLinkState, "state")
LINK_UINT(nvmlDeviceGetNvLinkVersion, "version")
LINK_UINT(nvmlDeviceGetNvLinkRemoteDeviceType, "remoteType")

nvmlReturn_t nvmlDeviceGetNvLinkRemotePciInfo_v2(nvmlDevice_t d, unsigned int link,
                                                 nvmlPciInfo_t *pci) {
  char prefix[64];
  if (index_of(d) < 0) return INVALID_ARGUMENT;
  DEV_KEY(prefix, d, "nvlink.%u.remote", link);
  return pci_info(prefix, pci);
}

nvmlReturn_t nvmlDeviceGetP2PStatus(nvmlDevice_t a, nvmlDevice_t b, int caps, int *status) {
  char k[64];
  if (index_of(a) < 0 || index_of(b) < 0) return INVALID_ARGUMENT;
  DEV_KEY(k, a, "p2p.%d.%d", index_of(b), caps);
  return uint_of(k, (unsigned int *) status);
}

nvmlReturn_t nvmlDeviceGetTopologyCommonAncestor(nvmlDevice_t a, nvmlDevice_t b, int *level) {
  char k[64];
  if (index_of(a) < 0 || index_of(b) < 0) return INVALID_ARGUMENT;
  DEV_KEY(k, a, "ancestor.%d", index_of(b));
  return uint_of(k, (unsigned int *) level);
}
