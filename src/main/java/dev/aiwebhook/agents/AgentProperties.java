package dev.aiwebhook.agents;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/** The built-in agents' schedules. */
@ConfigurationProperties(prefix = "app.agents")
public record AgentProperties(
        /** delegated tasks run at once (each runner claims with FOR UPDATE SKIP LOCKED) */
        int runners,
        /** how often idle runners look for pending tasks, in milliseconds */
        long pollMillis,
        /** completed sessions older than this are archived by memory_keeper */
        Duration archiveAfter,
        /** how often memory_keeper looks for sessions to archive, in milliseconds */
        long archiveEveryMillis,
        /** how often the agents' last_heartbeat is renewed, in milliseconds */
        long heartbeatMillis,
        /** a delegated task 'running' longer than this lost its runner and is run again, in seconds */
        long taskStaleSeconds,
        /** claims of one delegated task before it is failed (a task that kills its runner every time) */
        int taskMaxAttempts) {
}
