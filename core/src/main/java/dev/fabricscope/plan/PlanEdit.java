package dev.fabricscope.plan;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/**
 * One change of a what-if plan (issue 13): what an operator could do to a real host with a
 * screwdriver, a BIOS setting or a kernel parameter. Edits are applied in order by {@link
 * PlanEditor} to a copy of a host's report; the P2P rules and the planner then read the result as
 * they read a discovered host. In JSON an edit is an object with {@code "op"} naming its kind.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "op")
@JsonSubTypes({
  @JsonSubTypes.Type(value = PlanEdit.Move.class, name = "move"),
  @JsonSubTypes.Type(value = PlanEdit.AddSwitch.class, name = "add-switch"),
  @JsonSubTypes.Type(value = PlanEdit.RemoveSwitch.class, name = "remove-switch"),
  @JsonSubTypes.Type(value = PlanEdit.SetAcs.class, name = "set-acs"),
  @JsonSubTypes.Type(value = PlanEdit.SetIommu.class, name = "set-iommu"),
  @JsonSubTypes.Type(value = PlanEdit.SetLink.class, name = "set-link")
})
public sealed interface PlanEdit {

  /**
   * Moves a device (every function of its bus:device, their VFs and, for a bridge, the whole
   * subtree) into another slot. The device keeps its BDFs so that verdicts and pairings can be
   * compared with the host it came from; in a real machine the bus number would change.
   *
   * @param device BDF of any function of the device
   * @param to an empty root port or switch downstream port; or a switch upstream port: its first
   *     empty downstream port outside the moved device, or a new one when all hold a device
   */
  record Move(String device, String to) implements PlanEdit {}

  /**
   * Puts a PCIe switch into an empty port: an upstream port below {@code under} and {@code ports}
   * downstream ports, all at the given speed and width (both ends of every new link).
   *
   * @param under an empty root port or switch downstream port
   * @param ports downstream ports of the new switch, 1 to 32
   * @param speedGTs per-lane rate in GT/s (2.5 to 64)
   * @param width lanes of every link of the switch (1, 2, 4, 8, 16 or 32)
   */
  record AddSwitch(String under, int ports, double speedGTs, int width) implements PlanEdit {}

  /**
   * Takes a switch out: an empty one disappears; the single device below one takes the switch's
   * place in the port above it. A switch with more than one device below is refused (move them
   * first).
   *
   * @param upstream BDF of the switch's upstream port
   */
  record RemoveSwitch(String upstream) implements PlanEdit {}

  /**
   * Turns ACS P2P redirection on or off at one port (p2p-rules.md §2.4): request and completion
   * redirect set or cleared, egress control cleared. A port without ACS gains the capability.
   *
   * @param port a root port or switch downstream port
   * @param redirect whether peer traffic below the port is sent up to the root complex
   */
  record SetAcs(String port, boolean redirect) implements PlanEdit {}

  /**
   * The IOMMU on or off for the whole host. Linux enables ACS redirection on bridges only when an
   * IOMMU driver asks for it ({@code pci_request_acs()}, p2p-rules.md §2.4, §2.9), so off clears
   * the redirect bits of every port and the functions' IOMMU groups; on sets them on every port
   * that has the ACS capability and gives every function a DMA-FQ group as Linux forms them.
   *
   * @param enabled IOMMU translation on
   */
  record SetIommu(boolean enabled) implements PlanEdit {}

  /**
   * Sets the link between a function and its upstream port to a generation and width, at both ends,
   * current and maximum (a card in another slot, a riser, a BIOS link-speed setting).
   *
   * @param device the function below the link
   * @param speedGTs per-lane rate in GT/s (2.5 to 64)
   * @param width lanes (1, 2, 4, 8, 16 or 32)
   */
  record SetLink(String device, double speedGTs, int width) implements PlanEdit {}
}
