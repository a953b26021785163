package dev.aiwebhook.worker;

import java.util.concurrent.atomic.AtomicBoolean;

import dev.aiwebhook.config.Secrets;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Whether the poller should keep claiming (false from the moment the app begins to stop),
 * the worker token for its requests, and a quiet log when the relay cannot be reached.
 */
@Component("workerState")
public class WorkerState implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(WorkerState.class);

    private final AtomicBoolean running = new AtomicBoolean(false);
    private final AtomicBoolean relayDown = new AtomicBoolean(false);
    private final AtomicBoolean paused = new AtomicBoolean(false);
    private final Secrets secrets;

    public WorkerState(Secrets secrets) {
        this.secrets = secrets;
    }

    public boolean isPolling() {
        return running.get() && !paused.get();
    }

    /** Stop claiming new webhooks (maintenance); queued ones wait at the relay until {@link #resume()}. */
    public void pause() {
        paused.set(true);
    }

    public void resume() {
        paused.set(false);
    }

    public String authorization() {
        return "Bearer " + secrets.workerToken();
    }

    public void relayReachable() {
        if (relayDown.compareAndSet(true, false)) {
            log.info("Relay reachable again; claiming webhooks");
        }
    }

    /** Logs once while the relay stays unreachable, and waits a second before the next claim. */
    public void relayUnreachable(Exchange exchange) throws InterruptedException {
        Throwable e = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        if (relayDown.compareAndSet(false, true)) {
            log.warn("Cannot claim from the relay ({}); retrying every second",
                    e == null ? "?" : e.getClass().getSimpleName() + ": " + e.getMessage());
        }
        Thread.sleep(1000);
    }

    @Override
    public void start() {
        running.set(true);
    }

    @Override
    public void stop() {
        running.set(false);
    }

    @Override
    public boolean isRunning() {
        return running.get();
    }

    /** Stops before the Camel context (higher phase stops first), so the poller winds down cleanly. */
    @Override
    public int getPhase() {
        return Integer.MAX_VALUE - 10;
    }
}
