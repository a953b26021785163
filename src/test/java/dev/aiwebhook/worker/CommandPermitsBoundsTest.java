package dev.aiwebhook.worker;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Predicate;

import dev.aiwebhook.catalog.CommandCatalog;
import dev.aiwebhook.config.AppProperties;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The permits' bounds and groups, without a database: how many permits (the machine's cores
 * unless configured), who takes one (session commands, not tasks), how long a command waits for
 * one before it goes ahead alone, and how the commands that waited are applied by a holder in
 * groups of at most WORKER_APPLY_GROUP. What a group does in PostgreSQL is CommandGroupsTest's.
 */
@Timeout(20)   // a command that waited for good fails here instead of hanging the build
class CommandPermitsBoundsTest {

    private static final CamelContext CAMEL = new DefaultCamelContext();

    /** Records what it is asked to apply; a command alone blocks while {@code hold} is closed. */
    static final class RecordingGroups extends CommandGroups {
        final List<Exchange> alone = new CopyOnWriteArrayList<>();
        final List<List<Exchange>> together = new CopyOnWriteArrayList<>();
        volatile CountDownLatch hold = new CountDownLatch(0);
        volatile Outcome groupOutcome = Outcome.APPLIED;
        volatile Consumer<Exchange> whileAlone = e -> { };
        volatile Predicate<Exchange> held = e -> true;

        RecordingGroups() {
            super(null, null, null, properties(2, Duration.ofSeconds(1), 16));
        }

        @Override
        public void applyAlone(Exchange exchange) {
            alone.add(exchange);
            whileAlone.accept(exchange);
            try {
                if (held.test(exchange)) {
                    hold.await();
                }
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            exchange.getMessage().setHeader("appliedBy", "alone");
        }

        @Override
        void applyTogether(List<CommandPermits.Member> group) {
            List<Exchange> exchanges = new ArrayList<>();
            for (CommandPermits.Member m : group) {
                exchanges.add(m.exchange());
            }
            together.add(exchanges);
            for (CommandPermits.Member m : group) {
                if (groupOutcome == Outcome.APPLIED) {
                    m.exchange().getMessage().setHeader("appliedBy", "group");
                }
                m.settle(groupOutcome, new IllegalStateException("commit failed"));
            }
        }
    }

    private static AppProperties properties(int applyConcurrency, Duration wait, int group) {
        return properties(applyConcurrency, wait, group, Duration.ZERO);
    }

    private static AppProperties properties(int applyConcurrency, Duration wait, int group, Duration linger) {
        return new AppProperties("all", null, null, null, null, null, null,
                new AppProperties.Worker("w", 8, applyConcurrency, wait, group, linger, Duration.ZERO, Duration.ofSeconds(10)));
    }

    /** Two permits, whose last free one's holder waits up to {@code linger} for more to join it. */
    private static CommandPermits lingering(RecordingGroups groups, Duration linger) {
        return new CommandPermits(properties(2, Duration.ofSeconds(20), 16, linger), groups);
    }

    /** A session command alone on one of the two permits, held there until {@code groups.hold} opens. */
    private static Thread holdOneOfTwo(CommandPermits permits, RecordingGroups groups, Exchange first) {
        groups.hold = new CountDownLatch(1);
        groups.held = e -> e == first;
        Thread holder = applyInThread(permits, first);
        Awaitility.await().until(() -> permits.available() == 1 && groups.alone.contains(first));
        return holder;
    }

    private static CommandPermits permits(RecordingGroups groups, int applyConcurrency, Duration wait, int group) {
        return new CommandPermits(properties(applyConcurrency, wait, group), groups);
    }

    /** A sync webhook: its caller waits. */
    private static Exchange webhook(String type) {
        return webhook(type, "store_memory", true);
    }

    private static Exchange webhook(String type, String command, boolean sync) {
        Exchange exchange = new DefaultExchange(CAMEL);
        exchange.getMessage().setHeader("webhookType", type);
        exchange.getMessage().setHeader("command", command);
        exchange.setProperty("payload", JsonNodeFactory.instance.objectNode().put("command", command).put("sync", sync));
        return exchange;
    }

    private static Thread applyInThread(CommandPermits permits, Exchange exchange) {
        Thread t = new Thread(() -> {
            try {
                permits.apply(exchange);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        t.start();
        return t;
    }

    /** A session command that takes the only free permit and holds it until {@code groups.hold} opens. */
    private static Thread holdThePermit(CommandPermits permits, RecordingGroups groups) {
        groups.hold = new CountDownLatch(1);
        Thread holder = applyInThread(permits, webhook(CommandCatalog.SESSION_COMMAND));
        Awaitility.await().until(() -> permits.available() == 0);
        return holder;
    }

    /** Each exchange applied on a thread of its own, queued for a permit in this order. */
    private static List<Thread> queue(CommandPermits permits, List<Exchange> exchanges) {
        List<Thread> threads = new ArrayList<>();
        for (Exchange e : exchanges) {
            int before = permits.waiting();
            threads.add(applyInThread(permits, e));
            Awaitility.await().until(() -> permits.waiting() == before + 1);
        }
        return threads;
    }

    /** Opens the hold, and waits for the holder and the queued to be done. */
    private static void letAllFinish(RecordingGroups groups, Thread holder, List<Thread> threads) throws InterruptedException {
        groups.hold.countDown();
        holder.join();
        for (Thread t : threads) {
            t.join();
        }
    }

    @Test
    void zeroMeansAsManyAsTheMachineHasCoresAndANumberIsKept() {
        int cores = Runtime.getRuntime().availableProcessors();
        RecordingGroups groups = new RecordingGroups();
        assertThat(permits(groups, 0, Duration.ofSeconds(1), 16).size()).isEqualTo(cores);
        assertThat(permits(groups, 0, Duration.ofSeconds(1), 16).available()).isEqualTo(cores);
        assertThat(permits(groups, 5, Duration.ofSeconds(1), 16).size()).isEqualTo(5);
        assertThatThrownBy(() -> permits(groups, -1, Duration.ofSeconds(1), 16))
                .hasMessageContaining("WORKER_APPLY_CONCURRENCY");
        assertThatThrownBy(() -> permits(groups, 2, Duration.ofSeconds(1), 0))
                .hasMessageContaining("WORKER_APPLY_GROUP");
        assertThatThrownBy(() -> lingering(groups, Duration.ofMillis(-1)))
                .hasMessageContaining("WORKER_APPLY_LINGER");
    }

    /**
     * Four sync callers at once on two permits: {@code a} alone on one permit, held until
     * {@code groups.hold} opens; {@code b} took the other, alone and at once (two callers are no
     * reason to wait), and gave it back when {@code c} and {@code d} were queued; {@code c} took
     * it with {@code d}, and, with three callers in groups now, waits for more.
     */
    private record FourCallers(Thread a, Thread b, Exchange c, Exchange d, List<Thread> cd) {

        List<Thread> threads(List<Thread> more) {
            List<Thread> all = new ArrayList<>(List.of(b));
            all.addAll(cd);
            all.addAll(more);
            return all;
        }
    }

    private static FourCallers fourCallers(CommandPermits permits, RecordingGroups groups) throws Exception {
        Thread a = holdOneOfTwo(permits, groups, webhook(CommandCatalog.SESSION_COMMAND));
        CountDownLatch bHeld = new CountDownLatch(1);
        Exchange b = webhook(CommandCatalog.SESSION_COMMAND);
        groups.whileAlone = e -> {
            if (e == b) {
                try {
                    bHeld.await();
                } catch (InterruptedException ex) {
                    throw new IllegalStateException(ex);
                }
            }
        };
        Thread bThread = applyInThread(permits, b);
        Awaitility.await().until(() -> groups.alone.contains(b));   // not held up waiting for more
        assertThat(permits.available()).isZero();
        Exchange c = webhook(CommandCatalog.SESSION_COMMAND);
        Exchange d = webhook(CommandCatalog.SESSION_COMMAND);
        List<Thread> cd = queue(permits, List.of(c, d));
        bHeld.countDown();
        Awaitility.await().until(() -> permits.waiting() == 0 && permits.available() == 0);
        return new FourCallers(a, bThread, c, d, cd);
    }

    @Test
    void theHolderOfTheLastFreePermitWaitsForMoreCommandsToJoinItsGroup() throws Exception {
        RecordingGroups groups = new RecordingGroups();
        CommandPermits permits = lingering(groups, Duration.ofSeconds(20));
        FourCallers four = fourCallers(permits, groups);
        Thread.sleep(200);
        assertThat(groups.together).as("c and d wait for more, not applied yet").isEmpty();
        // a command nobody waits for stays out of the group of the permit kept for callers
        Exchange background = webhook(CommandCatalog.SESSION_COMMAND, "store_memory", false);
        Thread backgroundThread = applyInThread(permits, background);
        Awaitility.await().until(() -> permits.waiting() == 1);
        List<Exchange> joining = List.of(webhook(CommandCatalog.SESSION_COMMAND), webhook(CommandCatalog.SESSION_COMMAND));
        List<Thread> threads = new ArrayList<>();
        joining.forEach(e -> threads.add(applyInThread(permits, e)));
        // the fourth makes the group: applied together, long before the 20 s were up
        Awaitility.await().until(() -> groups.together.size() == 1);
        List<Exchange> group = groups.together.get(0);
        assertThat(group).hasSize(CommandPermits.LINGER_GROUP);
        assertThat(group.subList(0, 2)).containsExactly(four.c(), four.d());
        assertThat(group).containsAll(joining).doesNotContain(background);
        threads.add(backgroundThread);
        letAllFinish(groups, four.a(), four.threads(threads));
        assertThat(groups.alone).contains(background).doesNotContainAnyElementsOf(joining);
        assertThat(permits.available()).isEqualTo(2);
        assertThat(permits.waiting()).isZero();
    }

    @Test
    void theWaitForMoreEndsWithItsTimeOrWhenAPermitIsGivenBack() throws Exception {
        // its time: the group goes with the one that joined, short of four
        RecordingGroups groups = new RecordingGroups();
        CommandPermits permits = lingering(groups, Duration.ofSeconds(3));
        FourCallers four = fourCallers(permits, groups);
        Exchange joining = webhook(CommandCatalog.SESSION_COMMAND);
        Thread joiningThread = applyInThread(permits, joining);
        Thread.sleep(200);
        assertThat(groups.together).isEmpty();
        Awaitility.await().until(() -> groups.together.size() == 1);
        assertThat(groups.together.get(0)).containsExactly(four.c(), four.d(), joining);
        letAllFinish(groups, four.a(), four.threads(List.of(joiningThread)));

        // a permit given back: the holder waiting for more goes ahead with what it has
        RecordingGroups again = new RecordingGroups();
        CommandPermits longWait = lingering(again, Duration.ofSeconds(60));
        FourCallers waiting = fourCallers(longWait, again);
        Thread.sleep(200);
        assertThat(again.together).isEmpty();
        again.hold.countDown();   // a's permit comes back
        Awaitility.await().until(() -> again.together.size() == 1);   // not after 60 s
        assertThat(again.together.get(0)).containsExactly(waiting.c(), waiting.d());
        letAllFinish(again, waiting.a(), waiting.threads(List.of()));
        assertThat(longWait.available()).isEqualTo(2);
    }

    @Test
    void aLoneCallerNeverWaitsForMore() throws Exception {
        // a wait of 60 s would outlast the class's 20 s timeout
        RecordingGroups groups = new RecordingGroups();
        CommandPermits two = lingering(groups, Duration.ofSeconds(60));
        Exchange lone = webhook(CommandCatalog.SESSION_COMMAND);
        two.apply(lone);   // the other permit is free
        assertThat(groups.alone).containsExactly(lone);
        CommandPermits one = new CommandPermits(properties(1, Duration.ofSeconds(20), 16, Duration.ofSeconds(60)), groups);
        Exchange onlyOne = webhook(CommandCatalog.SESSION_COMMAND);
        one.apply(onlyOne);   // its one permit was the last free, and nobody else holds one
        assertThat(groups.alone).containsExactly(lone, onlyOne);

        // beside the worker's background command on the other permit (nothing could join it)
        callerBesideABackgroundCommand(two, groups);
        // nor with smaller groups (WORKER_APPLY_GROUP 2): the rule of three callers stays
        callerBesideABackgroundCommand(
                new CommandPermits(properties(2, Duration.ofSeconds(20), 2, Duration.ofSeconds(60)), groups), groups);
        assertThat(groups.together).isEmpty();
    }

    /** A sync caller applied while a background command holds the other of two permits: at once, alone. */
    private static void callerBesideABackgroundCommand(CommandPermits permits, RecordingGroups groups) throws Exception {
        Thread backgroundThread = holdOneOfTwo(permits, groups,
                webhook(CommandCatalog.SESSION_COMMAND, "store_memory", false));
        Exchange caller = webhook(CommandCatalog.SESSION_COMMAND);
        permits.apply(caller);
        assertThat(groups.alone).contains(caller);
        groups.hold.countDown();
        backgroundThread.join();
        assertThat(permits.available()).isEqualTo(2);
    }

    @Test
    void aSessionCommandHoldsAPermitWhileItIsAppliedATaskNone() throws Exception {
        RecordingGroups groups = new RecordingGroups();
        CommandPermits permits = permits(groups, 2, Duration.ofSeconds(1), 16);
        List<Integer> freeWhileApplied = new CopyOnWriteArrayList<>();
        groups.whileAlone = e -> freeWhileApplied.add(permits.available());
        permits.apply(webhook(CommandCatalog.TASK_COMMAND));
        permits.apply(webhook(CommandCatalog.SESSION_COMMAND));
        assertThat(freeWhileApplied).containsExactly(2, 1);
        assertThat(permits.available()).isEqualTo(2);
        assertThat(groups.alone).hasSize(2);
        assertThat(groups.together).isEmpty();
    }

    @Test
    void aCommandThatWaitedItsTimeGoesAheadAloneWithoutOne() throws Exception {
        RecordingGroups groups = new RecordingGroups();
        CommandPermits permits = permits(groups, 1, Duration.ofMillis(100), 16);
        Thread holder = holdThePermit(permits, groups);
        CountDownLatch lateDone = new CountDownLatch(1);
        Exchange late = webhook(CommandCatalog.SESSION_COMMAND);
        List<Integer> freeWhileLateApplied = new CopyOnWriteArrayList<>();
        groups.whileAlone = e -> {
            if (e == late) {
                freeWhileLateApplied.add(permits.available());
                lateDone.countDown();
            }
        };
        Thread lateThread = applyInThread(permits, late);
        // a held permit never keeps a command waiting for good: it is applied with none free
        assertThat(lateDone.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(freeWhileLateApplied).containsExactly(0);
        letAllFinish(groups, holder, List.of(lateThread));
        assertThat(permits.available()).isEqualTo(1);   // the late one took none, so gave none back
        assertThat(permits.waiting()).isZero();
    }

    @Test
    void theCommandsThatWaitedAreAppliedInGroupsOfAtMostTheConfiguredSize() throws Exception {
        RecordingGroups groups = new RecordingGroups();
        CommandPermits permits = permits(groups, 1, Duration.ofSeconds(20), 3);
        Thread holder = holdThePermit(permits, groups);
        List<Exchange> queued = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            queued.add(webhook(CommandCatalog.SESSION_COMMAND));
        }
        letAllFinish(groups, holder, queue(permits, queued));
        // four waited: one took the permit with two others (at most 3), the last went alone or in a group of its own
        assertThat(groups.together).isNotEmpty();
        assertThat(groups.together.get(0)).hasSize(3);
        // oldest first: whichever of the four took the permit, the two that queued first are in its group
        assertThat(groups.together.get(0)).contains(queued.get(0), queued.get(1));
        List<Exchange> applied = new ArrayList<>();
        groups.together.forEach(applied::addAll);
        groups.alone.stream().skip(1).forEach(applied::add);   // the first alone was the holder
        assertThat(applied).containsExactlyInAnyOrderElementsOf(queued);
        for (Exchange e : groups.together.get(0)) {
            assertThat(e.getMessage().getHeader("appliedBy")).isEqualTo("group");
        }
        assertThat(permits.available()).isEqualTo(1);
        assertThat(permits.waiting()).isZero();
    }

    @Test
    void aGroupThatRolledBackHasEachMemberAppliedAloneAndACommitFailureIsEachMembersError() throws Exception {
        for (CommandGroups.Outcome outcome : List.of(CommandGroups.Outcome.APPLY_ALONE, CommandGroups.Outcome.COMMIT_FAILED)) {
            RecordingGroups groups = new RecordingGroups();
            groups.groupOutcome = outcome;
            CommandPermits permits = permits(groups, 1, Duration.ofSeconds(20), 16);
            Thread holder = holdThePermit(permits, groups);
            List<Exchange> queued = List.of(webhook(CommandCatalog.SESSION_COMMAND), webhook(CommandCatalog.SESSION_COMMAND));
            letAllFinish(groups, holder, queue(permits, queued));
            assertThat(groups.together).hasSize(1);
            for (Exchange e : queued) {
                if (outcome == CommandGroups.Outcome.APPLY_ALONE) {
                    assertThat(groups.alone).contains(e);
                    assertThat(e.getMessage().getHeader("appliedBy")).isEqualTo("alone");
                    assertThat(e.getException()).isNull();
                } else {
                    assertThat(groups.alone).doesNotContain(e);   // it may have committed: not applied again
                    assertThat(e.getException()).hasMessage("commit failed");
                }
            }
            assertThat(permits.available()).isEqualTo(1);
        }
    }
    @Test
    void aCommandNobodyWaitsForLeavesTheLastPermitToACallerWhoWaits() throws Exception {
        RecordingGroups groups = new RecordingGroups();
        CommandPermits permits = permits(groups, 2, Duration.ofSeconds(20), 16);
        groups.hold = new CountDownLatch(1);
        Exchange first = webhook(CommandCatalog.SESSION_COMMAND, "store_memory", false);
        groups.held = e -> e == first;
        Thread asyncHolder = applyInThread(permits, first);
        Awaitility.await().until(() -> permits.available() == 1);
        Exchange second = webhook(CommandCatalog.SESSION_COMMAND, "store_memory", false);
        Thread secondThread = applyInThread(permits, second);
        Awaitility.await().until(() -> permits.waiting() == 1);
        Thread.sleep(200);
        assertThat(permits.available()).as("the last permit, kept for a caller who waits").isEqualTo(1);
        assertThat(permits.waiting()).isEqualTo(1);
        Exchange sync = webhook(CommandCatalog.SESSION_COMMAND);
        Thread syncThread = applyInThread(permits, sync);
        // the sync one takes the last permit, alone: the async one waiting is not taken into its group
        syncThread.join();
        assertThat(groups.alone).contains(sync);
        assertThat(groups.together).isEmpty();
        assertThat(permits.waiting()).isEqualTo(1);
        assertThat(permits.available()).as("the async holder's still held").isEqualTo(1);
        groups.hold.countDown();
        asyncHolder.join();
        secondThread.join();
        assertThat(groups.alone).contains(second);   // once the async holder's permit was back
        assertThat(permits.available()).isEqualTo(2);
    }

    @Test
    void aBatchIsNeverGrouped() throws Exception {
        RecordingGroups groups = new RecordingGroups();
        CommandPermits permits = permits(groups, 1, Duration.ofSeconds(20), 16);
        Thread holder = holdThePermit(permits, groups);
        Exchange batch = webhook(CommandCatalog.SESSION_COMMAND, "batch", true);
        letAllFinish(groups, holder, queue(permits, List.of(batch, webhook(CommandCatalog.SESSION_COMMAND),
                webhook(CommandCatalog.SESSION_COMMAND))));
        assertThat(groups.alone).contains(batch);
        for (List<Exchange> group : groups.together) {
            assertThat(group).doesNotContain(batch);
        }
        assertThat(groups.alone.size() + groups.together.stream().mapToInt(List::size).sum()).isEqualTo(4);
    }
}
