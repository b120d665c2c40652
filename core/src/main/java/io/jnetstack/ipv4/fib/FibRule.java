package io.jnetstack.ipv4.fib;

import io.jnetstack.core.Errno;
import io.jnetstack.core.ErrnoException;

import java.nio.charset.StandardCharsets;

/**
 * One policy routing rule, as {@code ip rule add} configures it: selectors that a flow must
 * match (all of them, or with {@code not} none of them) and an action. Mirrors
 * {@code struct fib_rule} with {@code struct fib4_rule}. Immutable; built with
 * {@link #builder()}.
 *
 * @param priority             the preference ({@code pref}); rules are tried lowest first; -1
 *                             when not given (a default is chosen on add, any matches on delete)
 * @param invert               {@code not}: the rule applies to flows that do not match
 * @param src                  source prefix ({@code from})
 * @param srcLen               source prefix length; 0 is {@code from all}
 * @param dst                  destination prefix ({@code to})
 * @param dstLen               destination prefix length; 0 for any
 * @param tos                  TOS (DSCP bits) to match, 0 for any
 * @param fwmark               firewall mark to match under {@code fwmask}
 * @param fwmask               mask of the mark; 0 when the mark is not a selector
 * @param iif                  input interface name ({@code iif}), or null; output lookups come
 *                             from {@code lo}
 * @param oif                  output interface name ({@code oif}), or null
 * @param ipProto              IP protocol ({@code ipproto}), 0 for any
 * @param action               what to do; null only in a delete pattern
 * @param table                the table for {@link RuleAction#TO_TBL}; 0 only in a delete pattern
 * @param gotoTarget           the target priority for {@link RuleAction#GOTO}
 * @param suppressPrefixLength {@code suppress_prefixlength}: a table answer with a prefix this
 *                             long or shorter is ignored; -1 for none
 */
public record FibRule(int priority, boolean invert, int src, int srcLen, int dst, int dstLen, int tos, int fwmark, int fwmask,
                      String iif, String oif, int ipProto, RuleAction action, int table, int gotoTarget,
                      int suppressPrefixLength) {

    /**
     * A rule; prefer {@link #builder()}.
     *
     * @throws ErrnoException EINVAL for a bad prefix, TOS, protocol, priority or suppress length
     */
    public FibRule {
        Builder.checkPrefix(src, srcLen);
        Builder.checkPrefix(dst, dstLen);
        if (priority < -1 || (tos & ~Route.TOS_MASK) != 0 || ipProto < 0 || ipProto > 255 || suppressPrefixLength < -1
                || suppressPrefixLength > 32 || (fwmark & ~fwmask) != 0) {
            throw new ErrnoException(Errno.EINVAL, "bad rule: priority >= 0, tos without ECN bits, ipproto 0..255,"
                    + " suppress_prefixlength -1..32, fwmark within its mask");
        }
    }

    /** A builder for {@code from all lookup main}. */
    public static Builder builder() {
        return new Builder();
    }

    /** This rule at another priority. */
    public FibRule withPriority(int p) {
        return new FibRule(p, invert, src, srcLen, dst, dstLen, tos, fwmark, fwmask, iif, oif, ipProto, action, table,
                gotoTarget, suppressPrefixLength);
    }

    /** True when this rule, taken as a delete pattern, selects {@code r}. Mirrors {@code rule_find()}. */
    boolean selects(FibRule r) {
        return (priority < 0 || r.priority == priority)
                && (action == null || r.action == action)
                && (table == 0 || r.table == table)
                && (srcLen == 0 || (r.srcLen == srcLen && r.src == src))
                && (dstLen == 0 || (r.dstLen == dstLen && r.dst == dst))
                && (tos == 0 || r.tos == tos)
                && (fwmask == 0 || (r.fwmark == fwmark && r.fwmask == fwmask))
                && (iif == null || iif.equals(r.iif))
                && (oif == null || oif.equals(r.oif))
                && (ipProto == 0 || r.ipProto == ipProto)
                && (!invert || r.invert)
                && (gotoTarget == 0 || r.gotoTarget == gotoTarget)
                && (suppressPrefixLength < 0 || r.suppressPrefixLength == suppressPrefixLength);
    }

    /**
     * The rule as {@code ip rule show} prints it ({@code "0:\tfrom all lookup local"}).
     * {@code iifDetached}, {@code oifDetached} and {@code gotoUnresolved} add iproute2's
     * {@code [detached]} and {@code [unresolved]} marks.
     */
    String format(boolean iifDetached, boolean oifDetached, boolean gotoUnresolved) {
        StringBuilder sb = new StringBuilder();
        sb.append(Integer.toUnsignedString(priority)).append(":\t");
        if (invert) {
            sb.append("not ");
        }
        sb.append("from ").append(Prefixes.selector(src, srcLen));
        if (dstLen != 0) {
            sb.append(" to ").append(Prefixes.selector(dst, dstLen));
        }
        if (tos != 0) {
            sb.append(" tos ").append(Prefixes.tos(tos));
        }
        if (fwmark != 0 || fwmask != 0) {
            sb.append(" fwmark 0x").append(Integer.toHexString(fwmark));
            if (fwmask != -1) {
                sb.append("/0x").append(Integer.toHexString(fwmask));
            }
        }
        if (iif != null) {
            sb.append(" iif ").append(iif).append(iifDetached ? " [detached]" : "");
        }
        if (oif != null) {
            sb.append(" oif ").append(oif).append(oifDetached ? " [detached]" : "");
        }
        if (ipProto != 0) {
            sb.append(" ipproto ").append(protoName(ipProto));
        }
        switch (action) {
            case TO_TBL -> sb.append(" lookup ").append(FibTable.tableName(table));
            case GOTO -> sb.append(" goto ").append(Integer.toUnsignedString(gotoTarget)).append(gotoUnresolved ? " [unresolved]" : "");
            default -> sb.append(' ').append(action.linuxName());
        }
        if (suppressPrefixLength >= 0) {
            sb.append(" suppress_prefixlength ").append(suppressPrefixLength);
        }
        return sb.toString();
    }

    private static String protoName(int p) {
        return switch (p) {
            case 1 -> "icmp";
            case 6 -> "tcp";
            case 17 -> "udp";
            default -> Integer.toString(p);
        };
    }

    @Override
    public String toString() {
        return action == null ? "FibRule[pattern]" : format(false, false, false);
    }

    /** Collects a rule's settings, as the arguments of {@code ip rule add}. */
    public static final class Builder {
        private int priority = -1;
        private boolean invert;
        private int src;
        private int srcLen;
        private int dst;
        private int dstLen;
        private int tos;
        private int fwmark;
        private int fwmask;
        private String iif;
        private String oif;
        private int ipProto;
        private RuleAction action;
        private int table;
        private int gotoTarget;
        private int suppress = -1;

        private Builder() {
        }

        /** {@code pref N}. */
        public Builder priority(int p) {
            if (p < 0) {
                throw new ErrnoException(Errno.EINVAL, "rule priority " + p + " must be >= 0");
            }
            this.priority = p;
            return this;
        }

        /** {@code not}: apply to flows that do not match the selectors. */
        public Builder not() {
            this.invert = true;
            return this;
        }

        /** {@code from PREFIX/LEN}. */
        public Builder from(int prefix, int len) {
            checkPrefix(prefix, len);
            this.src = prefix;
            this.srcLen = len;
            return this;
        }

        /** {@code to PREFIX/LEN}. */
        public Builder to(int prefix, int len) {
            checkPrefix(prefix, len);
            this.dst = prefix;
            this.dstLen = len;
            return this;
        }

        /** {@code tos TOS}. */
        public Builder tos(int t) {
            if ((t & ~Route.TOS_MASK) != 0) {
                throw new ErrnoException(Errno.EINVAL, "invalid tos " + Prefixes.tos(t) + ": the ECN bits must be clear");
            }
            this.tos = t;
            return this;
        }

        /** {@code fwmark MARK} (all 32 bits compared). */
        public Builder fwmark(int mark) {
            return fwmark(mark, -1);
        }

        /** {@code fwmark MARK/MASK}. */
        public Builder fwmark(int mark, int mask) {
            if ((mark & ~mask) != 0) {
                throw new ErrnoException(Errno.EINVAL, "fwmark 0x" + Integer.toHexString(mark) + " has bits outside mask 0x"
                        + Integer.toHexString(mask));
            }
            this.fwmark = mark;
            this.fwmask = mask;
            return this;
        }

        /** {@code iif NAME}; {@code lo} selects locally generated traffic. */
        public Builder iif(String name) {
            this.iif = checkName(name);
            return this;
        }

        /** {@code oif NAME}. */
        public Builder oif(String name) {
            this.oif = checkName(name);
            return this;
        }

        /** {@code ipproto N}. */
        public Builder ipProto(int p) {
            if (p < 0 || p > 255) {
                throw new ErrnoException(Errno.EINVAL, "ipproto " + p + " is outside 0..255");
            }
            this.ipProto = p;
            return this;
        }

        /** {@code lookup TABLE}. */
        public Builder lookup(int tableId) {
            if (tableId == 0) {
                throw new ErrnoException(Errno.EINVAL, "rule table 0 (unspec) is not a table");
            }
            this.action = RuleAction.TO_TBL;
            this.table = tableId;
            return this;
        }

        /** {@code goto PRIO}. */
        public Builder gotoPriority(int target) {
            this.action = RuleAction.GOTO;
            this.gotoTarget = target;
            return this;
        }

        /** {@code blackhole}, {@code unreachable}, {@code prohibit} or {@code nop}; use {@link #lookup} and {@link #gotoPriority} for the others. */
        public Builder action(RuleAction a) {
            if (a == RuleAction.TO_TBL || a == RuleAction.GOTO) {
                throw new ErrnoException(Errno.EINVAL, "use lookup(table) or gotoPriority(target) for " + a.linuxName());
            }
            this.action = a;
            return this;
        }

        /** {@code suppress_prefixlength N}: ignore table answers with a prefix of length N or less. */
        public Builder suppressPrefixLength(int n) {
            if (n < -1 || n > 32) {
                throw new ErrnoException(Errno.EINVAL, "suppress_prefixlength " + n + " is outside 0..32");
            }
            this.suppress = n;
            return this;
        }

        /**
         * The rule; without an action it looks up the main table, as {@code ip rule add} does.
         *
         * @throws ErrnoException EINVAL for a goto that does not go forward
         */
        public FibRule build() {
            RuleAction a = action == null ? RuleAction.TO_TBL : action;
            int t = a == RuleAction.TO_TBL ? (table == 0 ? FibTable.MAIN : table) : 0;
            if (a == RuleAction.GOTO && (gotoTarget <= 0 || (priority >= 0 && Integer.compareUnsigned(gotoTarget, priority) <= 0))) {
                throw new ErrnoException(Errno.EINVAL, "goto " + gotoTarget + " must jump forward, past priority " + priority);
            }
            return new FibRule(priority, invert, src, srcLen, dst, dstLen, tos, fwmark, fwmask, iif, oif, ipProto, a, t,
                    a == RuleAction.GOTO ? gotoTarget : 0, suppress);
        }

        /** A pattern for {@code ip rule del}: what was set must match, what was not matches anything. */
        public FibRule match() {
            return new FibRule(priority, invert, src, srcLen, dst, dstLen, tos, fwmark, fwmask, iif, oif, ipProto, action, table,
                    gotoTarget, suppress);
        }

        private static void checkPrefix(int prefix, int len) {
            if (len < 0 || len > 32 || (prefix & ~Prefixes.mask(len)) != 0) {
                throw new ErrnoException(Errno.EINVAL, "invalid prefix " + Prefixes.format(prefix, len));
            }
        }

        private static String checkName(String name) {
            if (name == null || name.isEmpty() || name.getBytes(StandardCharsets.UTF_8).length > 15) {
                throw new ErrnoException(Errno.EINVAL, "bad interface name \"" + name + "\": 1 to 15 bytes");
            }
            return name;
        }
    }
}
