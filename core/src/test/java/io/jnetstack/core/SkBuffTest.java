package io.jnetstack.core;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class SkBuffTest {
    private final SkBuffPool pool = new SkBuffPool();

    @Test
    void reservePutPushPull() {
        SkBuff s = pool.alloc(64, 100);
        assertEquals(64, s.headroom());
        int at = s.put(10);
        assertEquals(64, at);
        assertEquals(10, s.len());
        for (int i = 0; i < 10; i++) {
            s.buf()[at + i] = (byte) i;
        }
        int front = s.push(4);
        assertEquals(60, front);
        assertEquals(14, s.len());
        assertEquals(64, s.pull(4));
        assertEquals(0, s.buf()[s.data()]);
        assertEquals(-1, s.pull(11), "pull beyond the data fails without changing anything");
        assertEquals(10, s.len());
        assertThrows(IllegalStateException.class, () -> s.push(65));
        assertThrows(IllegalStateException.class, () -> s.put(SkBuffPool.SMALL));
        s.free();
        assertEquals(0, pool.inUse());
    }

    @Test
    void headerMarksFollowTheData() {
        SkBuff s = pool.alloc(32, 100);
        s.put(40);
        s.resetNetworkHeader();
        s.pull(20);
        s.resetTransportHeader();
        assertEquals(32, s.networkHeader());
        assertEquals(52, s.transportHeader());
        s.push(14);
        s.resetMacHeader();
        assertEquals(38, s.macHeader());
        s.free();
    }

    @Test
    void cloneSharesDataUntilWritable() {
        SkBuff a = pool.alloc(16, 100);
        a.putData(new byte[]{1, 2, 3, 4}, 0, 4);
        SkBuff b = a.cloneSkb();
        assertTrue(a.isCloned());
        assertTrue(b.isCloned());
        assertSame(a.buf(), b.buf());
        b.ensureWritable(16);
        assertFalse(b.isCloned());
        assertNotSame(a.buf(), b.buf());
        b.buf()[b.data()] = 9;
        assertEquals(1, a.buf()[a.data()], "writing the unshared clone leaves the original alone");
        assertFalse(a.isCloned(), "after the other unshared, the original is alone again");
        a.free();
        b.free();
        assertEquals(0, pool.inUse());
    }

    @Test
    void ensureWritableGrowsHeadroomAndMovesMarks() {
        SkBuff a = pool.alloc(4, 100);
        a.put(20);
        a.resetNetworkHeader();
        a.ensureWritable(64);
        assertTrue(a.headroom() >= 64);
        assertEquals(a.data(), a.networkHeader());
        a.push(64);
        a.free();
    }

    @Test
    void fragmentsCountInLengthAndCopyBits() {
        Page p = Page.allocate(4096);
        for (int i = 0; i < 4096; i++) {
            p.bytes()[i] = (byte) i;
        }
        SkBuff s = pool.alloc(64, 32);
        s.putData(new byte[]{(byte) 0xAA, (byte) 0xBB}, 0, 2);
        s.addFrag(p, 10, 100);
        s.addFrag(p, 1000, 50);
        p.put(); // the skb holds its own references
        assertEquals(152, s.len());
        assertEquals(150, s.dataLen());
        assertEquals(2, s.headLen());
        assertEquals(3, p.refCount() + 1, "two fragment references remain after the creator let go");
        byte[] out = new byte[152];
        assertTrue(s.copyBits(0, out, 0, 152));
        assertEquals((byte) 0xAA, out[0]);
        assertEquals((byte) 10, out[2]);
        assertEquals((byte) (1000 & 0xff), out[102]);
        assertFalse(s.copyBits(100, out, 0, 53), "range past the end is refused");
        assertTrue(s.mayPull(20));
        assertEquals(20, s.headLen());
        assertEquals((byte) 27, s.buf()[s.data() + 19]);
        assertEquals(152, s.len());
        s.trim(60);
        assertEquals(60, s.len());
        assertEquals(1, s.nrFrags());
        s.free();
        assertEquals(0, p.refCount(), "freeing the skb releases its page references");
    }

    @Test
    void copyIsIndependentAndLinear() {
        Page p = Page.allocate(100);
        p.bytes()[0] = 42;
        SkBuff s = pool.alloc(20, 10);
        s.put(3);
        s.addFrag(p, 0, 100);
        p.put();
        SkBuff c = s.copy();
        assertEquals(103, c.len());
        assertEquals(0, c.dataLen());
        assertEquals(42, c.buf()[c.data() + 3]);
        s.free();
        c.free();
        assertEquals(0, pool.inUse());
    }

    @Test
    void doubleFreeIsCaught() {
        SkBuff s = pool.alloc(0, 10);
        s.free();
        assertThrows(IllegalStateException.class, s::free);
    }

    @Test
    void getKeepsTheBufferAliveUntilLastFree() {
        SkBuff s = pool.alloc(0, 10);
        s.get();
        assertTrue(s.isShared());
        s.free();
        assertEquals(1, pool.inUse());
        s.free();
        assertEquals(0, pool.inUse());
    }

    @Test
    void poolRecyclesBuffers() {
        for (int i = 0; i < 100; i++) {
            pool.alloc(64, 1500).free();
        }
        assertEquals(1, pool.headersCreated());
        SkBuff big = pool.alloc(128, 65536);
        assertTrue(big.tailroom() >= 65536);
        big.free();
    }

    @Test
    void queueIsFifoAndUnlinks() {
        SkbQueue q = new SkbQueue();
        SkBuff a = pool.alloc(0, 10);
        SkBuff b = pool.alloc(0, 10);
        SkBuff c = pool.alloc(0, 10);
        a.put(1);
        b.put(2);
        c.put(3);
        q.addLast(a);
        q.addLast(c);
        q.insertBefore(c, b);
        assertEquals(3, q.size());
        assertEquals(6, q.bytes());
        assertThrows(IllegalStateException.class, () -> q.addLast(a));
        assertThrows(IllegalStateException.class, a::free);
        q.unlink(b);
        assertSame(a, q.poll());
        assertSame(c, q.poll());
        assertNull(q.poll());
        a.free();
        b.free();
        c.free();
        assertEquals(0, pool.inUse());
    }

    @Test
    void copyAndLinearisingKeepThePulledHeaders() {
        SkBuff s = pool.alloc(32, 100);
        int at = s.put(30);
        for (int i = 0; i < 30; i++) {
            s.buf()[at + i] = (byte) (100 + i);
        }
        s.resetNetworkHeader();
        s.pull(20);
        s.resetTransportHeader();
        Page p = Page.allocate(50);
        for (int i = 0; i < 50; i++) {
            p.bytes()[i] = (byte) i;
        }
        s.addFrag(p, 0, 50);
        SkBuff c = s.copy();
        assertEquals(0, c.dataLen());
        assertEquals(100, c.buf()[c.networkHeader()], "the header in front of the data is copied");
        assertEquals(120, c.buf()[c.transportHeader()]);
        assertEquals(49, c.buf()[c.data() + 59]);
        assertTrue(s.mayPull(60));
        assertEquals(0, s.dataLen());
        assertEquals(100, s.buf()[s.networkHeader()], "linearising keeps the header in front of the data");
        assertEquals((byte) 129, s.buf()[s.data() + 9]);
        assertEquals(49, s.buf()[s.data() + 59]);
        c.free();
        s.free();
    }
}
