package dev.fabricscope.path;

/** Meetings by their packed value: an open-addressing int map, no boxing on the hot path. */
final class MeetingTable {
  private int[] keys = new int[64];
  private Meeting[] values = new Meeting[64];
  private int size;

  Meeting get(int key) {
    int mask = keys.length - 1;
    for (int h = mix(key) & mask; values[h] != null; h = (h + 1) & mask) {
      if (keys[h] == key) {
        return values[h];
      }
    }
    return null;
  }

  void put(int key, Meeting m) {
    if (2 * (size + 1) > keys.length) {
      int[] oldKeys = keys;
      Meeting[] oldValues = values;
      keys = new int[oldKeys.length * 2];
      values = new Meeting[oldKeys.length * 2];
      size = 0;
      for (int k = 0; k < oldKeys.length; k++) {
        if (oldValues[k] != null) {
          put(oldKeys[k], oldValues[k]);
        }
      }
    }
    int mask = keys.length - 1;
    int h = mix(key) & mask;
    while (values[h] != null) {
      h = (h + 1) & mask;
    }
    keys[h] = key;
    values[h] = m;
    size++;
  }

  private static int mix(int key) {
    int h = key * 0x9E3779B9;
    return h ^ (h >>> 16);
  }
}
