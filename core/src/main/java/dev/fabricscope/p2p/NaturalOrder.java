package dev.fabricscope.p2p;

/**
 * The order {@code nvidia-smi topo -m} lists RDMA devices in (NIC0 is {@code mlx5_0}, NIC10 {@code
 * mlx5_10}): names compared with their digit runs as numbers.
 */
final class NaturalOrder {

  private NaturalOrder() {}

  /** Natural order: digit runs compare as numbers, so {@code mlx5_9 < mlx5_10}. */
  static int compare(String a, String b) {
    int i = 0;
    int j = 0;
    while (i < a.length() && j < b.length()) {
      char ca = a.charAt(i);
      char cb = b.charAt(j);
      if (Character.isDigit(ca) && Character.isDigit(cb)) {
        int ei = i;
        int ej = j;
        while (ei < a.length() && Character.isDigit(a.charAt(ei))) {
          ei++;
        }
        while (ej < b.length() && Character.isDigit(b.charAt(ej))) {
          ej++;
        }
        String na = a.substring(i, ei).replaceFirst("^0+(?=.)", "");
        String nb = b.substring(j, ej).replaceFirst("^0+(?=.)", "");
        int c = na.length() != nb.length() ? na.length() - nb.length() : na.compareTo(nb);
        if (c != 0) {
          return c;
        }
        i = ei;
        j = ej;
      } else {
        if (ca != cb) {
          return ca - cb;
        }
        i++;
        j++;
      }
    }
    return (a.length() - i) - (b.length() - j);
  }
}
