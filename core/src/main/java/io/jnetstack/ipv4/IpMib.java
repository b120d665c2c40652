package io.jnetstack.ipv4;

/** The "Ip:" counters of {@code /proc/net/snmp}, in Linux's order (RFC 4293 ipSystemStats). */
public enum IpMib {
    Forwarding, DefaultTTL, InReceives, InHdrErrors, InAddrErrors, ForwDatagrams, InUnknownProtos,
    InDiscards, InDelivers, OutRequests, OutDiscards, OutNoRoutes, ReasmTimeout, ReasmReqds, ReasmOKs,
    ReasmFails, FragOKs, FragFails, FragCreates, OutTransmits
}
