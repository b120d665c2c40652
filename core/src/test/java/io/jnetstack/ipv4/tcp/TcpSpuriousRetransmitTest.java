package io.jnetstack.ipv4.tcp;

import io.jnetstack.core.ErrnoException;
import io.jnetstack.core.Kernel;
import io.jnetstack.core.Net;
import io.jnetstack.core.sched.Netem;
import io.jnetstack.link.Veth;
import io.jnetstack.socket.SockAddrIn;
import io.jnetstack.socket.Socket;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Random loss alone (no reordering, no delay variation) should never make the sender resend
 * what arrived: in virtual time a whole window leaves at one instant, and a retransmission sent
 * after new data in the same instant must still count as sent after it (RACK, RFC 8985 §6.1),
 * or new data SACKed before the retransmission's ACK returns marks it lost again (then the
 * receiver reports a DSACK for every such duplicate).
 */
class TcpSpuriousRetransmitTest {
    @Test
    void lossWithoutReorderingCausesNoSpuriousRetransmissions() {
        VethStacks t = new VethStacks(1, 1500, true);
        Kernel k = t.k;
        Net a = t.a;
        Net b = t.b;
        Veth va = t.v;
        int addrB = VethStacks.B;
        va.setQdisc(new Netem(Netem.Config.parse("delay 10ms loss 1%")));
        va.peer().setQdisc(new Netem(Netem.Config.parse("delay 10ms loss 1%")));
        k.runFor(1_000_000_000L);
        Socket l = TcpSmokeTest.tcp(b);
        l.bind(new SockAddrIn(0, 5201));
        l.listen(16);
        Socket c = TcpSmokeTest.tcp(a);
        c.connect(new SockAddrIn(addrB, 5201));
        Socket s = l.accept();
        ByteBuffer out = ByteBuffer.allocate(256 * 1024);
        ByteBuffer in = ByteBuffer.allocate(256 * 1024);
        long end = k.clock().nanos() + 10_000_000_000L;
        while (k.clock().nanos() < end) {
            boolean progress = false;
            out.clear();
            try {
                progress = c.send(out, Socket.MSG_DONTWAIT) > 0;
            } catch (ErrnoException e) {
                // the send buffer is full
            }
            while (true) {
                in.clear();
                try {
                    s.recv(in, Socket.MSG_DONTWAIT);
                    progress = true;
                } catch (ErrnoException e) {
                    break;
                }
            }
            if (!progress && !k.step(end)) {
                break;
            }
        }
        Tcp tcp = Tcp.of(a);
        long retrans = k.call(() -> tcp.mib().get(TcpMib.RetransSegs));
        long dsacks = k.call(() -> tcp.extMib().get(TcpExtMib.TCPDSACKRecv));
        long lostRetrans = k.call(() -> tcp.extMib().get(TcpExtMib.TCPLostRetransmit));
        String counters = k.call(() -> tcp.extMib().formatNonZero());
        assertTrue(retrans > 20, "losses were repaired: " + retrans + "\n" + counters);
        // A retransmission lost again (1%) or a lost ACK may cost one now and then; not a third.
        assertTrue(dsacks * 20 <= retrans, dsacks + " DSACKs for " + retrans + " retransmissions\n" + counters);
        assertTrue(lostRetrans * 20 <= retrans, lostRetrans + " retransmissions taken for lost\n" + counters);
    }
}
