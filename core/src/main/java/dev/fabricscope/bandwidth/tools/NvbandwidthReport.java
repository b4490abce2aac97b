package dev.fabricscope.bandwidth.tools;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What one nvbandwidth run printed ({@code -j} JSON or plain text), read by {@link
 * NvbandwidthParser}. Values are GB/s of 10^9 bytes, as nvbandwidth computes them ({@code
 * memcpy.cpp}: bytes × loops / µs, times 1e-9 per second).
 *
 * @param version nvbandwidth's version ({@code v0.8})
 * @param driverVersion the NVIDIA driver version ({@code 580.159.04}), null when not printed
 * @param devices the GPU list as printed, in CUDA ordinal order ({@code 0: NVIDIA H200
 *     (00000000:00:06): (vm)})
 * @param testcases every test case the run listed, in order
 */
public record NvbandwidthReport(
    String version, String driverVersion, List<String> devices, List<Testcase> testcases) {

  public NvbandwidthReport {
    devices = List.copyOf(devices);
    testcases = List.copyOf(testcases);
  }

  /**
   * One test case.
   *
   * @param name the test's key ({@code host_to_device_memcpy_ce})
   * @param status {@code Passed}, {@code Waived}, {@code Error}, {@code Not Found} (JSON) or the
   *     text form's {@code Running}/{@code Waived}
   * @param description the matrix title ({@code memcpy CE CPU(row) -> GPU(column) bandwidth
   *     (GB/s)}), null when there is no matrix
   * @param matrix rows of values; null entries where nvbandwidth printed {@code N/A} (a pair it did
   *     not measure, such as a GPU with itself)
   * @param sum nvbandwidth's sum over the matrix, null when not printed
   * @param error the test's own error text, null when none
   */
  public record Testcase(
      String name,
      String status,
      String description,
      List<List<Double>> matrix,
      Double sum,
      String error) {

    public Testcase {
      List<List<Double>> copy = new ArrayList<>();
      for (List<Double> row : matrix) {
        copy.add(java.util.Collections.unmodifiableList(new ArrayList<>(row)));
      }
      matrix = List.copyOf(copy);
    }

    /** The value at a row and column, empty when out of range or {@code N/A}. */
    public Optional<Double> value(int row, int column) {
      if (row < 0 || row >= matrix.size() || column < 0 || column >= matrix.get(row).size()) {
        return Optional.empty();
      }
      return Optional.ofNullable(matrix.get(row).get(column));
    }
  }

  /** The test case of that name, if the run listed it. */
  public Optional<Testcase> testcase(String name) {
    return testcases.stream().filter(t -> t.name().equals(name)).findFirst();
  }
}
