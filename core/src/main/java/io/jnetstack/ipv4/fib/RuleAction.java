package io.jnetstack.ipv4.fib;

import io.jnetstack.core.Errno;

/**
 * What a policy rule does when it matches: {@code FR_ACT_*} of {@code <linux/fib_rules.h>}.
 * The three reject actions end the lookup with their error, as {@code fib4_rule_action()}.
 */
public enum RuleAction {
    /** FR_ACT_TO_TBL: look the flow up in the rule's table ({@code lookup TABLE}). */
    TO_TBL(1, "lookup", null),
    /** FR_ACT_GOTO: continue at the rule with the target priority ({@code goto PRIO}). */
    GOTO(2, "goto", null),
    /** FR_ACT_NOP: do nothing and continue ({@code nop}). */
    NOP(3, "nop", null),
    /** FR_ACT_BLACKHOLE: drop silently; the lookup fails with EINVAL. */
    BLACKHOLE(6, "blackhole", Errno.EINVAL),
    /** FR_ACT_UNREACHABLE: the lookup fails with ENETUNREACH. */
    UNREACHABLE(7, "unreachable", Errno.ENETUNREACH),
    /** FR_ACT_PROHIBIT: the lookup fails with EACCES. */
    PROHIBIT(8, "prohibit", Errno.EACCES);

    private final int code;
    private final String linuxName;
    private final Errno error;

    RuleAction(int code, String linuxName, Errno error) {
        this.code = code;
        this.linuxName = linuxName;
        this.error = error;
    }

    /** The numeric {@code FR_ACT_*} value. */
    public int code() {
        return code;
    }

    /** The word {@code ip rule} prints. */
    public String linuxName() {
        return linuxName;
    }

    /** The error a reject action yields, or null. */
    public Errno error() {
        return error;
    }
}
