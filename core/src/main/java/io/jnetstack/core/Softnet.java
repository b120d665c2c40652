package io.jnetstack.core;

import io.jnetstack.trace.Stage;
import io.jnetstack.trace.Tracer;

/**
 * The softirq machinery of one CPU. Mirrors {@code struct softnet_data} with
 * {@code net_rx_action}, {@code net_tx_action}, {@code process_backlog} and the
 * {@code local_bh_disable()/local_bh_enable()} pair that runs pending softirqs on the way out,
 * which is how a sending thread processes a loopback or veth receive inline.
 *
 * <p>A {@link Kernel} has one: jnetstack models a single CPU, serialised by the kernel lock.
 */
public final class Softnet {
    /** Mirrors MAX_SOFTIRQ_RESTART: after this many rounds the rest goes to ksoftirqd. */
    static final int MAX_SOFTIRQ_RESTART = 10;

    private final Kernel kernel;
    private final Sysctls.Entry maxBacklog;
    private final Sysctls.Entry budget;
    private final Sysctls.Entry devWeight;
    private final Sysctls.Entry txWeight;
    private int bhDepth;
    private boolean rxRaised;
    private boolean txRaised;
    private Napi pollHead;
    private Napi pollTail;
    private Qdisc outHead;
    private Qdisc outTail;
    private final SkbQueue inputQueue = new SkbQueue();
    private final Napi backlog;
    /** Frames received by {@code __netif_receive_skb} (softnet_stat column 1). */
    public long processed;
    /** Frames dropped because the backlog was full (softnet_stat column 2). */
    public long dropped;
    /** Times net_rx_action ran out of budget with work left (softnet_stat column 3). */
    public long timeSqueeze;

    Softnet(Kernel kernel, Sysctls core) {
        this.kernel = kernel;
        this.maxBacklog = core.entry("net.core.netdev_max_backlog");
        this.budget = core.entry("net.core.netdev_budget");
        this.devWeight = core.entry("net.core.dev_weight");
        this.txWeight = core.entry("net.core.dev_weight_tx_bias");
        this.backlog = new Napi(null, 64) {
            @Override
            protected int poll(int quota) {
                return processBacklog(quota);
            }
        };
    }

    /** The weight of device NAPI contexts ({@code net.core.dev_weight}). */
    public int devWeight() {
        return devWeight.getInt();
    }

    /** Packets a qdisc run may send before yielding ({@code dev_tx_weight}). */
    public int txQuota() {
        return devWeight.getInt() * txWeight.getInt();
    }

    /** Enters a section where softirqs are held back. Mirrors {@code local_bh_disable()}. */
    public void bhDisable() {
        bhDepth++;
    }

    /** Leaves it; at the outermost level, runs pending softirqs. Mirrors {@code local_bh_enable()}. */
    public void bhEnable() {
        if (--bhDepth == 0 && (rxRaised || txRaised)) {
            doSoftirq();
        }
    }

    /** True when a softirq is raised and waiting. */
    public boolean pending() {
        return rxRaised || txRaised;
    }

    /**
     * Runs raised softirqs, a bounded number of rounds. Mirrors {@code __do_softirq()}; what is
     * left stays raised for the kernel's loop (ksoftirqd).
     */
    public void doSoftirq() {
        if (bhDepth > 0) {
            return;
        }
        bhDepth++;
        try {
            for (int round = 0; round < MAX_SOFTIRQ_RESTART && (rxRaised || txRaised); round++) {
                if (txRaised) {
                    txRaised = false;
                    netTxAction();
                }
                if (rxRaised) {
                    rxRaised = false;
                    netRxAction();
                }
            }
        } finally {
            bhDepth--;
        }
    }

    // ---------------------------------------------------------------- receive

    void napiSchedule(Napi n) {
        n.nextPoll = null;
        if (pollTail == null) {
            pollHead = n;
        } else {
            pollTail.nextPoll = n;
        }
        pollTail = n;
        rxRaised = true;
    }

    private Napi pollFirst() {
        Napi n = pollHead;
        if (n != null) {
            pollHead = n.nextPoll;
            if (pollHead == null) {
                pollTail = null;
            }
            n.nextPoll = null;
        }
        return n;
    }

    /** Mirrors {@code net_rx_action()}: polls scheduled NAPI contexts within the budget. */
    private void netRxAction() {
        Tracer t = kernel.tracer();
        t.enter(Stage.NET_RX_ACTION, null, "", "");
        try {
            pollAll(budget.getInt());
        } finally {
            t.exit();
        }
    }

    private void pollAll(int budgetLeft) {
        int left = budgetLeft;
        while (pollHead != null) {
            if (left <= 0) {
                timeSqueeze++;
                rxRaised = true;
                return;
            }
            Napi n = pollFirst();
            int weight = n == backlog ? devWeight.getInt() : n.weight;
            n.polling = true;
            int work;
            try {
                work = n.poll(weight);
                if (n.gro != null) {
                    n.gro.flushAll();   // napi_complete_done() → napi_gro_flush()
                }
            } finally {
                n.polling = false;
            }
            left -= work;
            if (work >= weight || n.missed) {
                n.missed = false;
                napiSchedule(n);
            } else {
                n.scheduled = false;
            }
        }
    }

    /**
     * Queues a frame on the CPU backlog. Mirrors {@code enqueue_to_backlog()}.
     *
     * @return false when the backlog was full and the frame dropped
     */
    boolean enqueueToBacklog(SkBuff skb) {
        if (inputQueue.size() >= maxBacklog.get()) {
            dropped++;
            NetDevice dev = skb.dev;
            dev.stats().rxDropped++;
            dev.net().drop(skb, DropReason.CPU_BACKLOG);
            return false;
        }
        inputQueue.addLast(skb);
        if (!backlog.scheduled && !backlog.polling) {
            backlog.scheduled = true;
            napiSchedule(backlog);
        } else if (backlog.polling) {
            backlog.missed = true;
        }
        return true;
    }

    /** Frames waiting in the backlog. */
    public int backlogLength() {
        return inputQueue.size();
    }

    /** Mirrors {@code process_backlog()}. */
    private int processBacklog(int quota) {
        int work = 0;
        SkBuff skb;
        while (work < quota && (skb = inputQueue.poll()) != null) {
            NetDevice dev = skb.dev;
            kernel.tracer().enter(Stage.PROCESS_BACKLOG, skb, dev.net().name(), dev.name());
            try {
                Dev.receiveSkb(skb);
            } finally {
                kernel.tracer().exit();
            }
            work++;
        }
        return work;
    }

    // ---------------------------------------------------------------- transmit

    /** Schedules a qdisc run in the transmit softirq. Mirrors {@code __netif_schedule()}. */
    public void schedule(Qdisc q) {
        if (q.scheduled) {
            return;
        }
        q.scheduled = true;
        q.nextScheduled = null;
        if (outTail == null) {
            outHead = q;
        } else {
            outTail.nextScheduled = q;
        }
        outTail = q;
        txRaised = true;
        if (bhDepth == 0) {
            kernel.wakeLoop();
        }
    }

    /** Mirrors {@code net_tx_action()}: runs the qdiscs scheduled for output. */
    private void netTxAction() {
        Qdisc q = outHead;
        outHead = outTail = null;
        if (q == null) {
            return;
        }
        kernel.tracer().enter(Stage.NET_TX_ACTION, null, "", "");
        try {
            while (q != null) {
                Qdisc next = q.nextScheduled;
                q.nextScheduled = null;
                q.scheduled = false;
                Dev.qdiscRun(q);
                q = next;
            }
        } finally {
            kernel.tracer().exit();
        }
    }
}
