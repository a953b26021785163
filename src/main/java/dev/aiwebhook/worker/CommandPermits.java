package dev.aiwebhook.worker;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aiwebhook.catalog.CommandCatalog;
import dev.aiwebhook.config.AppProperties;
import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

/**
 * How many session commands the worker applies at once: by default as many as the machine has
 * cores ({@code WORKER_APPLY_CONCURRENCY}, 0 = {@link Runtime#availableProcessors()}).
 * <p>
 * A session command is work for the CPU (the app's and PostgreSQL's, on the same machine by
 * default), mostly not waiting: on two cores, eight applied at once took more CPU per command
 * than two, and took the cores from the relay's intake; four, at full scale, gave back most of
 * what two had won (README, Benchmark, twentieth round). A worker slot ({@link WorkerSlots}) still bounds what
 * is claimed; this bounds only what runs: the transaction that applies the command (route
 * {@code apply-webhook-with-permit}), its wait for the session's lock included, not the report
 * of its result. Tasks do not take a permit: a task mostly waits for its process, and a long
 * one must not hold up the commands. Each worker process has its own permits.
 * <p>
 * The commands waiting for a permit do not each wait for a transaction of their own: the one
 * that gets a permit takes those queued before it too (oldest first, a batch excepted), up to
 * {@code WORKER_APPLY_GROUP} (16) in all, and applies them in one transaction
 * ({@link CommandGroups}): one commit instead of one each, for sync callers and the worker's
 * threads alike. A command taken into another's group waits on its own thread until the group
 * is done.
 * <p>
 * The holder of the last free permit, while another holder applies its group and several
 * callers send commands at once, waits a little for more before it begins
 * ({@code WORKER_APPLY_LINGER}, 250 µs): until its group holds {@value #LINGER_GROUP} commands,
 * a permit is given back, or that time has passed. Its permit would otherwise start a group of
 * one or two while the other commits, and every transaction costs its commit and statements of
 * its own; with 16 sync callers the groups grew from 2.7 to 3.3 commands and the machine's CPU
 * per command fell by 3–6 % (README, Benchmark, twenty-fifth round). A lone caller, two at
 * once, or one with a permit still free never waits; with one permit, nobody does. The wait is
 * a {@link Condition}'s: {@code Object.wait} rounds a wait under a millisecond up to one.
 * <p>
 * When there are two permits or more, a command nobody waits for (async: handed over by the
 * intake, or claimed) never takes the last free one, and whoever takes that one takes no such
 * command into its group; a caller who waits (sync) may take any. On two cores that leaves one
 * transaction at a time to the background, in groups, and the other core to the intake and the
 * callers: async intake all-in-one rose and the worker's drain did not fall (README, Benchmark,
 * twenty-first round).
 */
@Component("commandPermits")
public class CommandPermits {

    private final CommandGroups groups;
    private final int size;
    private final int groupMax;
    private final long maxWaitNanos;
    /** How long the holder of the last free permit waits for more commands to join its group. */
    private final long lingerNanos;
    /** The group size at which a lingering holder stops waiting. */
    static final int LINGER_GROUP = 4;
    /** LINGER_GROUP, or WORKER_APPLY_GROUP if fewer: the group a holder waits to fill. */
    private final int lingerTarget;
    /** Permits a command nobody waits for leaves free: one, when there are two or more. */
    private final int keptForCallers;

    private final ReentrantLock lock = new ReentrantLock();
    /** A permit given back: those waiting for one look again. */
    private final Condition permitBack = lock.newCondition();
    /** A command arrived or a permit came back: a holder waiting for more looks again. */
    private final Condition joinable = lock.newCondition();
    /** Session commands waiting for a permit, oldest first; guarded by lock. */
    private final ArrayDeque<Member> waiting = new ArrayDeque<>();
    /** Permits free; guarded by lock. */
    private int free;
    /** Holders waiting for more commands to join their groups; guarded by lock. */
    private int lingering;
    /** Permits given back so far; guarded by lock. */
    private long releases;
    /** Commands whose callers wait, in the groups being applied now (holders not waiting for more); guarded by lock. */
    private int callersApplying;

    public CommandPermits(AppProperties props, CommandGroups groups) {
        int configured = props.worker().applyConcurrency();
        if (configured < 0) {
            throw new IllegalArgumentException("WORKER_APPLY_CONCURRENCY must be 0 (the machine's cores) or more, not "
                    + configured);
        }
        if (props.worker().applyGroup() < 1) {
            throw new IllegalArgumentException("WORKER_APPLY_GROUP must be 1 (each command in its own transaction) "
                    + "or more, not " + props.worker().applyGroup());
        }
        this.groups = groups;
        this.size = configured > 0 ? configured : Runtime.getRuntime().availableProcessors();
        this.free = size;
        this.groupMax = props.worker().applyGroup();
        this.maxWaitNanos = props.worker().applyWait().toNanos();
        if (props.worker().applyLinger().isNegative()) {
            throw new IllegalArgumentException("WORKER_APPLY_LINGER must be 0 (never) or more, not "
                    + props.worker().applyLinger());
        }
        this.lingerNanos = props.worker().applyLinger().toNanos();
        this.lingerTarget = Math.min(LINGER_GROUP, groupMax);
        this.keptForCallers = size > 1 ? 1 : 0;
    }

    /**
     * Applies one webhook (route {@code apply-webhook}, header {@code webhookType} set by
     * {@link Deliveries#open}) on the current thread, or has it applied in another's group.
     * A task goes straight ahead. A session command waits for a permit, at most
     * {@code WORKER_APPLY_WAIT} (1 s); with it, it applies itself and the commands queued
     * before it in one transaction. With two permits or more, a command nobody waits for
     * (async) never takes the last free one: that one is kept for a caller who waits (sync). A
     * permit is held for a few milliseconds; one not free after a second means its holders are
     * stuck (on a session's lock, or the database unreachable: each waits up to the pool's 5 s
     * for a connection), and the command then goes ahead alone without one, so a caller's wait
     * for a permit stays bounded (once taken into a group, it waits for the group, whose every
     * lock wait is bounded by the same time). The bound is for throughput, not safety. Whatever
     * happens, the exchange ends as route {@code apply-webhook} leaves it.
     */
    public void apply(Exchange exchange) throws InterruptedException {
        if (!CommandCatalog.SESSION_COMMAND.equals(exchange.getMessage().getHeader("webhookType"))) {
            groups.applyAlone(exchange);
            return;
        }
        Member me = new Member(exchange, CommandGroups.groupable(exchange), awaited(exchange));
        List<Member> group = List.of();
        boolean permit = false;
        int callers = 0;   // of its group, counted in callersApplying
        lock.lock();
        try {
            waiting.addLast(me);
            if (lingering > 0) {
                joinable.signalAll();   // a holder waits for more: this one may join its group
            }
            long deadline = System.nanoTime() + maxWaitNanos;
            while (!me.taken) {
                if (free > (me.awaited ? 0 : keptForCallers)) {
                    // the permit kept for callers who wait takes no background command into its group
                    boolean onlyAwaited = free <= keptForCallers;
                    free--;
                    permit = true;
                    group = takeGroup(me, onlyAwaited);
                    if (worthWaitingForMore(me, group)) {
                        linger(group, onlyAwaited);
                    }
                    for (Member m : group) {
                        callers += m.awaited ? 1 : 0;
                    }
                    callersApplying += callers;
                    break;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    waiting.remove(me);   // goes ahead alone, without a permit
                    me.taken = true;
                    group = List.of(me);
                    break;
                }
                try {
                    permitBack.awaitNanos(left);
                } catch (InterruptedException e) {
                    if (!me.taken) {
                        waiting.remove(me);
                        throw e;
                    }
                    Thread.currentThread().interrupt();   // taken: its group is under way, wait for it below
                }
            }
        } finally {
            lock.unlock();
        }
        if (group.isEmpty()) {
            me.awaitGroup();   // taken into the group of another permit's holder
            me.finish(groups);
            return;
        }
        try {
            if (group.size() == 1) {
                groups.applyAlone(exchange);
                return;
            }
            groups.applyTogether(group);
        } finally {
            for (Member m : group) {
                m.settle(CommandGroups.Outcome.APPLY_ALONE, null);   // none is left waiting for good (settled once)
            }
            if (permit) {
                lock.lock();
                try {
                    free++;
                    releases++;
                    callersApplying -= callers;
                    permitBack.signalAll();
                    joinable.signalAll();
                } finally {
                    lock.unlock();
                }
            }
        }
        me.finish(groups);   // applied with its group, or alone now that the group rolled back
    }

    /**
     * Under lock, for the holder of a permit: itself, and the groupable commands waiting, oldest
     * first, up to WORKER_APPLY_GROUP in all; with the permit kept for callers who wait, only
     * commands whose callers wait (a background command's lock wait must not hold them up).
     */
    private List<Member> takeGroup(Member me, boolean onlyAwaited) {
        List<Member> group = new ArrayList<>();
        int room = me.groupable ? groupMax - 1 : 0;   // besides itself
        for (Iterator<Member> it = waiting.iterator(); it.hasNext(); ) {
            Member m = it.next();
            if (m == me || (room > 0 && m.joins(onlyAwaited))) {
                it.remove();
                m.taken = true;
                group.add(m);
                if (m != me) {
                    room--;
                }
            }
            if (me.taken && room == 0) {
                break;
            }
        }
        return group;
    }

    /**
     * Under lock, for the holder of a permit who has just taken its group: whether to wait for
     * more ({@link #linger}). Only the holder of the last free permit (two permits or more), while
     * another holder applies its group, with its own short of lingerTarget, and when the callers
     * waiting on groups being applied, with its own group, come to LINGER_GROUP less one or more
     * (whatever WORKER_APPLY_GROUP): evidence that several callers send commands at once. A lone
     * caller, two at once, or a caller beside the worker's background commands (which cannot join
     * the permit kept for callers) never waits.
     */
    private boolean worthWaitingForMore(Member me, List<Member> group) {
        int othersApplying = size - free - lingering - 1;
        return lingerNanos > 0 && free == 0 && othersApplying > 0 && me.groupable
                && group.size() < lingerTarget && callersApplying + group.size() >= LINGER_GROUP - 1;
    }

    /**
     * Under lock, for the holder of the last free permit, with its group: waits, at most
     * WORKER_APPLY_LINGER and until a permit is given back, for commands to join it until it
     * holds lingerTarget; each arrival wakes it
     * ({@link #apply}). It takes them as {@link #takeGroup} would, in the order they came.
     */
    private void linger(List<Member> group, boolean onlyAwaited) {
        long deadline = System.nanoTime() + lingerNanos;
        long releasesBefore = releases;
        lingering++;
        try {
            while (group.size() < lingerTarget && releases == releasesBefore) {   // a permit back: no need to wait
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return;
                }
                try {
                    joinable.awaitNanos(left);
                } catch (InterruptedException e) {
                    // applies the group it has (its members wait for it); the interrupt stays set,
                    // as for a member taken into a group while it waited
                    Thread.currentThread().interrupt();
                    return;
                }
                for (Iterator<Member> it = waiting.iterator(); it.hasNext() && group.size() < groupMax; ) {
                    Member m = it.next();
                    if (m.joins(onlyAwaited)) {
                        it.remove();
                        m.taken = true;
                        group.add(m);
                    }
                }
            }
        } finally {
            lingering--;
        }
    }

    /**
     * A caller waits for this command's result: it runs on its caller's thread, or it is a sync
     * webhook on its first delivery (a redelivered one's caller has had its answer). A caller
     * who waits with {@code ?wait=N} but no {@code "sync": true}, handed to a worker thread, is
     * not told apart from an async one.
     */
    private static boolean awaited(Exchange exchange) {
        if (exchange.getProperty(HandOff.RELAY_ROW) != null) {
            return true;
        }
        JsonNode payload = exchange.getProperty("payload", JsonNode.class);
        Integer attempts = exchange.getMessage().getHeader("attempts", Integer.class);
        return payload != null && payload.path("sync").asBoolean(false) && (attempts == null || attempts <= 1);
    }

    /** Permits in all. */
    public int size() {
        return size;
    }

    /** Permits free now. */
    public int available() {
        lock.lock();
        try {
            return free;
        } finally {
            lock.unlock();
        }
    }

    /** Session commands waiting for a permit now (none taken into a group yet). */
    public int waiting() {
        lock.lock();
        try {
            return waiting.size();
        } finally {
            lock.unlock();
        }
    }

    /** A session command waiting for a permit, or taken into a group. */
    static final class Member {
        private final Exchange exchange;
        final boolean groupable;
        final boolean awaited;
        private final CountDownLatch settled = new CountDownLatch(1);
        /** Guarded by CommandPermits.lock. */
        boolean taken;
        private CommandGroups.Outcome outcome;
        private RuntimeException failure;

        Member(Exchange exchange, boolean groupable, boolean awaited) {
            this.exchange = exchange;
            this.groupable = groupable;
            this.awaited = awaited;
        }

        Exchange exchange() {
            return exchange;
        }

        /** Whether it may join another's group; with onlyAwaited, only if its caller waits. */
        boolean joins(boolean onlyAwaited) {
            return groupable && (awaited || !onlyAwaited);
        }

        /** Its group is done; by the group's holder, once (a later call changes nothing). */
        void settle(CommandGroups.Outcome outcome, RuntimeException failure) {
            if (settled.getCount() == 0) {
                return;
            }
            this.outcome = outcome;
            this.failure = failure;
            settled.countDown();
        }

        void awaitGroup() {
            boolean interrupted = false;
            while (true) {
                try {
                    settled.await();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;   // its copy is being applied: the exchange is not free until then
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }

        /** On its own thread, once settled: the exchange as route apply-webhook leaves it. */
        void finish(CommandGroups groups) {
            if (outcome == CommandGroups.Outcome.APPLIED) {
                return;
            }
            if (outcome == CommandGroups.Outcome.COMMIT_FAILED) {
                exchange.setException(failure);
                return;
            }
            groups.applyAlone(exchange);   // alone, or again alone after its group rolled back
        }
    }
}
