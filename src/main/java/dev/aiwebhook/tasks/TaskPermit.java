package dev.aiwebhook.tasks;

import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One of the {@code maxConcurrent} places to run a task, taken before its webhook is applied
 * (a sync task run on its caller's thread must not wait in the task queue) and given back
 * once, by the runner when the task is done or by the intake when the webhook never got that
 * far (a refusal, a missing session, a failed insert).
 */
public final class TaskPermit {

    /** The exchange property that carries a reserved permit to the runner. */
    public static final String PROPERTY = "taskPermit";

    private final Semaphore places;
    private final AtomicBoolean held = new AtomicBoolean(true);

    TaskPermit(Semaphore places) {
        this.places = places;
    }

    /** Gives the place back; only the first call does anything. */
    public void release() {
        if (held.compareAndSet(true, false)) {
            places.release();
        }
    }
}
