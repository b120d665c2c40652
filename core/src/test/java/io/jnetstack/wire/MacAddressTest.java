package io.jnetstack.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class MacAddressTest {

    @Test
    void parseAndFormat() {
        MacAddress a = MacAddress.parse("02:00:5e:10:00:01");
        assertEquals(0x0200_5e10_0001L, a.bits());
        assertEquals("02:00:5e:10:00:01", a.toString());
        assertEquals("de:ad:be:ef:0a:0b", MacAddress.parse("DE:AD:BE:EF:0A:0B").toString());
        assertEquals("00:00:00:00:00:00", MacAddress.ZERO.toString());
        assertEquals("ff:ff:ff:ff:ff:ff", MacAddress.BROADCAST.toString());
        assertEquals(a, MacAddress.fromLong(0x0200_5e10_0001L));
    }

    @Test
    void parseRejectsMalformed() {
        for (String bad : new String[] {"", "02:00:5e:10:00", "02:00:5e:10:00:01:", "02-00-5e-10-00-01",
            "02:00:5e:10:00:0g", "0200:5e:10:00:01:", "02:00:5e:10:00:\u0661\u0662", " 2:00:5e:10:00:01"}) {
            assertThrows(IllegalArgumentException.class, () -> MacAddress.parse(bad), bad);
        }
    }

    @Test
    void rejectsMoreThan48Bits() {
        assertThrows(IllegalArgumentException.class, () -> MacAddress.fromLong(1L << 48));
        assertThrows(IllegalArgumentException.class, () -> new MacAddress(-1L));
    }

    @Test
    void readAndWriteAtOffset() {
        byte[] wire = {(byte) 0x99, 0x00, 0x1b, 0x21, (byte) 0xc4, 0x5f, (byte) 0xe0, 0x77, (byte) 0x99};
        MacAddress a = MacAddress.read(wire, 1);
        assertEquals("00:1b:21:c4:5f:e0", a.toString());
        assertEquals(0x001b_21c4_5fe0L, MacAddress.readBits(wire, 1));

        byte[] out = new byte[9];
        out[0] = (byte) 0x99;
        out[7] = 0x77;
        out[8] = (byte) 0x99;
        a.write(out, 1);
        assertArrayEquals(wire, out);

        byte[] out2 = new byte[6];
        MacAddress.writeBits(out2, 0, MacAddress.BROADCAST.bits());
        assertArrayEquals(new byte[] {-1, -1, -1, -1, -1, -1}, out2);
    }

    @Test
    void addressKinds() {
        assertTrue(MacAddress.BROADCAST.isBroadcast());
        assertTrue(MacAddress.BROADCAST.isMulticast());
        assertFalse(MacAddress.BROADCAST.isUnicast());

        MacAddress mcast = MacAddress.parse("01:00:5e:00:00:fb");
        assertTrue(mcast.isMulticast());
        assertFalse(mcast.isBroadcast());
        assertFalse(mcast.isLocallyAdministered());

        MacAddress universal = MacAddress.parse("00:1b:21:c4:5f:e0");
        assertTrue(universal.isUnicast());
        assertFalse(universal.isLocallyAdministered());

        MacAddress local = MacAddress.parse("0a:00:27:00:00:00");
        assertTrue(local.isUnicast());
        assertTrue(local.isLocallyAdministered());

        assertTrue(MacAddress.ZERO.isZero());
        assertTrue(MacAddress.ZERO.isUnicast());
        assertFalse(MacAddress.ZERO.isBroadcast());
    }

    @Test
    void randomIsLocalUnicastAndDeterministic() {
        // Only the generator's bits decide the address; the two flag bits are forced.
        assertEquals("fe:ff:ff:ff:ff:ff", MacAddress.random(() -> -1L).toString());
        assertEquals("02:00:00:00:00:00", MacAddress.random(() -> 0L).toString());

        SplittableRandom r1 = new SplittableRandom(7);
        SplittableRandom r2 = new SplittableRandom(7);
        for (int i = 0; i < 1000; i++) {
            MacAddress a = MacAddress.random(r1);
            assertEquals(a, MacAddress.random(r2));
            assertTrue(a.isUnicast(), a::toString);
            assertTrue(a.isLocallyAdministered(), a::toString);
        }
        assertNotEquals(MacAddress.random(new SplittableRandom(1)), MacAddress.random(new SplittableRandom(2)));
    }
}
