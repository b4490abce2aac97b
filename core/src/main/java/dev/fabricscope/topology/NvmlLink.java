package dev.fabricscope.topology;

/**
 * One NVLink of a GPU as the driver reports it ({@code nvmlDeviceGetNvLink*}).
 *
 * @param link the link index on the GPU (0–17 on Hopper)
 * @param active whether the link is up ({@code NVML_FEATURE_ENABLED})
 * @param version NVLink version (4 on Hopper), null when unknown
 * @param remoteBusId the PCI function at the other end, as a BDF, null when unknown
 * @param remoteType {@code gpu}, {@code ibmnpu}, {@code nvswitch} or {@code unknown}
 */
public record NvmlLink(
    int link, boolean active, Integer version, String remoteBusId, String remoteType) {}
