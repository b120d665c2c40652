package io.jnetstack.link.tuntap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Argument checks that happen before the kernel is asked; these run anywhere, without root. */
class TunTapFileTest {

    @Test
    void nameLongerThan15BytesIsRejectedBeforeTheKernel() {
        TunTapException e = assertThrows(TunTapException.class,
                () -> TunTapFile.open("abcdefghijklmnop", TunTapFile.Mode.TAP, false));
        assertEquals(TunTapException.EINVAL, e.errno());
        assertEquals("EINVAL", e.errnoName());
        assertTrue(e.getMessage().contains("16 bytes") && e.getMessage().contains("at most 15 bytes"), e.getMessage());
    }

    @Test
    void fifteenByteNamePassesTheCheck() throws TunTapException {
        assertEquals(15, TunTapFile.checkName("abcdefghijklmno").length);
        assertEquals(0, TunTapFile.checkName("").length);
        assertEquals(4, TunTapFile.checkName("jt%d").length);
    }

    @Test
    void namesTheKernelWouldRefuseAreRejected() {
        for (String bad : new String[] {"a/b", "a:b", "a b", "tab\t", ".", "..", "caf\u00e9"}) {
            TunTapException e = assertThrows(TunTapException.class,
                    () -> TunTapFile.open(bad, TunTapFile.Mode.TUN, false), bad);
            assertEquals(TunTapException.EINVAL, e.errno(), bad);
            assertTrue(e.getMessage().contains("invalid interface name"), e.getMessage());
        }
    }

    @Test
    void nullModeIsAProgrammingError() {
        assertThrows(NullPointerException.class, () -> TunTapFile.open("jt0", null, false));
    }

    @Test
    void errnoNames() {
        assertEquals("EPERM", new TunTapException(1, "x").errnoName());
        assertEquals("ENOENT", TunTapException.nameOf(2));
        assertEquals("EBUSY", TunTapException.nameOf(16));
        assertEquals("EINVAL", TunTapException.nameOf(22));
        assertEquals("EBADFD", TunTapException.nameOf(77));
        assertEquals("errno 4242", TunTapException.nameOf(4242));
        assertEquals("device or resource busy", TunTapException.describe(TunTapException.EBUSY));
    }
}
