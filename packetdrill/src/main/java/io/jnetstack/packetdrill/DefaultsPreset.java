package io.jnetstack.packetdrill;

import io.jnetstack.core.Net;

import java.util.ArrayList;
import java.util.List;

/**
 * The corpus's {@code common/defaults.sh} as a preset of the stack's sysctls: the values that file
 * sets, by Linux name, applied to a fresh namespace when a script runs it. The file's other
 * commands need nothing here: {@code ip tcp_metrics flush all} (a fresh stack has no metrics)
 * and {@code tc qdisc add dev tun0 root pfifo} (the runner's device has no queue at all, which
 * like pfifo never delays a packet).
 *
 * <p>A setting the stack does not have makes the script UNSUPPORTED, naming every missing one,
 * unless it is marked optional below because Linux itself may lack it.
 */
final class DefaultsPreset {

    /**
     * One setting.
     *
     * @param name     the sysctl
     * @param value    its value as {@code sysctl -w} takes it
     * @param optional why it may be absent, or null when the stack must have it
     */
    record Setting(String name, String value, String optional) { }

    /** The settings, in the file's order. */
    static final List<Setting> SETTINGS = List.of(
            required("net.ipv4.tcp_rmem", "4096 540000 15728640"),
            required("net.ipv4.tcp_wmem", "4096 262144 4194304"),
            required("net.ipv4.tcp_timestamps", "1"),
            required("net.ipv4.tcp_syn_retries", "5"),
            required("net.ipv4.tcp_synack_retries", "5"),
            required("net.ipv4.tcp_frto", "2"),
            required("net.ipv4.tcp_sack", "1"),
            required("net.ipv4.tcp_dsack", "1"),
            new Setting("net.ipv4.tcp_fack", "0", "removed from Linux in 4.15 (FACK gave way to RACK)"),
            required("net.ipv4.tcp_reordering", "3"),
            required("net.ipv4.tcp_congestion_control", "cubic"),
            required("net.ipv4.tcp_slow_start_after_idle", "0"),
            required("net.ipv4.tcp_early_retrans", "4"),
            required("net.ipv4.tcp_recovery", "1"),
            required("net.ipv4.tcp_tso_win_divisor", "3"),
            required("net.ipv4.tcp_ecn", "0"),
            new Setting("net.ipv4.tcp_ecn_option", "2", "only in kernels with Accurate ECN (Linux 6.18)"),
            required("net.ipv4.tcp_pacing_ss_ratio", "200"),
            required("net.ipv4.tcp_pacing_ca_ratio", "120"),
            required("net.ipv4.tcp_notsent_lowat", "4294967295"),
            required("net.ipv4.tcp_fastopen", "459779"),
            required("net.ipv4.tcp_fastopen_key", "a1a1a1a1-b2b2b2b2-c3c3c3c3-d4d4d4d4"),
            required("net.ipv4.tcp_syncookies", "1"));

    private DefaultsPreset() {
    }

    private static Setting required(String name, String value) {
        return new Setting(name, value, null);
    }

    /**
     * Applies the preset.
     *
     * @param net     the namespace
     * @param line    the script line that ran defaults.sh
     * @param lenient whether to skip required settings the stack lacks instead of failing
     * @throws UnsupportedConstruct naming every required setting the stack lacks or rejects
     */
    static void apply(Net net, int line, boolean lenient) {
        List<String> missing = new ArrayList<>();
        for (Setting s : SETTINGS) {
            try {
                SysctlWriter.set(net, s.name(), s.value(), line);
            } catch (UnsupportedConstruct e) {
                if (s.optional() == null) {
                    missing.add(s.name().replaceFirst("^net\\.ipv4\\.", ""));
                }
            }
        }
        if (!missing.isEmpty() && !lenient) {
            throw new UnsupportedConstruct(line, "sysctl net.ipv4.{" + String.join(",", missing)
                    + "} (defaults.sh preset: not in the stack, or the value rejected)");
        }
    }
}
