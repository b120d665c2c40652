package io.jnetstack.ipv4.tcp;

import java.util.ArrayList;
import java.util.List;

/**
 * The local ports in use and who holds each: sockets and time-wait socks. Mirrors
 * {@code inet_bind_hashbucket} / {@code inet_bind_bucket} with its owners list
 * ({@code sk_bind_node}).
 *
 * <p>A primitive-keyed open-addressing table: a port held by one owner (every port a client
 * connection picked) costs a slot of two arrays and nothing else; a list is made only for a port
 * that several owners share (a listener and its accepted connections, SO_REUSEADDR).
 */
final class BindTable {
    private static final int MIN_CAPACITY = 16;
    /** {@link #ports} value of a free slot (ports are stored plus one). */
    private static final int FREE = 0;

    private int[] ports = new int[MIN_CAPACITY];
    /** The owner of the port in the same slot, or an {@code ArrayList<Object>} of several. */
    private Object[] owners = new Object[MIN_CAPACITY];
    private int size;

    /** Whether anyone holds {@code port}. */
    boolean contains(int port) {
        return find(port) >= 0;
    }

    /** The owners of {@code port} (empty when none), in the order they came. */
    List<Object> owners(int port) {
        int i = find(port);
        if (i < 0) {
            return List.of();
        }
        Object o = owners[i];
        return o instanceof OwnerList l ? l : List.of(o);
    }

    /** Adds {@code sk} to the owners of {@code port}. */
    void add(int port, Object sk) {
        int i = find(port);
        if (i >= 0) {
            Object o = owners[i];
            if (o instanceof OwnerList l) {
                l.add(sk);
            } else {
                OwnerList l = new OwnerList();
                l.add(o);
                l.add(sk);
                owners[i] = l;
            }
            return;
        }
        int mask = ports.length - 1;
        i = slotOf(port, mask);
        while (ports[i] != FREE) {
            i = (i + 1) & mask;
        }
        ports[i] = port + 1;
        owners[i] = sk;
        size++;
        if (size * 2 > ports.length) {
            resize(ports.length * 2);
        }
    }

    /** Takes {@code sk} off the owners of {@code port}; the port is free once nobody holds it. */
    void remove(int port, Object sk) {
        int i = find(port);
        if (i < 0) {
            return;
        }
        Object o = owners[i];
        if (o instanceof OwnerList l) {
            if (l.remove(sk) && l.size() == 1) {
                owners[i] = l.getFirst();
            }
            return;
        }
        if (o == sk) {
            removeSlot(i);
        }
    }

    private int find(int port) {
        int mask = ports.length - 1;
        for (int i = slotOf(port, mask); ; i = (i + 1) & mask) {
            int p = ports[i];
            if (p == FREE) {
                return -1;
            }
            if (p == port + 1) {
                return i;
            }
        }
    }

    private void removeSlot(int i) {
        int mask = ports.length - 1;
        ports[i] = FREE;
        owners[i] = null;
        size--;
        for (int j = (i + 1) & mask; ports[j] != FREE; j = (j + 1) & mask) {
            int home = slotOf(ports[j] - 1, mask);
            if (((j - home) & mask) >= ((j - i) & mask)) {
                ports[i] = ports[j];
                owners[i] = owners[j];
                ports[j] = FREE;
                owners[j] = null;
                i = j;
            }
        }
        if (size * 8 < ports.length && ports.length > MIN_CAPACITY) {
            resize(ports.length / 2);
        }
    }

    private void resize(int capacity) {
        int[] oldPorts = ports;
        Object[] oldOwners = owners;
        ports = new int[capacity];
        owners = new Object[capacity];
        int mask = capacity - 1;
        for (int k = 0; k < oldPorts.length; k++) {
            if (oldPorts[k] != FREE) {
                int i = slotOf(oldPorts[k] - 1, mask);
                while (ports[i] != FREE) {
                    i = (i + 1) & mask;
                }
                ports[i] = oldPorts[k];
                owners[i] = oldOwners[k];
            }
        }
    }

    private static int slotOf(int port, int mask) {
        int h = port * 0x9E3779B1;
        return (h ^ h >>> 15) & mask;
    }

    /** The owners of a shared port: a type of its own, never mistaken for an owner. */
    private static final class OwnerList extends ArrayList<Object> {
        OwnerList() {
            super(2);
        }
    }
}
