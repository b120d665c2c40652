package io.jnetstack.ipv4.fib;

/**
 * Who installed a route: the {@code rtm_protocol} of a route, {@code RTPROT_*} of
 * {@code <linux/rtnetlink.h>} and iproute2's {@code rt_protos} names. The FIB stores it and
 * matches it on delete; it never changes forwarding.
 */
public enum RouteProtocol {
    /** RTPROT_UNSPEC: unknown; "any protocol" when deleting. */
    UNSPEC(0, "unspec"),
    /** RTPROT_REDIRECT: installed by an ICMP redirect. */
    REDIRECT(1, "redirect"),
    /** RTPROT_KERNEL: installed by the kernel (interface addresses). */
    KERNEL(2, "kernel"),
    /** RTPROT_BOOT: installed at boot or by {@code ip route add} without {@code proto}. */
    BOOT(3, "boot"),
    /** RTPROT_STATIC: installed by an administrator, meant to stay. */
    STATIC(4, "static"),
    /** RTPROT_RA: from an IPv6 router advertisement. */
    RA(9, "ra"),
    /** RTPROT_ZEBRA: Quagga/FRR zebra. */
    ZEBRA(11, "zebra"),
    /** RTPROT_BIRD: the BIRD routing daemon. */
    BIRD(12, "bird"),
    /** RTPROT_DHCP: a DHCP client. */
    DHCP(16, "dhcp"),
    /** RTPROT_BGP. */
    BGP(186, "bgp"),
    /** RTPROT_ISIS. */
    ISIS(187, "isis"),
    /** RTPROT_OSPF. */
    OSPF(188, "ospf"),
    /** RTPROT_RIP. */
    RIP(189, "rip");

    private final int code;
    private final String linuxName;

    RouteProtocol(int code, String linuxName) {
        this.code = code;
        this.linuxName = linuxName;
    }

    /** The numeric {@code RTPROT_*} value. */
    public int code() {
        return code;
    }

    /** The word {@code ip route} prints after {@code proto}. */
    public String linuxName() {
        return linuxName;
    }
}
