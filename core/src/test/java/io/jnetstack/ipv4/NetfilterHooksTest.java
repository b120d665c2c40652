package io.jnetstack.ipv4;

import io.jnetstack.core.DropReason;
import io.jnetstack.netfilter.NfHook;
import io.jnetstack.netfilter.Netfilter;
import io.jnetstack.netfilter.Verdict;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** The netfilter hook points on the routed path: order, priorities and verdicts. */
class NetfilterHooksTest {
    final Topology t = new Topology(5);
    final List<String> seen = new ArrayList<>();
    int replies;

    NetfilterHooksTest() {
        t.a.inet().icmp().setEchoListener(9, (src, id, seq, ttl, skb) -> replies++);
    }

    private void ping() {
        t.a.inet().icmp().sendEcho(Topology.B, 9, 1, 56, 64, false, 0);
        t.k.runFor(1_000_000_000L);
    }

    @Test
    void everyHookSeesThePacketInTheLinuxOrder() {
        for (NfHook h : NfHook.values()) {
            t.a.inet().netfilter().register(h, 0, (skb, hook, in, out) -> {
                seen.add("A " + hook + " in=" + in + " out=" + out);
                return Verdict.ACCEPT;
            });
            t.r.inet().netfilter().register(h, 0, (skb, hook, in, out) -> {
                seen.add("R " + hook + " in=" + in + " out=" + out);
                return Verdict.ACCEPT;
            });
        }
        ping();
        assertEquals(1, replies);
        assertEquals(List.of(
                "A LOCAL_OUT in=null out=veth0", "A POST_ROUTING in=null out=veth0",
                "R PRE_ROUTING in=veth0 out=null", "R FORWARD in=veth0 out=veth1", "R POST_ROUTING in=veth0 out=veth1",
                "R PRE_ROUTING in=veth1 out=null", "R FORWARD in=veth1 out=veth0", "R POST_ROUTING in=veth1 out=veth0",
                "A PRE_ROUTING in=veth0 out=null", "A LOCAL_IN in=veth0 out=null"), seen);
    }

    @Test
    void functionsRunByPriorityAndDropStopsThePacket() {
        Netfilter nf = t.r.inet().netfilter();
        nf.register(NfHook.FORWARD, Netfilter.PRI_FILTER, (skb, h, in, out) -> {
            seen.add("filter");
            return Verdict.DROP;
        });
        nf.register(NfHook.FORWARD, Netfilter.PRI_MANGLE, (skb, h, in, out) -> {
            seen.add("mangle");
            return Verdict.ACCEPT;
        });
        nf.register(NfHook.FORWARD, Netfilter.PRI_LAST, (skb, h, in, out) -> {
            seen.add("never");
            return Verdict.ACCEPT;
        });
        ping();
        assertEquals(0, replies);
        assertEquals(List.of("mangle", "filter"), seen);
        assertEquals(1, t.r.drops(DropReason.NETFILTER_DROP));
        assertEquals(0, t.b.inet().icmpMib().get(IcmpMib.InEchos));
    }

    @Test
    void stolenRepeatAndQueueVerdicts() {
        Netfilter nf = t.b.inet().netfilter();
        int[] calls = new int[1];
        var r = nf.register(NfHook.LOCAL_IN, 0, (skb, h, in, out) -> calls[0]++ < 2 ? Verdict.REPEAT : Verdict.ACCEPT);
        ping();
        assertEquals(1, replies, "REPEAT calls the function again, then the packet goes on");
        assertEquals(3, calls[0]);
        nf.unregister(r);
        nf.register(NfHook.LOCAL_IN, 0, (skb, h, in, out) -> Verdict.QUEUE);
        ping();
        assertEquals(1, replies, "no queue listener: the packet is dropped");
        assertEquals(1, nf.queueDrops());
        Netfilter nfa = t.a.inet().netfilter();
        nfa.register(NfHook.LOCAL_OUT, 0, (skb, h, in, out) -> {
            skb.free();   // a STOLEN verdict owns the packet
            return Verdict.STOLEN;
        });
        long before = t.a.inet().ipMib().get(IpMib.OutTransmits);
        ping();
        assertEquals(before, t.a.inet().ipMib().get(IpMib.OutTransmits));
        assertEquals(0, t.k.skbs().inUse());
    }
}
