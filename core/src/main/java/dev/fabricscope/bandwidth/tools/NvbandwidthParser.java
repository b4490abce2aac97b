package dev.fabricscope.bandwidth.tools;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fabricscope.bandwidth.tools.NvbandwidthReport.Testcase;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Reads NVIDIA nvbandwidth's reports (v0.x): the {@code -j} JSON written by {@code json_output.cpp}
 * (object {@code nvbandwidth} with {@code version}, {@code GPU Device list}, {@code testcases[]} of
 * {@code name}, {@code status}, {@code bandwidth_matrix} as strings with {@code N/A}, {@code sum},
 * {@code error}), which is what the agent asks for. Untrusted input: values that are not finite
 * non-negative numbers, ragged matrices and a top-level {@code error} give a {@link
 * ToolOutputException}.
 */
public final class NvbandwidthParser {

  /** Longest output read: every test case of an 8-GPU run is well below 1 MiB. */
  public static final int MAX_CHARS = 4 << 20;

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern NUMBER =
      Pattern.compile("[0-9]{1,9}(?:\\.[0-9]{1,12})?(?:e[-+]?[0-9]{1,3})?");

  private NvbandwidthParser() {}

  /** Parses a {@code -j} report. */
  public static NvbandwidthReport parseJson(String output) throws ToolOutputException {
    check(output);
    JsonNode root;
    try {
      root = JSON.readTree(output);
    } catch (JsonProcessingException e) {
      throw new ToolOutputException(
          "nvbandwidth report is not valid JSON: "
              + ToolOutputException.quote(e.getOriginalMessage()));
    }
    JsonNode nvb = root == null ? null : root.get("nvbandwidth");
    if (nvb == null || !nvb.isObject()) {
      throw new ToolOutputException("nvbandwidth report has no 'nvbandwidth' object");
    }
    if (nvb.hasNonNull("error")) {
      throw new ToolOutputException(
          "nvbandwidth: " + ToolOutputException.quote(nvb.get("error").asText()));
    }
    List<String> devices = new ArrayList<>();
    for (JsonNode d : nvb.path("GPU Device list")) {
      devices.add(d.asText());
    }
    JsonNode list = nvb.get("testcases");
    if (list == null || !list.isArray()) {
      throw new ToolOutputException("nvbandwidth report has no testcases array");
    }
    List<Testcase> tests = new ArrayList<>();
    for (JsonNode t : list) {
      String name = t.path("name").asText(null);
      if (name == null) {
        throw new ToolOutputException("nvbandwidth test case without a name");
      }
      List<List<Double>> matrix = new ArrayList<>();
      for (JsonNode row : t.path("bandwidth_matrix")) {
        List<Double> values = new ArrayList<>();
        for (JsonNode v : row) {
          values.add(value(name, v.isNumber() ? v.asText() : v.textValue()));
        }
        matrix.add(values);
      }
      checkShape(name, matrix);
      JsonNode sum = t.get("sum");
      tests.add(
          new Testcase(
              name,
              t.path("status").asText(""),
              t.path("bandwidth_description").asText(null),
              matrix,
              sum != null && sum.isNumber() && Double.isFinite(sum.doubleValue())
                  ? sum.doubleValue()
                  : null,
              t.hasNonNull("error") ? t.get("error").asText() : null));
    }
    String version = nvb.path("version").asText(nvb.path("git_version").asText(null));
    if (version == null) {
      throw new ToolOutputException("nvbandwidth report has no version");
    }
    return new NvbandwidthReport(version, nvb.path("Driver Version").asText(null), devices, tests);
  }

  private static void check(String output) throws ToolOutputException {
    if (output == null || output.isBlank()) {
      throw new ToolOutputException("nvbandwidth printed nothing");
    }
    if (output.length() > MAX_CHARS) {
      throw new ToolOutputException("nvbandwidth printed more than " + MAX_CHARS + " characters");
    }
  }

  private static Double value(String test, String text) throws ToolOutputException {
    if (text == null) {
      throw new ToolOutputException("nvbandwidth " + test + ": a matrix value is not text");
    }
    if (text.equals("N/A")) {
      return null;
    }
    if (!NUMBER.matcher(text).matches()) {
      throw new ToolOutputException(
          "nvbandwidth "
              + test
              + ": matrix value "
              + ToolOutputException.quote(text)
              + " is not a number");
    }
    double v = Double.parseDouble(text);
    if (!Double.isFinite(v)) {
      throw new ToolOutputException("nvbandwidth " + test + ": matrix value out of range");
    }
    return v;
  }

  private static void checkShape(String test, List<List<Double>> matrix)
      throws ToolOutputException {
    for (List<Double> row : matrix) {
      if (row.size() != matrix.get(0).size() || row.isEmpty()) {
        throw new ToolOutputException("nvbandwidth " + test + ": matrix rows differ in length");
      }
    }
  }
}
