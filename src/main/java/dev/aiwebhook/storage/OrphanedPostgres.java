package dev.aiwebhook.storage;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded PostgreSQL is a separate process that {@code pg_ctl} detaches from the app. When
 * the app is killed (SIGKILL, OOM killer, power cut of a container's main process) no shutdown
 * hook runs, and that server stays alive holding the data directory: the next start of the app
 * would fail with "lock file postmaster.pid already exists". Before starting, this finds such a
 * server and stops it (fast mode: open transactions are rolled back, which is what a crash
 * means), or removes a {@code postmaster.pid} whose process is gone or is not PostgreSQL.
 *
 * <p>A server is only treated as abandoned when no live app holds the data directory's lock
 * file ({@code epg-lock}, held by the embedded server's owner for as long as it runs; the
 * operating system releases it when that process dies), so a second app pointed at a data
 * directory in use never stops the first one's database.
 */
final class OrphanedPostgres {

    private static final Logger log = LoggerFactory.getLogger(OrphanedPostgres.class);
    private static final String LOCK_FILE = "epg-lock";
    private static final Duration STOP_WAIT = Duration.ofSeconds(60);

    private OrphanedPostgres() {
    }

    /** Stops an abandoned server on {@code dataDir}, if there is one; returns whether it did anything. */
    static boolean clear(Path dataDir) throws IOException {
        Path pidFile = dataDir.resolve("postmaster.pid");
        if (!Files.exists(pidFile)) {
            return false;
        }
        try (FileChannel channel = FileChannel.open(dataDir.resolve(LOCK_FILE),
                StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                FileLock lock = channel.tryLock()) {
            if (lock == null) {
                throw new IllegalStateException("The embedded database in " + dataDir
                        + " is in use by another running ai-webhook; give this one its own DATA_DIR.");
            }
            Optional<ProcessHandle> postmaster = postmasterOf(pidFile);
            if (postmaster.isEmpty()) {
                log.warn("Removing a stale {} left by a PostgreSQL that is no longer running", pidFile);
                Files.deleteIfExists(pidFile);
                return true;
            }
            stop(postmaster.get(), dataDir);
            return true;
        }
    }

    /** The live PostgreSQL process named by the pid file, if it still runs. */
    private static Optional<ProcessHandle> postmasterOf(Path pidFile) throws IOException {
        List<String> lines = Files.readAllLines(pidFile);
        if (lines.isEmpty() || !lines.get(0).trim().matches("\\d+")) {
            return Optional.empty();
        }
        return ProcessHandle.of(Long.parseLong(lines.get(0).trim()))
                .filter(ProcessHandle::isAlive)
                .filter(p -> p.info().command().map(c -> Path.of(c).getFileName().toString().startsWith("postgres"))
                        .orElse(false));
    }

    private static void stop(ProcessHandle postmaster, Path dataDir) {
        log.warn("PostgreSQL (pid {}) is still running on {}, left behind by an app that did not stop cleanly; "
                + "stopping it (its unfinished transactions roll back)", postmaster.pid(), dataDir);
        fastShutdown(postmaster);
        try {
            postmaster.onExit().get(STOP_WAIT.toSeconds(), TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("Could not stop the PostgreSQL (pid " + postmaster.pid()
                    + ") left running on " + dataDir + "; stop it by hand and start again", e);
        }
        log.info("Stopped the abandoned PostgreSQL (pid {})", postmaster.pid());
    }

    /**
     * SIGINT, PostgreSQL's fast shutdown: sessions are ended and their transactions rolled back
     * (pg_ctl would do the same, but refuses to run as root, as in containers). Where no
     * {@code kill} command exists, SIGTERM: a smart shutdown, which waits for the sessions, and
     * the dead app's sessions end by themselves.
     */
    private static void fastShutdown(ProcessHandle postmaster) {
        try {
            Process kill = new ProcessBuilder("kill", "-INT", String.valueOf(postmaster.pid()))
                    .redirectErrorStream(true).start();
            if (kill.waitFor(10, TimeUnit.SECONDS) && kill.exitValue() == 0) {
                return;
            }
        } catch (IOException e) {
            log.debug("No kill command ({}); sending SIGTERM instead", e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        postmaster.destroy();
    }
}
