package dev.fabricscope.agent.bandwidth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fabricscope.agent.bandwidth.HelperContainment.ProcStat;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Which members of a reaped helper's process group are killed (review 17, M5): only those that are
 * provably its own, never a newcomer's group that took the freed group id after the reap.
 */
class GroupLeftoversTest {

  @Test
  void aGroupLedByAReusedPidAfterTheReapIsSpared() {
    long g = 4242;
    // helper started at tick 1000, its reap seen in tick 1500
    ProcStat leftover = new ProcStat(5000, g, g, 1200);
    ProcStat newLeader = new ProcStat(g, g, g, 1600); // the pid taken again, setsid
    ProcStat newMember = new ProcStat(5001, g, g, 1601);
    ProcStat otherSession = new ProcStat(5002, g, 77, 1300); // setpgid into a group elsewhere
    assertEquals(
        List.of(5000L),
        HelperContainment.groupLeftovers(
            g, 1000, 1500, List.of(leftover, newLeader, newMember, otherSession)));
    assertEquals(
        List.of(), HelperContainment.groupLeftovers(g, 1000, 1500, List.of(newLeader, newMember)));
    assertEquals(List.of(), HelperContainment.groupLeftovers(g, 1000, -1, List.of(leftover)));
    assertEquals(List.of(), HelperContainment.groupLeftovers(1, 0, 1500, List.of(leftover)));
  }

  /**
   * Many generated hosts: the helper's own members (started between its start and its reap), a
   * newcomer that took the pid after the reap with members of its own (a setsid leader, or a
   * setpgid group in another session), processes that joined from elsewhere, and unrelated ones.
   * The helper's members are all killed, nothing else ever is.
   */
  @Test
  void manyGeneratedHostsKillOnlyTheHelpersOwnMembers() {
    long seed = System.nanoTime();
    Random r = new Random(seed);
    for (int i = 0; i < 5000; i++) {
      long g = 2 + r.nextInt(4_000_000);
      long start = r.nextInt(1_000_000);
      long reap = start + r.nextInt(100_000);
      List<ProcStat> procs = new ArrayList<>();
      Set<Long> own = new HashSet<>();
      long pid = g + 1;
      int members = r.nextInt(4);
      for (int k = 0; k < members; k++) {
        ProcStat p = new ProcStat(pid++, g, g, start + (long) (r.nextDouble() * (reap - start)));
        procs.add(p);
        own.add(p.pid());
      }
      if (r.nextBoolean()) {
        // a newcomer: the pid was taken again after the reap, and leads a group of that id
        long leaderStart = reap + 1 + r.nextInt(10_000);
        boolean setsid = r.nextBoolean();
        long session = setsid ? g : g + 7_000_000;
        if (r.nextBoolean()) {
          procs.add(new ProcStat(g, g, session, leaderStart));
        }
        for (int k = r.nextInt(4); k > 0; k--) {
          procs.add(new ProcStat(pid++, g, session, leaderStart + r.nextInt(10_000)));
        }
        if (!setsid) {
          // an old process of that other session joined the new group with setpgid
          procs.add(new ProcStat(pid++, g, session, r.nextInt((int) reap + 1)));
        }
      }
      for (int k = r.nextInt(5); k > 0; k--) {
        long other = g + 10_000 + r.nextInt(1000);
        procs.add(new ProcStat(pid++, other, other, r.nextInt(2_000_000)));
      }
      java.util.Collections.shuffle(procs, r);
      List<Long> killed = HelperContainment.groupLeftovers(g, start, reap, procs);
      String why = "seed " + seed + ", case " + i + ": " + procs;
      assertEquals(own, new HashSet<>(killed), why);
      assertEquals(killed.size(), new HashSet<>(killed).size(), why);
    }
  }

  /**
   * Real processes: a group leader (pid = group = session, as after {@code setsid}) with a member,
   * both started after the "helper's reap" they are judged against, is left alone; judged against a
   * reap after their start, the member (never the leader's pid) is killed.
   */
  @Test
  void aRealGroupThatStartedAfterTheReapIsSpared() throws Exception {
    var setsid = ExecutableFinder.fromEnvironment().find("setsid");
    org.junit.jupiter.api.Assumptions.assumeTrue(setsid.isPresent(), "no setsid here");
    var containment = HelperContainment.processGroup(setsid.get());
    org.junit.jupiter.api.Assumptions.assumeTrue(containment.isPresent(), "no libc via JNA");
    Process leader =
        new ProcessBuilder(setsid.get().toString(), "/bin/sh", "-c", "sleep 60 & exec sleep 61")
            .redirectErrorStream(true)
            .start();
    try {
      long g = leader.pid();
      ProcessHandle member = null;
      for (int i = 0; i < 200 && member == null; i++) {
        member = leader.toHandle().children().findFirst().orElse(null);
        Thread.sleep(10);
      }
      assertTrue(member != null, "the member did not start");
      ProcStat m = ProcStat.read(member.pid()).orElseThrow();
      assertEquals(g, m.pgrp());
      long started = ProcStat.read(g).orElseThrow().startTicks();
      HelperContainment c = containment.get();
      assertEquals(0, c.killGroupLeftovers(g, 0, started - 1));
      Thread.sleep(100);
      assertTrue(member.isAlive() && leader.isAlive());
      assertEquals(1, c.killGroupLeftovers(g, 0, c.nowTicks()));
      // the leader (sleep, after exec) never reaps it: dead is a zombie here
      long until = System.nanoTime() + 5_000_000_000L;
      while (!deadOrZombie(member.pid()) && System.nanoTime() < until) {
        Thread.sleep(10);
      }
      assertTrue(deadOrZombie(member.pid()), "the member still runs");
      assertTrue(leader.isAlive(), "the leader's pid was signalled");
    } finally {
      leader.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
      leader.destroyForcibly();
    }
  }

  @Test
  void statFieldsCountFromTheEndOfTheCommandName() {
    String stat =
        "4711 (a) (b c) S 1 4242 4242 0 -1 4194560 100 0 0 0 0 0 0 0 20 0 1 0 123456 1000 10"
            + " 18446744073709551615 0 0 0 0 0 0 0 0 0 0 0 0 17 3 0 0 0 0 0";
    assertEquals(Optional.of(new ProcStat(4711, 4242, 4242, 123456)), ProcStat.parse(4711, stat));
    assertEquals(Optional.empty(), ProcStat.parse(1, "garbage"));
    // this JVM's own line, read for real
    ProcStat self = ProcStat.read(ProcessHandle.current().pid()).orElseThrow();
    assertTrue(self.startTicks() > 0, self.toString());
  }

  private static boolean deadOrZombie(long pid) {
    try {
      String stat = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/" + pid + "/stat"));
      return stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z");
    } catch (java.io.IOException e) {
      return true;
    }
  }
}
