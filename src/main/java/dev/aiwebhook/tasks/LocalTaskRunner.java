package dev.aiwebhook.tasks;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;

import jakarta.annotation.PreDestroy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.aiwebhook.commands.CommandException;
import dev.aiwebhook.config.AppProperties;
import org.apache.camel.Body;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Runs a checked task: an argument vector (never a shell), stdin closed, a clean environment,
 * output capped, and on timeout the whole process tree killed. At most maxConcurrent run at
 * once; more wait briefly, then are refused.
 */
@Component("localTaskRunner")
public class LocalTaskRunner {

    private static final Logger log = LoggerFactory.getLogger(LocalTaskRunner.class);
    /**
     * errno values in the JDK's "error=N, …" that say the system is short of something for now
     * (EAGAIN, ENOMEM, ENFILE, EMFILE, ETXTBSY): the same task may start a moment later.
     */
    private static final Pattern TRANSIENT = Pattern.compile("error=(11|12|23|24|26),");

    private final TaskProperties props;
    private final Semaphore slots;
    private final Path home;
    private final ExecutableSearch programs;
    private final ObjectMapper json = new ObjectMapper();
    /** Reads tasks' output: threads kept between tasks rather than two started for each. */
    private final ExecutorService outputReaders = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "task-output");
        t.setDaemon(true);
        return t;
    });

    public LocalTaskRunner(TaskProperties props, AppProperties app) {
        this.props = props;
        this.slots = new Semaphore(Math.max(1, props.maxConcurrent()), true);
        this.home = Path.of(app.dataDir()).toAbsolutePath().resolve("task-home");
        this.programs = new ExecutableSearch(props.path());
        warnOfMissingPrograms();
    }

    /**
     * Says at startup which of the programs tasks may run are not on TASKS_PATH: their tasks
     * will be refused (a git installed elsewhere, /opt/homebrew/bin say, needs that directory
     * added). Nothing to say while no TASKS_ROOTS allow a task at all.
     */
    private void warnOfMissingPrograms() {
        if (props.roots().isEmpty()) {
            return;
        }
        List<String> needed = new ArrayList<>();
        if (!props.gitAllowed().isEmpty()) {
            needed.add("git");
        }
        if (props.shellEnabled()) {
            needed.addAll(props.shellAllowed());
        }
        List<String> missing = programs.missing(needed);
        if (!missing.isEmpty()) {
            log.warn("Not found on TASKS_PATH ({}): {}; tasks that run them will be refused until TASKS_PATH names "
                    + "the directory they are in.", programs.path(), String.join(", ", missing));
        }
    }

    /** The output readers stop with the app (a reader of a killed task's orphan may still wait). */
    @PreDestroy
    void stopReaders() {
        outputReaders.shutdownNow();
    }

    /**
     * Runs {@code body[run]} as task {@code taskId} and returns the body with the outcome added
     * (for finish_task.sql). A task given a {@link TaskPermit} ({@link #reserve}) runs in its
     * place; any other waits up to queueWait for one.
     */
    public Map<String, Object> run(@Body Map<String, Object> request, @Header("taskId") String taskId,
                                   @ExchangeProperty(TaskPermit.PROPERTY) TaskPermit reserved) throws Exception {
        Map<String, Object> task = new HashMap<>(request);
        task.put("task_id", taskId);
        TaskPermit permit = reserved;
        if (permit == null) {
            if (!slots.tryAcquire(props.queueWait().toMillis(), TimeUnit.MILLISECONDS)) {
                throw new TaskRejectedException(null, "Too many tasks are running (" + props.maxConcurrent()
                        + " at most); try again shortly.");
            }
            permit = new TaskPermit(slots);
        }
        try {
            return execute(task);
        } finally {
            permit.release();
        }
    }

    /**
     * A place to run the git task of this webhook payload at once, for a caller that waits
     * {@code waitMillis} for its result: given only when one is free now and the task's time
     * limit ({@code data.params.timeout}, else the default) fits within that wait, so the caller
     * has its answer by the end of the wait (a task that runs into its limit: once its process
     * tree is killed, usually milliseconds later). Otherwise null. Only git's read-only
     * subcommands ({@link GitPolicy#changesNothing}): their webhook is stored when they have
     * run, so a crash mid-run leaves no trace, and there is none to leave. A shell task, which
     * may change things, is stored before it runs.
     */
    public TaskPermit reserve(JsonNode payload, long waitMillis) {
        JsonNode data = payload.path("data");
        if (!"git".equalsIgnoreCase(data.path("action_type").asText())) {
            return null;
        }
        try {
            if (!GitPolicy.changesNothing(TaskRequests.argv(data.path("params").get("command")))) {
                return null;
            }
        } catch (CommandException e) {
            return null;   // refused as it is applied, the usual way
        }
        long limit = TaskRequests.timeLimitSeconds(data.path("params").get("timeout"), props);
        if (limit < 0) {
            limit = props.timeoutDefault().toSeconds();   // refused before anything runs
        }
        // tasks already waiting for a place keep their turn (the semaphore is fair; tryAcquire is not)
        if (limit * 1000 > waitMillis || slots.hasQueuedThreads() || !slots.tryAcquire()) {
            return null;
        }
        return new TaskPermit(slots);
    }

    private Map<String, Object> execute(Map<String, Object> task) throws Exception {
        @SuppressWarnings("unchecked")
        List<String> run = (List<String>) task.get("run");
        long timeoutSeconds = ((Number) task.get("timeout_seconds")).longValue();
        Path program = programs.find(run.get(0)).orElseThrow(() -> new TaskRejectedException("params.command",
                "Cannot start '" + run.get(0) + "': not found on the app's TASKS_PATH."));
        List<String> command = new ArrayList<>(run);
        command.set(0, program.toString());
        Files.createDirectories(home);
        ProcessBuilder pb = new ProcessBuilder(command)
                .directory(new File((String) task.get("working_dir")))
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        Map<String, String> env = pb.environment();
        env.clear();
        env.put("PATH", programs.path());
        env.put("HOME", home.toString());
        env.put("LANG", "C.UTF-8");
        env.put("LC_ALL", "C.UTF-8");
        env.put("TERM", "dumb");
        if ("git".equals(task.get("action_type"))) {
            env.put("GIT_CONFIG_NOSYSTEM", "1");
            env.put("GIT_CONFIG_GLOBAL", "/dev/null");
            env.put("GIT_TERMINAL_PROMPT", "0");
            env.put("GIT_OPTIONAL_LOCKS", "0");
            env.put("GIT_PAGER", "cat");
            env.put("PAGER", "cat");
            env.put("GIT_ATTR_NOSYSTEM", "1");
            // never look for a repository above the allowed root
            Path parent = Path.of((String) task.get("root")).getParent();
            if (parent != null) {
                env.put("GIT_CEILING_DIRECTORIES", parent.toString());
            }
        }
        if (outputReaders.isShutdown()) {
            throw stopping();
        }
        long start = System.nanoTime();
        Process process;
        try {
            process = pb.start();
        } catch (IOException e) {
            log.warn("Task {} could not start {}: {}", task.get("task_id"), program, e.getMessage());
            throw cannotStart(run.get(0), e);
        }
        Capture out = new Capture(process.getInputStream(), props.outputMax());
        Capture err = new Capture(process.getErrorStream(), props.outputMax());
        Future<?> outRead;
        Future<?> errRead;
        try {
            outRead = outputReaders.submit(out);
            errRead = outputReaders.submit(err);
        } catch (RejectedExecutionException e) {
            // the app began to stop (stopReaders) since the check above: the process must not
            // outlive it unread (a child it forks before the kill may still escape)
            killTree(process);
            throw stopping();
        }
        boolean finished = process.waitFor(timeoutSeconds, TimeUnit.SECONDS);
        if (!finished) {
            killTree(process);
        }
        long readDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        awaitRead(outRead, readDeadline);
        awaitRead(errRead, readDeadline);
        long durationMs = (System.nanoTime() - start) / 1_000_000;

        Map<String, Object> output = new LinkedHashMap<>();
        output.put("task_id", task.get("task_id"));
        output.put("exit_code", finished ? process.exitValue() : null);
        output.put("stdout", out.text());
        output.put("stderr", err.text());
        output.put("stdout_truncated", out.truncated());
        output.put("stderr_truncated", err.truncated());
        output.put("truncated", out.truncated() || err.truncated());
        output.put("duration_ms", durationMs);
        output.put("timed_out", !finished);
        output.put("command", task.get("argv"));
        output.put("working_dir", task.get("working_dir"));

        Map<String, Object> result = new HashMap<>(task);
        result.put("status", !finished ? "timeout" : process.exitValue() == 0 ? "completed" : "failed");
        result.put("exit_code", output.get("exit_code"));
        result.put("output", json.writeValueAsString(output));
        result.put("error", finished ? null : "timed out after " + timeoutSeconds + " s; process tree killed");
        return result;
    }

    private static TaskRejectedException stopping() {
        return new TaskRejectedException(null, "The app is stopping; try again when it is back.");
    }

    /**
     * What the caller is told of a program that would not start: the details (paths, errno)
     * are for the log, not for the caller. When the system was short of something for now, it
     * is told to try again.
     */
    static TaskRejectedException cannotStart(String name, IOException e) {
        return new TaskRejectedException("params.command", TRANSIENT.matcher(String.valueOf(e.getMessage())).find()
                ? "Cannot start '" + name + "' now: the system is short of resources; try again shortly."
                : "Cannot start '" + name + "': it could not be run here (the app's log says why).");
    }

    /**
     * Waits until {@code deadline} (nanoTime) for a stream read to its end (a killed tree's
     * orphan may hold it open); both streams share one deadline.
     */
    private static void awaitRead(Future<?> read, long deadline) throws InterruptedException {
        try {
            read.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException | ExecutionException e) {
            // what was read so far is kept
        }
    }

    /** Kills the process and every descendant (a snapshot taken first, so none escapes by re-parenting). */
    private static void killTree(Process process) throws InterruptedException {
        List<ProcessHandle> tree = process.descendants().toList();
        process.toHandle().destroyForcibly();
        tree.forEach(ProcessHandle::destroyForcibly);
        process.waitFor(5, TimeUnit.SECONDS);
    }

    /** Reads a stream to its end, keeping the first max bytes. */
    private static final class Capture implements Runnable {
        private final InputStream in;
        private final int max;
        private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
        private volatile boolean truncated;

        Capture(InputStream in, int max) {
            this.in = in;
            this.max = max;
        }

        @Override
        public void run() {
            byte[] buf = new byte[8192];
            try (in) {
                int n;
                while ((n = in.read(buf)) > 0) {
                    int room = max - kept.size();
                    if (room > 0) {
                        kept.write(buf, 0, Math.min(room, n));
                    }
                    if (n > room) {
                        truncated = true;
                    }
                }
            } catch (IOException ignored) {
                // the process was killed
            }
        }

        String text() {
            return kept.toString(StandardCharsets.UTF_8).replace("\u0000", "");
        }

        boolean truncated() {
            return truncated;
        }
    }
}
