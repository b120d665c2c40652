/**
 * Packet capture in the pcapng format (IETF draft-ietf-opsawg-pcapng).
 *
 * <p>{@link io.jnetstack.capture.PcapNgWriter} writes deterministic, little-endian pcapng files
 * with nanosecond timestamps that Wireshark and tshark read; {@link
 * io.jnetstack.capture.PcapNgReader} is a small strict reader used to check such files.
 */
package io.jnetstack.capture;
