package dev.aiwebhook.tasks;

import java.time.Duration;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Local task execution, safe by default: no root (so every task is refused until the user
 * names one), read-only git subcommands, no shell.
 */
@ConfigurationProperties(prefix = "app.tasks")
public record TaskProperties(
        /** directories a task may run in (symlinks resolved); empty refuses every task */
        List<String> roots,
        /** git subcommands allowed */
        List<String> gitAllowed,
        /** whether action_type "shell" is accepted at all */
        boolean shellEnabled,
        /** executables a shell task may run (bare names, looked up on {@link #path}) */
        List<String> shellAllowed,
        Duration timeoutDefault,
        Duration timeoutMax,
        /** bytes kept of stdout and of stderr each; the rest is dropped and flagged truncated */
        int outputMax,
        /** tasks running at once; more wait up to queueWait, then are refused */
        int maxConcurrent,
        Duration queueWait,
        /** where a task's program is looked up (ExecutableSearch), and the PATH it is given */
        String path) {

    public TaskProperties {
        roots = roots == null ? List.of() : roots.stream().map(String::trim).filter(s -> !s.isEmpty()).toList();
        gitAllowed = gitAllowed == null ? List.of() : gitAllowed.stream().map(String::trim).filter(s -> !s.isEmpty()).toList();
        shellAllowed = shellAllowed == null ? List.of() : shellAllowed.stream().map(String::trim).filter(s -> !s.isEmpty()).toList();
    }
}
