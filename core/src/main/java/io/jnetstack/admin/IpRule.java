package io.jnetstack.admin;

import io.jnetstack.core.ErrnoException;
import io.jnetstack.core.Net;
import io.jnetstack.ipv4.fib.FibRule;
import io.jnetstack.ipv4.fib.FibRules;
import io.jnetstack.ipv4.fib.RuleAction;

/**
 * {@code ip rule}: lists, adds and deletes policy routing rules. Part of {@link IpTool}.
 */
final class IpRule {
    private final Net net;

    IpRule(Net net) {
        this.net = net;
    }

    String run(Args a) {
        String cmd = a.next();
        if (cmd == null || Args.matches(cmd, "show") || Args.matches(cmd, "list") || cmd.equals("lst")) {
            if (a.more()) {
                throw AdminException.garbage(a.next());
            }
            return net.inet().fib().formatRules();
        }
        FibRules rules = net.inet().fib().rules();
        if (Args.matches(cmd, "add")) {
            FibRule r = parse(a, false);
            try {
                rules.add(r);
            } catch (ErrnoException e) {
                throw AdminException.refused(e);
            }
        } else if (Args.matches(cmd, "delete")) {
            FibRule r = parse(a, true);
            try {
                rules.delete(r);
            } catch (ErrnoException e) {
                throw AdminException.refused(e);
            }
        } else {
            throw IpTool.unknownCommand(cmd, "rule");
        }
        net.inet().routing().flushCache();
        return "";
    }

    /** Parses the selectors and the action; a delete pattern leaves unset fields open. */
    private static FibRule parse(Args a, boolean pattern) {
        FibRule.Builder b = FibRule.builder();
        try {
            while (a.more()) {
                word(a, b, a.next());
            }
            return pattern ? b.match() : b.build();
        } catch (AdminException e) {
            throw e;
        } catch (ErrnoException e) {
            throw AdminException.refused(e);
        }
    }

    /** Applies one keyword (and its value) to the rule being built. */
    private static void word(Args a, FibRule.Builder b, String w) {
        switch (w) {
            case "not" -> b.not();
            case "from" -> {
                int[] p = Args.prefix(a.value("from"));
                b.from(p[0], p[1]);
            }
            case "to" -> {
                int[] p = Args.prefix(a.value("to"));
                b.to(p[0], p[1]);
            }
            case "iif", "dev" -> b.iif(a.value(w));
            case "oif" -> b.oif(a.value("oif"));
            case "fwmark" -> fwmark(b, a.value("fwmark"));
            case "tos", "dsfield" -> b.tos(Args.tos(a.value(w)));
            case "ipproto" -> b.ipProto(ipProto(a.value("ipproto")));
            case "priority", "pref", "preference", "order" -> b.priority((int) Args.u32("preference", a.value(w)));
            case "table", "lookup" -> b.lookup(Args.table(a.value(w)));
            case "goto" -> b.gotoPriority((int) Args.u32("goto", a.value("goto")));
            case "suppress_prefixlength" -> b.suppressPrefixLength(Args.intIn(w, a.value(w), 0, 32));
            case "type" -> word(a, b, a.value("type"));
            case "blackhole" -> b.action(RuleAction.BLACKHOLE);
            case "unreachable" -> b.action(RuleAction.UNREACHABLE);
            case "prohibit" -> b.action(RuleAction.PROHIBIT);
            case "nop" -> b.action(RuleAction.NOP);
            default -> throw AdminException.garbage(w);
        }
    }

    private static void fwmark(FibRule.Builder b, String v) {
        int slash = v.indexOf('/');
        if (slash < 0) {
            b.fwmark((int) Args.u32("fwmark", v));
        } else {
            b.fwmark((int) Args.u32("fwmark", v.substring(0, slash)), (int) Args.u32("fwmask", v.substring(slash + 1)));
        }
    }

    private static int ipProto(String v) {
        return switch (v) {
            case "icmp" -> 1;
            case "tcp" -> 6;
            case "udp" -> 17;
            default -> Args.intIn("ipproto", v, 0, 255);
        };
    }
}
