package io.jnetstack.trace;

import io.jnetstack.core.Dev;
import io.jnetstack.core.Frames;
import io.jnetstack.core.Kernel;
import io.jnetstack.core.Net;
import io.jnetstack.link.Veth;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class TracerTest {
    Kernel k = Kernel.deterministic(9);
    Net a = k.newNet("a");
    Net b = k.newNet("b");
    Veth v0 = Veth.createPair(a, "veth0", b, "veth1");

    TracerTest() {
        v0.up();
        v0.peer().up();
        b.addProtocol(Frames.ETH_P_TEST, (skb, dev) -> skb.free());
    }

    @Test
    void offRecordsNothing() {
        Dev.queueXmit(Frames.frame(v0, v0.peer().mac(), Frames.ETH_P_TEST, 60, 1));
        assertTrue(k.tracer().events().isEmpty());
    }

    @Test
    void eventsCarryNamespaceDeviceTimeAndDepth() {
        k.runFor(1_234_567);
        k.tracer().enable(true, false);
        Dev.queueXmit(Frames.frame(v0, v0.peer().mac(), Frames.ETH_P_TEST, 60, 1));
        List<TraceEvent> ev = k.tracer().events();
        TraceEvent first = ev.getFirst();
        assertEquals(Stage.DEV_QUEUE_XMIT, first.stage());
        assertEquals("a", first.netns());
        assertEquals("veth0", first.device());
        assertEquals(1_234_567, first.timeNanos());
        TraceEvent inner = ev.stream().filter(e -> e.stage() == Stage.__DEV_QUEUE_XMIT).findFirst().orElseThrow();
        assertEquals(first.depth() + 1, inner.depth());
        assertTrue(ev.stream().anyMatch(e -> e.netns().equals("b") && e.stage() == Stage.NETIF_RECEIVE_SKB));
    }

    @Test
    void journeyChecksOrderedSubsequencesAndReportsWhereItBreaks() {
        k.tracer().enable(true, false);
        Dev.queueXmit(Frames.frame(v0, v0.peer().mac(), Frames.ETH_P_TEST, 60, 1));
        Journey j = k.tracer().journey(1);
        assertTrue(j.containsInOrder(List.of("dev_queue_xmit", "dev_hard_start_xmit", "netif_receive_skb")));
        assertFalse(j.containsInOrder(List.of("netif_receive_skb", "dev_queue_xmit")), "order matters");
        assertEquals(1, j.firstMissing(List.of("dev_queue_xmit", "ip_rcv")));
    }

    @Test
    void packetsCreatedWhileHandlingAnotherJoinItsJourney() {
        b.addProtocol(Frames.ETH_P_TEST, (skb, dev) -> {
            // answer with a new frame, as ARP answers a request
            Dev.queueXmit(Frames.frame(dev, v0.mac(), 0x88B6, 60, 2));
            skb.free();
        });
        a.addProtocol(0x88B6, (skb, dev) -> skb.free());
        k.tracer().enable(true, false);
        Dev.queueXmit(Frames.frame(v0, v0.peer().mac(), Frames.ETH_P_TEST, 60, 1));
        Journey j = k.tracer().journey(1);
        assertTrue(j.events().stream().anyMatch(e -> e.packetId() == 2 && e.parentId() == 1), j.tree());
        assertTrue(j.containsInOrder(List.of("netif_receive_skb", "dev_queue_xmit", "veth_xmit", "netif_receive_skb")));
        assertTrue(j.tree().contains("pkt#2"));
    }

    @Test
    void recordingIsCapped() {
        k.tracer().setMaxEvents(5);
        k.tracer().enable(true, false);
        Dev.queueXmit(Frames.frame(v0, v0.peer().mac(), Frames.ETH_P_TEST, 60, 1));
        assertEquals(5, k.tracer().events().size());
        assertTrue(k.tracer().lost() > 0);
    }

    @Test
    void journeyStepsBecomeFlightRecorderEvents(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("journey.jfr");
        try (Recording r = new Recording()) {
            r.enable("io.jnetstack.Journey");
            r.start();
            k.tracer().enable(false, true);
            Dev.queueXmit(Frames.frame(v0, v0.peer().mac(), Frames.ETH_P_TEST, 60, 1));
            r.stop();
            r.dump(file);
        }
        List<RecordedEvent> events = RecordingFile.readAllEvents(file).stream()
                .filter(e -> e.getEventType().getName().equals("io.jnetstack.Journey")).toList();
        List<String> stages = events.stream().map(e -> e.getString("stage")).toList();
        assertTrue(stages.containsAll(List.of("dev_queue_xmit", "dev_hard_start_xmit", "netif_receive_skb")), stages.toString());
        RecordedEvent e = events.getFirst();
        assertEquals("a", e.getString("netns"));
        assertEquals("veth0", e.getString("device"));
        assertEquals(1L, e.getLong("packetId"));
        assertTrue(k.tracer().events().isEmpty(), "JFR only: nothing kept in memory");
    }
}
