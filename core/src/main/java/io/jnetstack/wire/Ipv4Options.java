package io.jnetstack.wire;

import static io.jnetstack.wire.Ipv4.ERR_BOUNDS;
import static io.jnetstack.wire.Ipv4.ERR_IHL;
import static io.jnetstack.wire.Ipv4.HEADER_LEN;
import static io.jnetstack.wire.Ipv4.OPTIONS;
import static io.jnetstack.wire.Ipv4.headerLen;

/**
 * IPv4 options (RFC 791 §3.1): the option walker and the checks of received option lists.
 * Positions are relative to the IPv4 header's first byte; see {@link Ipv4} for the header itself.
 * After {@link Ipv4#check} succeeded, nothing here throws.
 */
public final class Ipv4Options {
    private Ipv4Options() {
    }

    /** Option type: End of Option List, one octet (RFC 791 §3.1). */
    public static final int OPT_EOL = 0;
    /** Option type: No Operation, one octet, used as padding between options (RFC 791 §3.1). */
    public static final int OPT_NOP = 1;
    /** Option type: Record Route (RFC 791 §3.1). */
    public static final int OPT_RR = 7;
    /** Option type: Internet Timestamp (RFC 791 §3.1). */
    public static final int OPT_TS = 68;
    /** Option type: Security, as revised by RFC 1108. */
    public static final int OPT_SEC = 130;
    /** Option type: Loose Source and Record Route (RFC 791 §3.1). */
    public static final int OPT_LSRR = 131;
    /** Option type: Stream Identifier, obsolete (RFC 791 §3.1; RFC 6814). */
    public static final int OPT_SID = 136;
    /** Option type: Strict Source and Record Route (RFC 791 §3.1). */
    public static final int OPT_SSRR = 137;
    /** Option type: Router Alert, always four octets (RFC 2113 §2.1). */
    public static final int OPT_RA = 148;
    /** Length of the Router Alert option (RFC 2113 §2.1). */
    public static final int OPT_RA_LEN = 4;
    /** The copied flag of an option type: copy the option into every fragment (RFC 791 §3.1). */
    public static final int OPT_COPIED = 0x80;
    /** {@link #checkOptions} error: an option's length octet is missing, or the option runs past the header. */
    public static final int ERR_OPT_TRUNCATED = -8;
    /** {@link #checkOptions} error: an option's length is below 2, or too small or wrong for its type. */
    public static final int ERR_OPT_LENGTH = -9;
    /** {@link #checkOptions} error: a route or timestamp option's pointer is out of range. */
    public static final int ERR_OPT_POINTER = -10;
    /** {@link #checkOptions} error: a second record route, source route or timestamp option. */
    public static final int ERR_OPT_DUPLICATE = -11;

    // ---- options ----

    /**
     * Number of option bytes, padding included: the header length minus 20.
     *
     * @param buf the buffer
     * @param off index of the header's first byte
     * @return 0 to 40 after a successful check
     */
    public static int optionsLength(byte[] buf, int off) {
        return headerLen(buf, off) - HEADER_LEN;
    }

    /**
     * Whether an option type has the copied flag, which makes fragmentation repeat the option in
     * every fragment rather than only the first (RFC 791 §3.1, §3.2).
     *
     * @param type the option type octet
     * @return true for types 128 to 255
     */
    public static boolean isCopied(int type) {
        return (type & OPT_COPIED) != 0;
    }

    /**
     * Position of the first option, relative to the header's first byte (so a position is also
     * the ICMP Parameter Problem pointer to it). Like {@link #nextOption}, it yields only options
     * lying wholly inside the header, never End of Option List, and stops at the first malformed
     * one: run {@link #checkOptions} to tell a malformed list from a finished one.
     *
     * @param buf the buffer
     * @param off index of the header's first byte
     * @return the position, 20 or more, or -1 if there are no options
     */
    public static int firstOption(byte[] buf, int off) {
        return optionAt(buf, off, OPTIONS, headerLen(buf, off));
    }

    /**
     * Position of the option after the one at {@code pos}.
     *
     * @param buf the buffer
     * @param off index of the header's first byte
     * @param pos position of an option, as from {@link #firstOption} or {@link #nextOption}
     * @return the next position, or -1 at the end of the list, at End of Option List, at a
     *     malformed option, or if {@code pos} is not inside the options
     */
    public static int nextOption(byte[] buf, int off, int pos) {
        int hlen = headerLen(buf, off);
        if (pos < OPTIONS || pos >= hlen) {
            return -1;
        }
        int type = Bytes.u8(buf, off + pos);
        if (type == OPT_EOL) {
            return -1;
        }
        if (type == OPT_NOP) {
            return optionAt(buf, off, pos + 1, hlen);
        }
        if (pos + 1 >= hlen) {
            return -1;
        }
        int olen = Bytes.u8(buf, off + pos + 1);
        return olen < 2 ? -1 : optionAt(buf, off, pos + olen, hlen);
    }

    /** {@code pos} if a whole option other than EOL starts there, else -1. */
    private static int optionAt(byte[] buf, int off, int pos, int hlen) {
        if (pos >= hlen) {
            return -1;
        }
        int type = Bytes.u8(buf, off + pos);
        if (type == OPT_EOL) {
            return -1;
        }
        if (type == OPT_NOP) {
            return pos;
        }
        if (pos + 1 >= hlen) {
            return -1;
        }
        int olen = Bytes.u8(buf, off + pos + 1);
        return olen >= 2 && pos + olen <= hlen ? pos : -1;
    }

    /**
     * The type octet of the option at {@code pos}.
     *
     * @param buf the buffer
     * @param off index of the header's first byte
     * @param pos position of an option yielded by the walker
     * @return the type, such as {@link #OPT_RA}
     */
    public static int optionType(byte[] buf, int off, int pos) {
        return Bytes.u8(buf, off + pos);
    }

    /**
     * The length of the option at {@code pos}: 1 for No Operation and End of Option List, else
     * its length octet, which counts the type and length octets.
     *
     * @param buf the buffer
     * @param off index of the header's first byte
     * @param pos position of an option yielded by the walker
     * @return the length in bytes
     */
    public static int optionLength(byte[] buf, int off, int pos) {
        int type = Bytes.u8(buf, off + pos);
        return type == OPT_EOL || type == OPT_NOP ? 1 : Bytes.u8(buf, off + pos + 1);
    }

    /**
     * Position of the first option of a type, found by walking the list as {@link #nextOption}
     * does.
     *
     * @param buf the buffer
     * @param off index of the header's first byte
     * @param type the option type
     * @return the position, or -1 if not found before the end of the list
     */
    public static int findOption(byte[] buf, int off, int type) {
        for (int p = firstOption(buf, off); p >= 0; p = nextOption(buf, off, p)) {
            if (Bytes.u8(buf, off + p) == type) {
                return p;
            }
        }
        return -1;
    }

    /**
     * Position of a well-formed Router Alert option (RFC 2113 §2.1): type 148, length 4.
     *
     * @param buf the buffer
     * @param off index of the header's first byte
     * @return the position, or -1 if the header has none (or only one of another length)
     */
    public static int findRouterAlert(byte[] buf, int off) {
        int p = findOption(buf, off, OPT_RA);
        return p >= 0 && Bytes.u8(buf, off + p + 1) == OPT_RA_LEN ? p : -1;
    }

    /**
     * The 16-bit value of a Router Alert option: 0 asks every router to examine the datagram
     * (RFC 2113 §2.1).
     *
     * @param buf the buffer
     * @param off index of the header's first byte
     * @param pos position from {@link #findRouterAlert}
     * @return the value
     */
    public static int routerAlertValue(byte[] buf, int off, int pos) {
        return Bytes.u16(buf, off + pos + 2);
    }

    /**
     * Validates the option list (RFC 791 §3.1; RFC 2113 §2.1), much as a receiving host must
     * before acting on options. Options are walked up to End of Option List or the end of the
     * header; each option other than NOP must have a length octet inside the header, of at least
     * 2, not running past the header. Beyond that: Record Route and the source routes need a
     * length of at least 3 and a pointer of at least 4 that does not point at a partial address
     * slot; Timestamp needs a length of at least 4 and a pointer of at least 5 that does not
     * point at a partial slot (4 bytes, or 8 for flags 1 and 3); Router Alert must have length 4;
     * and Record Route, Timestamp and a source route (of either kind) may each appear once.
     * Other options are skipped by their length. Never throws, even on an unchecked header.
     *
     * @param buf the buffer
     * @param off index of the header's first byte, after a successful {@link #check}
     * @return 0 if the options are well formed, otherwise {@link #ERR_OPT_TRUNCATED},
     *     {@link #ERR_OPT_LENGTH}, {@link #ERR_OPT_POINTER}, {@link #ERR_OPT_DUPLICATE}, or
     *     {@link #ERR_BOUNDS} / {@link #ERR_IHL} if the header itself is not in the buffer
     */
    public static int checkOptions(byte[] buf, int off) {
        return (int) walkOptions(buf, off);
    }

    /**
     * Where {@link #checkOptions} found its error: the position of the offending octet relative
     * to the header's first byte, the value for the pointer of an ICMP Parameter Problem
     * (RFC 792; RFC 1122 §3.2.2.5).
     *
     * @param buf the buffer
     * @param off index of the header's first byte
     * @return the position, or -1 if {@link #checkOptions} returns 0 or a header-level error
     */
    public static int optionErrorPointer(byte[] buf, int off) {
        long r = walkOptions(buf, off);
        return (int) r < 0 ? (int) (r >> 32) : -1;
    }

    /** An option error: the code in the low 32 bits, the pointer in the high 32. */
    private static long optionError(int err, int pointer) {
        return ((long) pointer << 32) | (err & 0xFFFF_FFFFL);
    }

    private static final int SEEN_RR = 1;
    private static final int SEEN_SRR = 2;
    private static final int SEEN_TS = 4;

    private static long walkOptions(byte[] buf, int off) {
        if (buf == null || off < 0 || off > buf.length - HEADER_LEN) {
            return optionError(ERR_BOUNDS, -1);
        }
        int hlen = headerLen(buf, off);
        if (hlen < HEADER_LEN) {
            return optionError(ERR_IHL, -1);
        }
        if (off > buf.length - hlen) {
            return optionError(ERR_BOUNDS, -1);
        }
        int seen = 0;
        int pos = OPTIONS;
        while (pos < hlen) {
            int type = Bytes.u8(buf, off + pos);
            if (type == OPT_EOL) {
                break;
            }
            if (type == OPT_NOP) {
                pos++;
                continue;
            }
            if (pos + 1 >= hlen) {
                return optionError(ERR_OPT_TRUNCATED, pos);
            }
            int olen = Bytes.u8(buf, off + pos + 1);
            if (olen < 2) {
                return optionError(ERR_OPT_LENGTH, pos + 1);
            }
            if (pos + olen > hlen) {
                return optionError(ERR_OPT_TRUNCATED, pos + 1);
            }
            switch (type) {
                case OPT_RR, OPT_LSRR, OPT_SSRR -> {
                    int bit = type == OPT_RR ? SEEN_RR : SEEN_SRR;
                    if ((seen & bit) != 0) {
                        return optionError(ERR_OPT_DUPLICATE, pos);
                    }
                    seen |= bit;
                    if (olen < 3) {
                        return optionError(ERR_OPT_LENGTH, pos + 1);
                    }
                    int ptr = Bytes.u8(buf, off + pos + 2);
                    // The pointer is 1-based within the option; past the length means "full".
                    if (ptr < 4 || (ptr <= olen && ptr + 3 > olen)) {
                        return optionError(ERR_OPT_POINTER, pos + 2);
                    }
                }
                case OPT_TS -> {
                    if ((seen & SEEN_TS) != 0) {
                        return optionError(ERR_OPT_DUPLICATE, pos);
                    }
                    seen |= SEEN_TS;
                    if (olen < 4) {
                        return optionError(ERR_OPT_LENGTH, pos + 1);
                    }
                    int ptr = Bytes.u8(buf, off + pos + 2);
                    int flags = Bytes.u8(buf, off + pos + 3) & 0xF;
                    int slot = flags == 1 || flags == 3 ? 8 : 4;
                    if (ptr < 5 || (ptr <= olen && ptr + slot - 1 > olen)) {
                        return optionError(ERR_OPT_POINTER, pos + 2);
                    }
                }
                case OPT_RA -> {
                    if (olen != OPT_RA_LEN) {
                        return optionError(ERR_OPT_LENGTH, pos + 1);
                    }
                }
                default -> {
                    // Unknown and unchecked options are skipped by their length.
                }
            }
            pos += olen;
        }
        return 0;
    }
}
