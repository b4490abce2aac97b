/*
 * The hostile side of the NVML test double (linked into the same libnvidia-ml.so as fake_nvml.c):
 * a driver library that misbehaves around the process that loads it rather than in its answers,
 * as the eighteenth security review found the agent's child JVM could not survive. Chosen by
 * FAKE_NVML_FAULT, looked at by nvmlInit_v2 before anything else:
 *
 *   fork        three plain children and a setsid'd, double-forked daemon, all sleeping 300 s
 *               with the caller's stdout open (pipe holders); each pid, as the host numbers it, is
 *               appended to the file FAKE_NVML_PIDS. nvmlInit then goes on as without a fault.
 *   forge-late  a setsid'd grandchild that, 1 s later (after the caller's own answer and exit),
 *               writes a forged answer line to the caller's stdout; its pid as above.
 *   forge-now   the forged answer line written to stdout at once, before the caller's own.
 *   errlines    4 MiB of "a\n" on stderr, then _exit(1): a driver that floods its log.
 *   exithang    nothing at init; a destructor that never returns when the library is unloaded
 *               at the caller's exit (after the caller has printed its answer).
 *   exitcrash   the same destructor dereferencing NULL instead.
 *   ctorhang    a constructor that never returns: the library hangs in its loading, inside
 *               dlopen, holding the dynamic loader's lock (security review 19, #2).
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define FORGED "fabricscope-isolated-answer {\"gpus\":{\"0000:99:00.0\":{\"productName\":\"FORGED\"}}}\n"

static int is(const char *mode) {
  const char *f = getenv("FAKE_NVML_FAULT");
  return f != NULL && strcmp(f, mode) == 0;
}

/* Appends this process's pid, as the host's /proc numbers it (inside a PID namespace getpid() is
   the namespace's number, which the test must not signal), to the file FAKE_NVML_PIDS. */
static void record_self(void) {
  const char *path = getenv("FAKE_NVML_PIDS");
  if (path == NULL || *path == 0) return;
  char stat[64] = {0};
  int in = open("/proc/self/stat", O_RDONLY);
  if (in < 0) return;
  ssize_t n = read(in, stat, sizeof stat - 1);
  close(in);
  if (n <= 0) return;
  char line[32];
  int len = snprintf(line, sizeof line, "%ld\n", strtol(stat, NULL, 10));
  int fd = open(path, O_WRONLY | O_APPEND | O_CREAT, 0600);
  if (fd < 0) return;
  if (write(fd, line, len) != len) { /* the test sees the pid missing */ }
  close(fd);
}

static void write_all(int fd, const char *s, size_t n) {
  while (n > 0) {
    ssize_t w = write(fd, s, n);
    if (w <= 0) return;
    s += w;
    n -= (size_t) w;
  }
}

/* A child that records its pid, says so on `ready`, closes every descriptor but 0-2 (the JVM's
   own), sleeps, and maybe writes a line to stdout. */
static void linger(int ready, unsigned int seconds, const char *line) {
  record_self();
  if (write(ready, "r", 1) != 1) { /* the caller stops waiting at end of file */ }
  for (int fd = 3; fd < 1024; fd++) close(fd);
  sleep(seconds);
  if (line != NULL) write_all(1, line, strlen(line));
  _exit(0);
}

/* Starts `n` lingering processes, setsid'd and double-forked (no longer descendants) or plain
   children, and returns once each has recorded its pid. */
static void spawn(int n, int detached, unsigned int seconds, const char *line) {
  int ready[2];
  if (pipe(ready) != 0) return;
  for (int i = 0; i < n; i++) {
    if (fork() == 0) {
      close(ready[0]);
      if (detached) {
        setsid();
        if (fork() != 0) _exit(0);
      }
      linger(ready[1], seconds, line);
    }
  }
  close(ready[1]);
  char c;
  for (int i = 0; i < n && read(ready[0], &c, 1) == 1; i++) {
  }
  close(ready[0]);
}

/* 1 when the fault decides nvmlInit's answer (in *rc), 0 when nvmlInit goes on. */
int fake_nvml_hostile_init(int *rc) {
  if (is("fork")) {
    spawn(3, 0, 300, NULL);
    spawn(1, 1, 300, NULL);
  } else if (is("forge-late")) {
    spawn(1, 1, 1, FORGED);
  } else if (is("forge-now")) {
    write_all(1, FORGED, strlen(FORGED));
  } else if (is("errlines")) {
    static char buf[65536];
    for (size_t i = 0; i < sizeof buf; i += 2) { buf[i] = 'a'; buf[i + 1] = '\n'; }
    for (int i = 0; i < 64; i++) write_all(2, buf, sizeof buf);
    _exit(1);
  }
  (void) rc;
  return 0;
}

__attribute__((constructor)) static void at_load(void) {
  if (is("ctorhang")) {
    for (;;) pause();
  }
}

__attribute__((destructor)) static void at_unload(void) {
  if (is("exithang")) for (;;) pause();
  if (is("exitcrash")) { volatile int *nowhere = NULL; *nowhere = 1; }
}
