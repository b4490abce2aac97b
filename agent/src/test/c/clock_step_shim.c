/*
 * A wall-clock step, as the JDK sees it, for ParentWatchIT (security review 19, #1). Preloaded
 * into the agent's JVM (LD_PRELOAD), it shows that JVM a boot time (the "btime" line of
 * /proc/stat, which the JDK reads once per JVM to turn start ticks into wall-clock instants)
 * FAKE_BTIME_SHIFT seconds earlier: what an agent that started before the clock was stepped forward
 * by that much holds. Processes whose command line names IsolatedMain (the agent's children, which
 * inherit the variable) read the real file, as a child started after the step would.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef FILE *(*fopen_fn)(const char *, const char *);

static int is_child(fopen_fn real) {
  char buf[16384];
  FILE *f = real("/proc/self/cmdline", "r");
  if (!f) return 0;
  size_t n = fread(buf, 1, sizeof buf - 1, f);
  fclose(f);
  for (size_t i = 0; i < n; i++)
    if (buf[i] == '\0') buf[i] = ' ';
  buf[n] = '\0';
  return strstr(buf, "IsolatedMain") != NULL;
}

static FILE *open_shifted(const char *path, const char *mode, const char *symbol) {
  fopen_fn real = (fopen_fn)dlsym(RTLD_NEXT, symbol);
  const char *shift = getenv("FAKE_BTIME_SHIFT");
  if (shift == NULL || strcmp(path, "/proc/stat") != 0 || is_child(real)) return real(path, mode);
  FILE *in = real(path, mode);
  if (in == NULL) return NULL;
  static char out[1 << 17];
  size_t used = 0;
  char line[8192];
  while (fgets(line, sizeof line, in) && used < sizeof out - sizeof line) {
    unsigned long long boot;
    if (sscanf(line, "btime %llu", &boot) == 1) {
      used += (size_t)snprintf(out + used, sizeof out - used, "btime %llu\n",
                               boot - strtoull(shift, NULL, 10));
    } else {
      size_t len = strlen(line);
      memcpy(out + used, line, len);
      used += len;
    }
  }
  fclose(in);
  return fmemopen(out, used, "r");
}

FILE *fopen(const char *path, const char *mode) { return open_shifted(path, mode, "fopen"); }
FILE *fopen64(const char *path, const char *mode) { return open_shifted(path, mode, "fopen64"); }
