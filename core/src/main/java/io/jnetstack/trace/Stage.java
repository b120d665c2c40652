package io.jnetstack.trace;

/**
 * Trace points: each is named exactly as the Linux function whose role it marks, so a recorded
 * journey reads like the call paths in the kernel (and in the seeds' notes).
 *
 * <p>Constant names are the function names upper-cased, leading underscores kept
 * ({@code __DEV_XMIT_SKB} is {@code __dev_xmit_skb}).
 */
public enum Stage {
    SOCK_SENDMSG("sock_sendmsg"),
    SOCK_RECVMSG("sock_recvmsg"),
    TCP_V4_CONNECT("tcp_v4_connect"),
    IP_ROUTE_CONNECT("ip_route_connect"),
    TCP_CONNECT("tcp_connect"),
    TCP_TRANSMIT_SKB("tcp_transmit_skb"),
    TCP_SENDMSG("tcp_sendmsg"),
    TCP_PUSH("tcp_push"),
    __TCP_PUSH_PENDING_FRAMES("__tcp_push_pending_frames"),
    TCP_PUSH_ONE("tcp_push_one"),
    TCP_WRITE_XMIT("tcp_write_xmit"),
    TCP_V4_SEND_RESET("tcp_v4_send_reset"),
    TCP_V4_SEND_ACK("tcp_v4_send_ack"),
    IP_SEND_UNICAST_REPLY("ip_send_unicast_reply"),
    TCP_V4_RCV("tcp_v4_rcv"),
    __INET_LOOKUP_ESTABLISHED("__inet_lookup_established"),
    __INET_LOOKUP_LISTENER("__inet_lookup_listener"),
    TCP_V4_DO_RCV("tcp_v4_do_rcv"),
    TCP_RCV_ESTABLISHED("tcp_rcv_established"),
    TCP_ACK("tcp_ack"),
    TCP_DATA_SND_CHECK("tcp_data_snd_check"),
    TCP_DATA_QUEUE("tcp_data_queue"),
    TCP_RCV_STATE_PROCESS("tcp_rcv_state_process"),
    TCP_V4_CONN_REQUEST("tcp_v4_conn_request"),
    TCP_V4_SEND_SYNACK("tcp_v4_send_synack"),
    IP_BUILD_AND_SEND_PKT("ip_build_and_send_pkt"),
    TCP_TIMEWAIT_STATE_PROCESS("tcp_timewait_state_process"),
    SK_ADD_BACKLOG("sk_add_backlog"),
    RELEASE_SOCK("release_sock"),
    TCP_RECVMSG("tcp_recvmsg"),
    UDP_SENDMSG("udp_sendmsg"),
    IP_ROUTE_OUTPUT_FLOW("ip_route_output_flow"),
    IP_APPEND_DATA("ip_append_data"),
    UDP_PUSH_PENDING_FRAMES("udp_push_pending_frames"),
    IP_PUSH_PENDING_FRAMES("ip_push_pending_frames"),
    UDP_RCV("udp_rcv"),
    __UDP4_LIB_RCV("__udp4_lib_rcv"),
    __UDP4_LIB_LOOKUP("__udp4_lib_lookup"),
    __UDP4_LIB_MCAST_DELIVER("__udp4_lib_mcast_deliver"),
    UDP_QUEUE_RCV_SKB("udp_queue_rcv_skb"),
    SOCK_QUEUE_RCV_SKB("sock_queue_rcv_skb"),
    UDP_RECVMSG("udp_recvmsg"),
    __SKB_RECV_UDP("__skb_recv_udp"),
    RAW_SENDMSG("raw_sendmsg"),
    RAW_SEND_HDRINC("raw_send_hdrinc"),
    RAW_LOCAL_DELIVER("raw_local_deliver"),
    RAW_RCV("raw_rcv"),
    RAW_RECVMSG("raw_recvmsg"),
    RAW_ICMP_ERROR("raw_icmp_error"),
    PING_V4_SENDMSG("ping_v4_sendmsg"),
    PING_RCV("ping_rcv"),
    PING_ERR("ping_err"),
    PING_RECVMSG("ping_recvmsg"),
    ICMP_SEND("icmp_send"),
    ICMP_PUSH_REPLY("icmp_push_reply"),
    ICMP_RCV("icmp_rcv"),
    ICMP_ECHO("icmp_echo"),
    ICMP_UNREACH("icmp_unreach"),
    ICMP_REDIRECT("icmp_redirect"),
    ICMP_TIMESTAMP("icmp_timestamp"),
    ICMP_DISCARD("icmp_discard"),
    IGMP_RCV("igmp_rcv"),
    IGMP_HEARD_QUERY("igmp_heard_query"),
    IGMP_HEARD_REPORT("igmp_heard_report"),
    IGMP_TIMER_EXPIRE("igmp_timer_expire"),
    IGMP_SEND_REPORT("igmp_send_report"),
    IP_QUEUE_XMIT("ip_queue_xmit"),
    IP_LOCAL_OUT("ip_local_out"),
    __IP_LOCAL_OUT("__ip_local_out"),
    NF_HOOK("nf_hook"),
    DST_OUTPUT("dst_output"),
    IP_OUTPUT("ip_output"),
    IP_MC_OUTPUT("ip_mc_output"),
    IP_FINISH_OUTPUT("ip_finish_output"),
    IP_FRAGMENT("ip_fragment"),
    IP_FINISH_OUTPUT2("ip_finish_output2"),
    IP_ROUTE_OUTPUT_KEY("ip_route_output_key"),
    FIB_LOOKUP("fib_lookup"),
    IP_ROUTE_INPUT("ip_route_input"),
    IP_ROUTE_INPUT_SLOW("ip_route_input_slow"),
    IP_ROUTE_INPUT_MC("ip_route_input_mc"),
    IP_MKROUTE_INPUT("ip_mkroute_input"),
    IP_RCV("ip_rcv"),
    IP_RCV_FINISH("ip_rcv_finish"),
    DST_INPUT("dst_input"),
    IP_LOCAL_DELIVER("ip_local_deliver"),
    IP_DEFRAG("ip_defrag"),
    IP_LOCAL_DELIVER_FINISH("ip_local_deliver_finish"),
    IP_FORWARD("ip_forward"),
    IP_CALL_RA_CHAIN("ip_call_ra_chain"),
    XFRM4_ROUTE_FORWARD("xfrm4_route_forward"),
    IP_DECREASE_TTL("ip_decrease_ttl"),
    IP_FORWARD_FINISH("ip_forward_finish"),
    XFRM4_OUTPUT("xfrm4_output"),
    XFRM_OUTPUT("xfrm_output"),
    XFRM4_RCV("xfrm4_rcv"),
    XFRM_INPUT("xfrm_input"),
    NEIGH_OUTPUT("neigh_output"),
    NEIGH_HH_OUTPUT("neigh_hh_output"),
    NEIGH_RESOLVE_OUTPUT("neigh_resolve_output"),
    NEIGH_EVENT_SEND("neigh_event_send"),
    __NEIGH_EVENT_SEND("__neigh_event_send"),
    NEIGH_PROBE("neigh_probe"),
    ARP_SOLICIT("arp_solicit"),
    ARP_SEND_DST("arp_send_dst"),
    ARP_CREATE("arp_create"),
    ARP_XMIT("arp_xmit"),
    ARP_XMIT_FINISH("arp_xmit_finish"),
    ARP_RCV("arp_rcv"),
    ARP_PROCESS("arp_process"),
    NEIGH_UPDATE("neigh_update"),
    NEIGH_CONNECT("neigh_connect"),
    NEIGH_CONNECTED_OUTPUT("neigh_connected_output"),
    DEV_QUEUE_XMIT("dev_queue_xmit"),
    __DEV_QUEUE_XMIT("__dev_queue_xmit"),
    __DEV_XMIT_SKB("__dev_xmit_skb"),
    QDISC_ENQUEUE("qdisc_enqueue"),
    __QDISC_RUN("__qdisc_run"),
    QDISC_RESTART("qdisc_restart"),
    SCH_DIRECT_XMIT("sch_direct_xmit"),
    DEV_HARD_START_XMIT("dev_hard_start_xmit"),
    XMIT_ONE("xmit_one"),
    DEV_QUEUE_XMIT_NIT("dev_queue_xmit_nit"),
    NETDEV_START_XMIT("netdev_start_xmit"),
    NET_TX_ACTION("net_tx_action"),
    LOOPBACK_XMIT("loopback_xmit"),
    DEV_LOOPBACK_XMIT("dev_loopback_xmit"),
    VETH_XMIT("veth_xmit"),
    TUN_NET_XMIT("tun_net_xmit"),
    TUN_GET_USER("tun_get_user"),
    NETIF_RX("netif_rx"),
    ENQUEUE_TO_BACKLOG("enqueue_to_backlog"),
    NAPI_SCHEDULE("napi_schedule"),
    NET_RX_ACTION("net_rx_action"),
    NAPI_POLL("napi_poll"),
    PROCESS_BACKLOG("process_backlog"),
    VETH_POLL("veth_poll"),
    NAPI_GRO_RECEIVE("napi_gro_receive"),
    INET_GRO_RECEIVE("inet_gro_receive"),
    TCP4_GRO_RECEIVE("tcp4_gro_receive"),
    NAPI_GRO_FLUSH("napi_gro_flush"),
    NAPI_GRO_COMPLETE("napi_gro_complete"),
    VALIDATE_XMIT_SKB("validate_xmit_skb"),
    SKB_GSO_SEGMENT("skb_gso_segment"),
    INET_GSO_SEGMENT("inet_gso_segment"),
    TCP4_GSO_SEGMENT("tcp4_gso_segment"),
    SKB_CHECKSUM_HELP("skb_checksum_help"),
    NETIF_RECEIVE_SKB("netif_receive_skb"),
    __NETIF_RECEIVE_SKB("__netif_receive_skb"),
    __NETIF_RECEIVE_SKB_CORE("__netif_receive_skb_core"),
    DELIVER_SKB("deliver_skb"),
    ETH_TYPE_TRANS("eth_type_trans"),
    KFREE_SKB("kfree_skb");

    private final String linuxName;

    Stage(String linuxName) {
        this.linuxName = linuxName;
    }

    /** The Linux function this stage is named after. */
    public String linuxName() {
        return linuxName;
    }

    /** The stage named {@code linuxName}, or null. */
    public static Stage byLinuxName(String linuxName) {
        for (Stage s : values()) {
            if (s.linuxName.equals(linuxName)) {
                return s;
            }
        }
        return null;
    }

    @Override
    public String toString() {
        return linuxName;
    }
}
