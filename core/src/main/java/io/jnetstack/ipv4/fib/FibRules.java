package io.jnetstack.ipv4.fib;

import io.jnetstack.core.Errno;
import io.jnetstack.core.ErrnoException;
import io.jnetstack.core.NetDevice;

import java.util.ArrayList;
import java.util.List;

/**
 * The policy routing rules of a namespace ({@code ip rule}), tried in priority order. Mirrors
 * {@code struct fib_rules_ops} for IPv4 with {@code fib_nl_newrule()}, {@code fib_nl_delrule()}
 * and {@code fib_rules_lookup()}.
 *
 * <p>A new namespace has Linux's three default rules:
 * <pre>
 * 0:      from all lookup local
 * 32766:  from all lookup main
 * 32767:  from all lookup default
 * </pre>
 *
 * <p>Interface selectors are stored by name and resolved to an ifindex when the rule is added and
 * whenever {@link Fib} hears of a device change, so a rule naming an absent device stays
 * {@code [detached]} and matches nothing. Lookups compare integers only and allocate nothing.
 */
public final class FibRules {
    /** Priority of the default rule looking up the local table. */
    public static final int LOCAL_PRIORITY = 0;
    /** Priority of the default rule looking up the main table. */
    public static final int MAIN_PRIORITY = 32766;
    /** Priority of the default rule looking up the default table. */
    public static final int DEFAULT_PRIORITY = 32767;

    /** A rule with its selectors resolved for the lookup. */
    private static final class Entry {
        final FibRule rule;
        final int srcMask;
        final int dstMask;
        /** True for a rule without selectors ("from all"), which every flow matches. */
        final boolean matchesAll;
        int iifIndex;
        int oifIndex;
        FibTable table;
        int gotoIndex = -1;

        Entry(FibRule rule) {
            this.rule = rule;
            this.srcMask = Prefixes.mask(rule.srcLen());
            this.dstMask = Prefixes.mask(rule.dstLen());
            this.matchesAll = !rule.invert() && rule.srcLen() == 0 && rule.dstLen() == 0 && rule.tos() == 0 && rule.fwmask() == 0
                    && rule.iif() == null && rule.oif() == null && rule.ipProto() == 0;
        }

        /** Mirrors {@code fib_rule_match()} with {@code fib4_rule_match()}. */
        boolean matches(FlowKey k, int iif) {
            if (matchesAll) {
                return true;
            }
            FibRule r = rule;
            boolean m = (iifIndex == 0 || iifIndex == iif)
                    && (oifIndex == 0 || oifIndex == k.oif())
                    && ((r.fwmark() ^ k.mark()) & r.fwmask()) == 0
                    && ((k.src() ^ r.src()) & srcMask) == 0
                    && ((k.dst() ^ r.dst()) & dstMask) == 0
                    && (r.tos() == 0 || r.tos() == (k.tos() & Route.TOS_MASK))
                    && (r.ipProto() == 0 || r.ipProto() == k.proto());
            return m != r.invert();
        }
    }

    private final Fib fib;
    private Entry[] entries = new Entry[0];
    /**
     * When every rule is a plain {@code from all lookup TABLE} (as the three default rules are):
     * the existing tables in rule order, for the short loop of {@link #lookup}; otherwise null.
     */
    private FibTable[] plainTables;
    /** The rules of {@link #plainTables}, index for index. */
    private FibRule[] plainRules;

    FibRules(Fib fib) {
        this.fib = fib;
    }

    /** Installs the three default rules. Mirrors {@code fib_default_rules_init()}. */
    void addDefaults() {
        add(FibRule.builder().priority(LOCAL_PRIORITY).lookup(FibTable.LOCAL).build());
        add(FibRule.builder().priority(MAIN_PRIORITY).lookup(FibTable.MAIN).build());
        add(FibRule.builder().priority(DEFAULT_PRIORITY).lookup(FibTable.DEFAULT).build());
    }

    /**
     * Adds a rule, as {@code ip rule add}. A rule without a priority gets one less than the
     * second rule's (32765 with the default rules), as Linux does. It goes after the rules of
     * equal priority. Mirrors {@code fib_nl_newrule()}.
     *
     * @return the rule as stored (with its priority)
     * @throws ErrnoException EEXIST when an identical rule with the same priority exists;
     *                        EINVAL for a goto that does not jump forward or a delete pattern
     */
    public FibRule add(FibRule rule) {
        if (rule.action() == null || (rule.action() == RuleAction.TO_TBL && rule.table() == 0)) {
            throw new ErrnoException(Errno.EINVAL, "a rule needs an action; build it with build(), not match()");
        }
        FibRule r = rule.priority() >= 0 ? rule : rule.withPriority(defaultPriority());
        if (r.action() == RuleAction.GOTO && Integer.compareUnsigned(r.gotoTarget(), r.priority()) <= 0) {
            throw new ErrnoException(Errno.EINVAL, "backward goto not supported: goto " + r.gotoTarget() + " at priority " + r.priority());
        }
        for (Entry e : entries) {
            if (e.rule.equals(r)) {
                throw new ErrnoException(Errno.EEXIST, "rule exists: " + r);
            }
        }
        int pos = 0;
        while (pos < entries.length && Integer.compareUnsigned(entries[pos].rule.priority(), r.priority()) <= 0) {
            pos++;
        }
        Entry[] grown = new Entry[entries.length + 1];
        System.arraycopy(entries, 0, grown, 0, pos);
        grown[pos] = new Entry(r);
        System.arraycopy(entries, pos, grown, pos + 1, entries.length - pos);
        entries = grown;
        rebind();
        return r;
    }

    /**
     * Deletes the first rule selected by {@code pattern} (built with
     * {@link FibRule.Builder#match()}), as {@code ip rule del}. Mirrors {@code fib_nl_delrule()}.
     *
     * @return the rule deleted
     * @throws ErrnoException ENOENT when no rule matches
     */
    public FibRule delete(FibRule pattern) {
        for (int i = 0; i < entries.length; i++) {
            if (pattern.selects(entries[i].rule)) {
                FibRule r = entries[i].rule;
                Entry[] shrunk = new Entry[entries.length - 1];
                System.arraycopy(entries, 0, shrunk, 0, i);
                System.arraycopy(entries, i + 1, shrunk, i, entries.length - i - 1);
                entries = shrunk;
                rebind();
                return r;
            }
        }
        throw new ErrnoException(Errno.ENOENT, "no such rule: nothing matches the pattern");
    }

    /** The rules in lookup order. */
    public List<FibRule> list() {
        List<FibRule> out = new ArrayList<>(entries.length);
        for (Entry e : entries) {
            out.add(e.rule);
        }
        return out;
    }

    /** How many rules there are. */
    public int size() {
        return entries.length;
    }

    /** The rules as {@code ip rule show} prints them, one per line. */
    public String format() {
        StringBuilder sb = new StringBuilder();
        for (Entry e : entries) {
            sb.append(e.rule.format(e.iifIndex < 0, e.oifIndex < 0, e.rule.action() == RuleAction.GOTO && e.gotoIndex < 0))
                    .append('\n');
        }
        return sb.toString();
    }

    /** The priority of a rule added without one. Mirrors {@code fib_default_rule_pref()}. */
    private int defaultPriority() {
        if (entries.length >= 2 && entries[1].rule.priority() > 0) {
            return entries[1].rule.priority() - 1;
        }
        return 0;
    }

    /**
     * Resolves interface names, tables and goto targets again, and works out whether the rules
     * are all plain table lookups (see {@link #plainTables}).
     */
    void rebind() {
        rebindEntries();
        int n = 0;
        for (Entry e : entries) {
            FibRule r = e.rule;
            if (!e.matchesAll || r.action() != RuleAction.TO_TBL || r.suppressPrefixLength() >= 0) {
                plainTables = null;
                plainRules = null;
                return;
            }
            if (e.table != null) {
                n++;
            }
        }
        FibTable[] ts = new FibTable[n];
        FibRule[] rs = new FibRule[n];
        n = 0;
        for (Entry e : entries) {
            if (e.table != null) {
                ts[n] = e.table;
                rs[n++] = e.rule;
            }
        }
        plainTables = ts;
        plainRules = rs;
    }

    private void rebindEntries() {
        for (Entry e : entries) {
            FibRule r = e.rule;
            e.iifIndex = ifindexOf(r.iif());
            e.oifIndex = ifindexOf(r.oif());
            e.table = r.action() == RuleAction.TO_TBL ? fib.table(r.table()) : null;
            e.gotoIndex = -1;
            if (r.action() == RuleAction.GOTO) {
                for (int j = 0; j < entries.length; j++) {
                    if (entries[j].rule.priority() == r.gotoTarget()) {
                        e.gotoIndex = j;
                        break;
                    }
                }
            }
        }
    }

    /** 0 for no selector, the device's ifindex, or -1 when no such device exists (detached). */
    private int ifindexOf(String name) {
        if (name == null) {
            return 0;
        }
        NetDevice d = fib.net().device(name);
        return d == null ? -1 : d.ifindex();
    }

    /**
     * Walks the rules for {@code key}. Mirrors {@code fib_rules_lookup()} with
     * {@code fib4_rule_action()} and {@code fib4_rule_suppress()}: the first matching rule whose
     * action gives an answer other than "no route here" (EAGAIN) decides.
     *
     * @param loopbackIfindex the input interface output lookups are taken to come from
     * @return true on a hit; false with {@code out.error()} set otherwise (ENETUNREACH when no
     *         rule gave an answer)
     */
    boolean lookup(FlowKey key, FibResult out, int loopbackIfindex) {
        FibTable[] ts = plainTables;
        if (ts != null) {
            // Every rule matches every flow and looks up a table: the general loop below, minus
            // the selectors, actions and suppression that cannot apply.
            for (int i = 0; i < ts.length; i++) {
                if (ts[i].lookup(key, out)) {
                    out.setRule(plainRules[i]);
                    return true;
                }
                if (out.error != Errno.EAGAIN) {
                    out.setRule(plainRules[i]);
                    return false;
                }
            }
            out.reset();
            out.error = Errno.ENETUNREACH;
            return false;
        }
        Entry[] es = entries;
        int iif = key.iif() == 0 ? loopbackIfindex : key.iif();
        for (int i = 0; i < es.length; i++) {
            Entry e = es[i];
            if (!e.matches(key, iif)) {
                continue;
            }
            FibRule r = e.rule;
            RuleAction a = r.action();
            if (a == RuleAction.GOTO) {
                if (e.gotoIndex >= 0) {
                    i = e.gotoIndex - 1;
                }
                continue;
            }
            if (a == RuleAction.NOP) {
                continue;
            }
            if (a != RuleAction.TO_TBL) {
                out.reset();
                out.error = a.error();
                out.rule = r;
                return false;
            }
            if (e.table == null) {
                continue;
            }
            // A table fills in every field on a hit or a reject, so what a miss, a throw or a
            // suppressed answer left behind never shows.
            if (e.table.lookup(key, out)) {
                if (out.prefixLen > r.suppressPrefixLength()) {
                    out.setRule(r);
                    return true;
                }
            } else if (out.error != Errno.EAGAIN) {
                out.rule = r;
                return false;
            }
        }
        out.reset();
        out.error = Errno.ENETUNREACH;
        return false;
    }
}
