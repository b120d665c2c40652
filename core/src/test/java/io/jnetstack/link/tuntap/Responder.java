package io.jnetstack.link.tuntap;

import static io.jnetstack.link.tuntap.TestFrames.ARP_REPLY;
import static io.jnetstack.link.tuntap.TestFrames.ARP_REQUEST;
import static io.jnetstack.link.tuntap.TestFrames.ETH_HLEN;
import static io.jnetstack.link.tuntap.TestFrames.ETHERTYPE_IPV4;
import static io.jnetstack.link.tuntap.TestFrames.ETHERTYPE_IPV6;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A minimal host behind a TUN/TAP file, for interop tests: answers ARP requests for its address
 * (TAP) and ICMP echo requests to its address (TAP and TUN). Runs a reader thread that uses the
 * timed read, so that {@link #close()} can stop it; no exception escapes the loop, failures are
 * collected in {@link #errors()}.
 */
final class Responder implements AutoCloseable {

    private final TunTapFile file;
    private final byte[] mac;
    private final int ip;
    private final Thread thread;
    private volatile boolean stop;

    final AtomicInteger frames = new AtomicInteger();
    final AtomicInteger ipv6Frames = new AtomicInteger();
    final AtomicInteger arpAnswered = new AtomicInteger();
    final AtomicInteger echoAnswered = new AtomicInteger();
    private final List<String> errors = new ArrayList<>();

    /**
     * Starts answering.
     *
     * @param file the queue to serve
     * @param mac our MAC address (TAP only; ignored for TUN)
     * @param ip our IPv4 address
     */
    Responder(TunTapFile file, byte[] mac, int ip) {
        this.file = file;
        this.mac = mac;
        this.ip = ip;
        this.thread = Thread.ofPlatform().daemon().name("responder-" + file.name()).start(this::loop);
    }

    private void loop() {
        byte[] buf = new byte[TunTapFile.BUFFER_SIZE];
        while (!stop) {
            try {
                int n = file.read(buf, 0, buf.length, 100);
                if (n >= 0) {
                    frames.incrementAndGet();
                    handle(buf, n);
                }
            } catch (TunTapException e) {
                if (!file.isOpen()) {
                    return;
                }
                error(e.toString());
                pause();
            } catch (RuntimeException e) {
                error(e.toString());
            }
        }
    }

    private void handle(byte[] buf, int n) throws TunTapException {
        if (file.mode() == TunTapFile.Mode.TUN) {
            if (TestFrames.icmpType(buf, 0, n) == 8 && TestFrames.parseIpv4(buf, 0, n).dst() == ip) {
                int len = TestFrames.echoReplyInPlace(buf, 0, n);
                file.write(buf, 0, len);
                echoAnswered.incrementAndGet();
            }
            return;
        }
        int type = TestFrames.etherType(buf, n);
        if (type == ETHERTYPE_IPV6) {
            ipv6Frames.incrementAndGet();
        } else if (type == TestFrames.ETHERTYPE_ARP) {
            TestFrames.Arp arp = TestFrames.parseArp(buf, n);
            if (arp != null && arp.op() == ARP_REQUEST && arp.targetIp() == ip) {
                byte[] reply = TestFrames.arpFrame(ARP_REPLY, arp.senderMac(), mac, ip, arp.senderMac(), arp.senderIp());
                file.write(reply, 0, reply.length);
                arpAnswered.incrementAndGet();
            }
        } else if (type == ETHERTYPE_IPV4) {
            if (TestFrames.icmpType(buf, ETH_HLEN, n - ETH_HLEN) == 8
                    && TestFrames.parseIpv4(buf, ETH_HLEN, n - ETH_HLEN).dst() == ip) {
                int len = TestFrames.echoReplyInPlace(buf, ETH_HLEN, n - ETH_HLEN);
                byte[] peer = TestFrames.slice(buf, 6, 6);
                TestFrames.ethernetHeader(buf, peer, mac, ETHERTYPE_IPV4);
                file.write(buf, 0, ETH_HLEN + len);
                echoAnswered.incrementAndGet();
            }
        }
    }

    private synchronized void error(String e) {
        if (errors.size() < 20) {
            errors.add(e);
        }
    }

    /**
     * Returns the errors the loop has met so far (at most 20).
     *
     * @return a copy of the error list
     */
    synchronized List<String> errors() {
        return List.copyOf(errors);
    }

    private static void pause() {
        try {
            Thread.sleep(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops the loop and waits (bounded) for the thread to end; does not close the file. */
    @Override
    public void close() {
        stop();
    }

    /** Stops the loop and waits (bounded) for the thread to end; idempotent. */
    void stop() {
        stop = true;
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "Responder[frames=" + frames + ", ipv6=" + ipv6Frames + ", arpAnswered=" + arpAnswered
                + ", echoAnswered=" + echoAnswered + ", errors=" + errors() + "]";
    }
}
