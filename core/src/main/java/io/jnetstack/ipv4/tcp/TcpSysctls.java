package io.jnetstack.ipv4.tcp;

import io.jnetstack.core.Sysctls;

/**
 * The {@code net.ipv4.tcp_*} sysctls with Linux's defaults. Some are accepted for the
 * packetdrill preset and for scripts but act only when the feature exists (the issue that
 * brings it names them): tcp_ecn, tcp_tso_win_divisor, tcp_fastopen,
 * tcp_fastopen_key, tcp_notsent_lowat, tcp_fack (gone from Linux too). tcp_congestion_control
 * (default cubic) names one of the namespace's congestion controls. Loss recovery reads tcp_sack,
 * tcp_dsack, tcp_recovery (bit 0: RACK, 2: static reordering window, 4: no DUPACK threshold),
 * tcp_early_retrans (3 or 4: TLP), tcp_frto, tcp_reordering and tcp_max_reordering.
 */
final class TcpSysctls {
    final Sysctls.Entry synRetries;
    final Sysctls.Entry synLinearTimeouts;
    final Sysctls.Entry synackRetries;
    final Sysctls.Entry retries1;
    final Sysctls.Entry retries2;
    final Sysctls.Entry orphanRetries;
    final Sysctls.Entry finTimeout;
    final Sysctls.Entry keepaliveTime;
    final Sysctls.Entry keepaliveIntvl;
    final Sysctls.Entry keepaliveProbes;
    final Sysctls.Entry syncookies;
    final Sysctls.Entry maxSynBacklog;
    final Sysctls.Entry timestamps;
    final Sysctls.Entry windowScaling;
    final Sysctls.Entry sack;
    final Sysctls.Entry rmem;
    final Sysctls.Entry wmem;
    final Sysctls.Entry mem;
    final Sysctls.Entry maxOrphans;
    final Sysctls.Entry abortOnOverflow;
    final Sysctls.Entry rfc1337;
    final Sysctls.Entry twReuse;
    final Sysctls.Entry challengeAckLimit;
    final Sysctls.Entry invalidRatelimit;
    final Sysctls.Entry baseMss;
    final Sysctls.Entry minSndMss;
    final Sysctls.Entry reordering;
    final Sysctls.Entry slowStartAfterIdle;
    final Sysctls.Entry somaxconn;
    final Sysctls.Entry maxTwBuckets;
    final Sysctls.Entry moderateRcvbuf;
    final Sysctls.Entry advWinScale;
    final Sysctls.Entry noMetricsSave;
    /** 1: the urgent pointer names the last urgent byte (RFC 1122), 0: one past it (BSD, Linux's default). */
    final Sysctls.Entry stdurg;
    /** Reno until the CUBIC work lands ("cubic" is accepted and for now behaves as Reno). */
    final Sysctls.Entry congestionControl;
    final Sysctls.Entry dsack;
    final Sysctls.Entry recovery;
    final Sysctls.Entry tsoWinDivisor;
    final Sysctls.Entry earlyRetrans;
    final Sysctls.Entry frto;
    final Sysctls.Entry maxReordering;
    final Sysctls.Entry minRttWlen;
    /** Pacing rate: percent of cwnd·mss/srtt in slow start (below ssthresh/2) and after. */
    final Sysctls.Entry pacingSsRatio;
    final Sysctls.Entry pacingCaRatio;
    /** The fewest segments a TSO packet is sized to ({@code tcp_tso_autosize()}). */
    final Sysctls.Entry minTsoSegs;
    /** log2 of the µs of min RTT that halve TSO's RTT-based allowance ({@code tcp_tso_autosize()}). */
    final Sysctls.Entry tsoRttLog;

    TcpSysctls(Sysctls s, io.jnetstack.ipv4.tcp.cong.CongestionControls cc) {
        synRetries = s.register("net.ipv4.tcp_syn_retries", 1, 127, 6);
        synLinearTimeouts = s.register("net.ipv4.tcp_syn_linear_timeouts", 0, 127, 4);
        synackRetries = s.register("net.ipv4.tcp_synack_retries", 0, 255, 5);
        retries1 = s.register("net.ipv4.tcp_retries1", 0, 255, 3);
        retries2 = s.register("net.ipv4.tcp_retries2", 0, 255, 15);
        orphanRetries = s.register("net.ipv4.tcp_orphan_retries", 0, 255, 0);
        finTimeout = s.register("net.ipv4.tcp_fin_timeout", 0, Integer.MAX_VALUE, 60);
        keepaliveTime = s.register("net.ipv4.tcp_keepalive_time", 1, Integer.MAX_VALUE, 7200);
        keepaliveIntvl = s.register("net.ipv4.tcp_keepalive_intvl", 1, Integer.MAX_VALUE, 75);
        keepaliveProbes = s.register("net.ipv4.tcp_keepalive_probes", 1, 127, 9);
        syncookies = s.register("net.ipv4.tcp_syncookies", 0, 2, 1);
        maxSynBacklog = s.register("net.ipv4.tcp_max_syn_backlog", 1, Integer.MAX_VALUE, 256);
        timestamps = s.register("net.ipv4.tcp_timestamps", 0, 2, 1);
        windowScaling = s.register("net.ipv4.tcp_window_scaling", 0, 1, 1);
        sack = s.register("net.ipv4.tcp_sack", 0, 1, 1);
        rmem = s.register("net.ipv4.tcp_rmem", 1, Integer.MAX_VALUE, 4096, 131072, 6291456);
        wmem = s.register("net.ipv4.tcp_wmem", 1, Integer.MAX_VALUE, 4096, 16384, 4194304);
        mem = s.register("net.ipv4.tcp_mem", 1, Long.MAX_VALUE / 2, 190000, 253000, 380000);
        maxOrphans = s.register("net.ipv4.tcp_max_orphans", 0, Integer.MAX_VALUE, 65536);
        abortOnOverflow = s.register("net.ipv4.tcp_abort_on_overflow", 0, 1, 0);
        rfc1337 = s.register("net.ipv4.tcp_rfc1337", 0, 1, 0);
        twReuse = s.register("net.ipv4.tcp_tw_reuse", 0, 2, 2);
        challengeAckLimit = s.register("net.ipv4.tcp_challenge_ack_limit", 0, Integer.MAX_VALUE, Integer.MAX_VALUE);
        invalidRatelimit = s.register("net.ipv4.tcp_invalid_ratelimit", 0, Integer.MAX_VALUE, 500);
        baseMss = s.register("net.ipv4.tcp_base_mss", 48, 65535, 1024);
        minSndMss = s.register("net.ipv4.tcp_min_snd_mss", 48, 65535, 48);
        reordering = s.register("net.ipv4.tcp_reordering", 1, 65535, 3);
        slowStartAfterIdle = s.register("net.ipv4.tcp_slow_start_after_idle", 0, 1, 1);
        somaxconn = s.register("net.core.somaxconn", 0, 65535, 4096);
        maxTwBuckets = s.register("net.ipv4.tcp_max_tw_buckets", 0, Integer.MAX_VALUE, 262144);
        moderateRcvbuf = s.register("net.ipv4.tcp_moderate_rcvbuf", 0, 1, 1);
        advWinScale = s.register("net.ipv4.tcp_adv_win_scale", -31, 31, 1);
        noMetricsSave = s.register("net.ipv4.tcp_no_metrics_save", 0, 1, 0);
        congestionControl = s.registerText("net.ipv4.tcp_congestion_control", io.jnetstack.ipv4.tcp.cong.CongestionControls.DEFAULT,
                cc::contains);
        s.registerText("net.ipv4.tcp_available_congestion_control", cc.available(), v -> false);
        s.registerText("net.ipv4.tcp_fastopen_key", "00000000-00000000-00000000-00000000",
                v -> v.matches("[0-9a-fA-F]{8}-[0-9a-fA-F]{8}-[0-9a-fA-F]{8}-[0-9a-fA-F]{8}(,.*)?"));
        // Accepted now, acting when the feature lands (see the class comment).
        s.register("net.ipv4.tcp_ecn", 0, 2, 2);
        s.register("net.ipv4.tcp_ecn_option", 0, 2, 2);
        s.register("net.ipv4.tcp_ecn_fallback", 0, 1, 1);
        frto = s.register("net.ipv4.tcp_frto", 0, 2, 2);
        recovery = s.register("net.ipv4.tcp_recovery", 0, 7, 1);
        earlyRetrans = s.register("net.ipv4.tcp_early_retrans", 0, 4, 3);
        s.register("net.ipv4.tcp_fack", 0, 1, 0);
        dsack = s.register("net.ipv4.tcp_dsack", 0, 1, 1);
        maxReordering = s.register("net.ipv4.tcp_max_reordering", 1, 65535, 300);
        tsoWinDivisor = s.register("net.ipv4.tcp_tso_win_divisor", 1, 255, 3);
        pacingSsRatio = s.register("net.ipv4.tcp_pacing_ss_ratio", 0, 1000, 200);
        pacingCaRatio = s.register("net.ipv4.tcp_pacing_ca_ratio", 0, 1000, 120);
        s.register("net.ipv4.tcp_notsent_lowat", 0, 0xFFFFFFFFL, 0xFFFFFFFFL);
        s.register("net.ipv4.tcp_fastopen", 0, Integer.MAX_VALUE, 1);
        s.register("net.ipv4.tcp_autocorking", 0, 1, 1);
        s.register("net.ipv4.tcp_mtu_probing", 0, 2, 0);
        s.register("net.ipv4.tcp_thin_linear_timeouts", 0, 1, 0);
        minTsoSegs = s.register("net.ipv4.tcp_min_tso_segs", 1, 255, 2);
        tsoRttLog = s.register("net.ipv4.tcp_tso_rtt_log", 0, 255, 9);
        s.register("net.ipv4.tcp_limit_output_bytes", 0, Integer.MAX_VALUE, 1048576);
        s.register("net.ipv4.tcp_workaround_signed_windows", 0, 1, 0);
        minRttWlen = s.register("net.ipv4.tcp_min_rtt_wlen", 0, 86400, 300);
        s.register("net.ipv4.tcp_retrans_collapse", 0, 1, 1);
        stdurg = s.register("net.ipv4.tcp_stdurg", 0, 1, 0);
        s.register("net.ipv4.tcp_comp_sack_delay_ns", 0, Integer.MAX_VALUE, 1000000);
        s.register("net.ipv4.tcp_comp_sack_nr", 0, 255, 44);
        s.register("net.ipv4.tcp_shrink_window", 0, 1, 0);
    }
}
