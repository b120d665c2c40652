package io.jnetstack.packetdrill;

import java.util.List;

/** A TCP option on a packet line, between {@code <} and {@code >}. */
public sealed interface TcpOption {

    /** {@code nop}. */
    record Nop() implements TcpOption { }

    /** {@code eol}. */
    record Eol() implements TcpOption { }

    /** {@code sackOK}. */
    record SackPermitted() implements TcpOption { }

    /**
     * {@code mss N}; the value may be symbolic ({@code mss MSS}).
     *
     * @param value an {@link Expr.Int} or {@link Expr.Ident}
     */
    record Mss(Expr value) implements TcpOption { }

    /**
     * {@code wscale N}.
     *
     * @param shift the window scale shift
     */
    record WindowScale(long shift) implements TcpOption { }

    /**
     * {@code TS val N ecr M}.
     *
     * @param val the timestamp value
     * @param ecr the echoed timestamp
     */
    record Timestamp(long val, long ecr) implements TcpOption { }

    /**
     * {@code sack a:b c:d}.
     *
     * @param blocks the SACK blocks
     */
    record Sack(List<Block> blocks) implements TcpOption {

        /** Copies the block list. */
        public Sack {
            blocks = List.copyOf(blocks);
        }

        /**
         * One SACK block.
         *
         * @param left  first sequence number
         * @param right sequence number after the last
         */
        public record Block(long left, long right) { }
    }

    /**
     * A Fast Open option: {@code FO [cookie]} (RFC 7413, kind 34) or {@code FOEXP [cookie]}
     * (the experimental kind 254).
     *
     * @param experimental true for {@code FOEXP}
     * @param cookie       the cookie as written (hex digits or a symbolic name), or null when absent
     */
    record FastOpen(boolean experimental, String cookie) implements TcpOption { }

    /**
     * {@code md5 hex}, an RFC 2385 signature.
     *
     * @param digest the digest as written
     */
    record Md5(String digest) implements TcpOption { }

    /**
     * Any other option, kept by name and words.
     *
     * @param name the option's name
     * @param args the words that follow it
     */
    record Other(String name, List<String> args) implements TcpOption {

        /** Copies the arguments. */
        public Other {
            args = List.copyOf(args);
        }
    }
}
