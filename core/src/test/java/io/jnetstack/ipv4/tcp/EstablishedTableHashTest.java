package io.jnetstack.ipv4.tcp;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The established table's hash spreads every port over the low bits it indexes with: a
 * client's connections to one server (only the local port varies) and a server's from one
 * client (only the remote port varies) fill the slots of a 1,024-slot table evenly.
 */
class EstablishedTableHashTest {
    private static int buckets(java.util.function.IntUnaryOperator hashOfPort) {
        Set<Integer> used = new HashSet<>();
        for (int i = 0; i < 1024; i++) {
            used.add(hashOfPort.applyAsInt(i) & 1023);   // the home slot in a 1,024-slot table
        }
        return used.size();
    }

    @Test
    void consecutivePortsFillTheTable() {
        int client = buckets(i -> EstablishedTable.hash(0x5DEECE66DL, 0xC6120001, 32768 + i, 0xC6120002, 5000));
        int server = buckets(i -> EstablishedTable.hash(0x5DEECE66DL, 0xC6120002, 5000, 0xC6120001, 32768 + i));
        // 1,024 random keys in 1,024 slots fill about 63% of them (1 - 1/e).
        assertTrue(client > 550, "client side: " + client + " of 1024 buckets");
        assertTrue(server > 550, "server side: " + server + " of 1024 buckets");
    }
}
