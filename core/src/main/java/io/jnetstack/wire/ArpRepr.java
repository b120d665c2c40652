package io.jnetstack.wire;

import java.util.Objects;

/**
 * Value form of an ARP packet for IPv4 over Ethernet (RFC 826).
 *
 * @param operation the operation, 16 bits, such as {@link Arp#OP_REQUEST}
 * @param sha sender hardware address
 * @param spa sender protocol address, as in {@link Ipv4Address}
 * @param tha target hardware address; {@link MacAddress#ZERO} in a request
 * @param tpa target protocol address
 */
public record ArpRepr(int operation, MacAddress sha, int spa, MacAddress tha, int tpa) {

    /**
     * Validates the operation.
     *
     * @throws IllegalArgumentException if the operation is not 16 bits
     * @throws NullPointerException if an address is null
     */
    public ArpRepr {
        if (sha == null || tha == null) {
            throw new NullPointerException("hardware address");
        }
        if ((operation & ~0xFFFF) != 0) {
            throw new IllegalArgumentException("ARP operation wider than 16 bits: " + operation);
        }
    }

    /**
     * A request: who has {@code tpa}? Tell {@code spa} at {@code sha}.
     *
     * @param sha sender hardware address
     * @param spa sender protocol address (0 for an RFC 5227 probe)
     * @param tpa the address to resolve
     * @return the request, with a zero target hardware address
     */
    public static ArpRepr request(MacAddress sha, int spa, int tpa) {
        return new ArpRepr(Arp.OP_REQUEST, sha, spa, MacAddress.ZERO, tpa);
    }

    /**
     * A reply: {@code spa} is at {@code sha}, sent to the requester {@code tha}/{@code tpa}.
     *
     * @param sha sender hardware address, the answer
     * @param spa sender protocol address, the address that was asked for
     * @param tha the requester's hardware address
     * @param tpa the requester's protocol address
     * @return the reply
     */
    public static ArpRepr reply(MacAddress sha, int spa, MacAddress tha, int tpa) {
        return new ArpRepr(Arp.OP_REPLY, sha, spa, tha, tpa);
    }

    /**
     * Parses the packet at {@code buf[off..off+len)} after validating it with {@link Arp#check}.
     *
     * @param buf the buffer
     * @param off index of the packet's first byte
     * @param len bytes available from {@code off}
     * @return the packet
     * @throws IllegalArgumentException if the check fails or the packet is not Ethernet/IPv4
     */
    public static ArpRepr parse(byte[] buf, int off, int len) {
        int r = Arp.check(buf, off, len);
        if (r < 0) {
            throw new IllegalArgumentException("bad ARP packet: " + Arp.checkName(r));
        }
        if (!Arp.isEthIpv4(buf, off)) {
            throw new IllegalArgumentException("not an Ethernet/IPv4 ARP packet: htype=" + Arp.htype(buf, off)
                    + " ptype=0x" + Integer.toHexString(Arp.ptype(buf, off))
                    + " hlen=" + Arp.hlen(buf, off) + " plen=" + Arp.plen(buf, off));
        }
        return new ArpRepr(Arp.oper(buf, off), MacAddress.fromLong(Arp.sha(buf, off)), Arp.spa(buf, off),
                MacAddress.fromLong(Arp.tha(buf, off)), Arp.tpa(buf, off));
    }

    /**
     * Whether sender and target protocol addresses are equal, as in a gratuitous ARP or an
     * RFC 5227 announcement.
     *
     * @return true if {@code spa == tpa}
     */
    public boolean isGratuitous() {
        return spa == tpa;
    }

    /**
     * Writes the packet at {@code buf[off..off+28)}.
     *
     * @param buf the buffer
     * @param off index of the packet's first byte
     * @return {@link Arp#ETH_IPV4_LEN}, the number of bytes written
     * @throws IndexOutOfBoundsException if the buffer is too short
     */
    public int emit(byte[] buf, int off) {
        Objects.checkFromIndexSize(off, Arp.ETH_IPV4_LEN, buf.length);
        return Arp.writeEthIpv4(buf, off, operation, sha.bits(), spa, tha.bits(), tpa);
    }

    @Override
    public String toString() {
        return "ArpRepr[" + Arp.opName(operation) + ", sha=" + sha + ", spa=" + Ipv4Address.format(spa)
                + ", tha=" + tha + ", tpa=" + Ipv4Address.format(tpa) + "]";
    }
}
