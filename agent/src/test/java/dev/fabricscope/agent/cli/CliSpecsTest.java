package dev.fabricscope.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.annotation.Annotation;
import java.lang.reflect.AnnotatedElement;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The commands built with {@link CliSpecs} carry no picocli annotation: picocli never reads their
 * class ({@code wrapWithoutInspection}), so an {@code @Option} added there would be ignored without
 * a word, and reading one would cost the cold start what {@link CliSpecs} saves.
 */
class CliSpecsTest {

  static final List<Class<?>> BUILT =
      List.of(AgentCommand.class, TopoCommand.class, ExplainCommand.class, PlanCommand.class);

  @Test
  void builtCommandsCarryNoPicocliAnnotation() {
    for (Class<?> c : BUILT) {
      List<AnnotatedElement> parts = new ArrayList<>(List.of(c));
      parts.addAll(List.of(c.getDeclaredFields()));
      parts.addAll(List.of(c.getDeclaredMethods()));
      parts.addAll(List.of(c.getDeclaredConstructors()));
      for (AnnotatedElement e : parts) {
        for (Annotation a : e.getDeclaredAnnotations()) {
          assertTrue(
              !a.annotationType().getName().startsWith("picocli."), c.getSimpleName() + " " + e);
        }
      }
    }
  }

  /** Every option of the built commands is in the tree, and its value reaches the command. */
  @Test
  void builtOptionsAreParsedIntoTheSpec() {
    PrintStream sink = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    var root = Cli.commandLine(sink, sink, () -> null);
    var plan = root.getSubcommands().get("plan");
    root.parseArgs(
        "plan",
        "--input",
        "h.xml",
        "--pattern",
        "gpu-to-host",
        "--format",
        "json",
        "--inter-socket-gbps",
        "12.5",
        "--memory-gbps",
        "30");
    var spec = plan.getCommandSpec();
    assertEquals("h.xml", CliSpecs.inputGiven(spec));
    assertEquals("gpu-to-host", CliSpecs.value(spec, "--pattern"));
    assertEquals("json", CliSpecs.value(spec, "--format"));
    assertEquals(12.5, (Double) CliSpecs.value(spec, "--inter-socket-gbps"));
    assertEquals(30.0, (Double) CliSpecs.value(spec, "--memory-gbps"));
    var explain = root.getSubcommands().get("explain");
    root.parseArgs("explain", "GPU0", "--input", "-", "mlx5_0");
    assertEquals("-", CliSpecs.inputGiven(explain.getCommandSpec()));
    assertEquals(
        List.of("GPU0", "mlx5_0"),
        explain.getCommandSpec().positionalParameters().get(0).getValue());
    assertEquals(
        List.of("--input", "--format", "--help"),
        Stream.of("--input", "--format", "--help")
            .filter(o -> root.getSubcommands().get("topo").getCommandSpec().findOption(o) != null)
            .toList());
  }
}
