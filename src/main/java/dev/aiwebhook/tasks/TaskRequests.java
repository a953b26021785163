package dev.aiwebhook.tasks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.aiwebhook.commands.CommandException;
import dev.aiwebhook.commands.DataFields;
import dev.aiwebhook.commands.SessionIds;
import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

/**
 * Checks a {@code task_command} against the safety rules before anything runs: an argument
 * vector (a string is split without a shell), git or an allowed executable, a working
 * directory that resolves (symlinks followed) inside a configured root, a bounded timeout.
 * Returns the parameters of {@code sql/tasks/start_task.sql} and of the runner.
 */
@Component("taskRequests")
public class TaskRequests {

    private final TaskProperties props;
    private final ObjectMapper json = new ObjectMapper();

    public TaskRequests(TaskProperties props) {
        this.props = props;
    }

    public Map<String, Object> parse(Exchange exchange) throws Exception {
        JsonNode envelope = exchange.getMessage().getBody(JsonNode.class);
        JsonNode data = envelope.path("data");
        if (!data.isObject()) {
            throw CommandException.missing("data");
        }
        JsonNode params = data.path("params");
        if (params.isMissingNode() || params.isNull()) {
            throw CommandException.missing("data.params");
        }
        if (!params.isObject()) {
            throw CommandException.invalid("data.params", "must be an object with the command");
        }
        String action = text(data, "action_type", "data.action_type");
        if (action == null) {
            throw CommandException.missing("data.action_type");
        }
        action = action.toLowerCase(Locale.ROOT);
        List<String> argv = argv(params.get("command"));
        List<String> run;
        switch (action) {
            case "git" -> {
                if (!argv.get(0).equals("git")) {
                    throw new TaskRejectedException("params.command", "A git task runs git; got '" + argv.get(0) + "'.");
                }
                run = GitPolicy.check(argv, props.gitAllowed());
            }
            case "shell" -> {
                if (!props.shellEnabled()) {
                    throw new TaskRejectedException("action_type",
                            "Shell tasks are disabled; set TASKS_SHELL_ENABLED=true and TASKS_SHELL_ALLOWED to allow some executables.");
                }
                String exe = argv.get(0);
                if (exe.contains("/") || !props.shellAllowed().contains(exe)) {
                    throw new TaskRejectedException("params.command", "'" + exe + "' is not an allowed executable; allowed: "
                            + (props.shellAllowed().isEmpty() ? "none" : String.join(", ", props.shellAllowed())) + ".");
                }
                run = argv;
            }
            default -> throw new TaskRejectedException("action_type", "Unknown action_type '" + action
                    + "'; use git or shell.");
        }
        Path root = null;
        Path dir;
        if (props.roots().isEmpty()) {
            throw new TaskRejectedException("params.working_dir",
                    "No task roots are configured, so no task may run; set TASKS_ROOTS to the folders tasks may use.");
        }
        String wd = text(params, "working_dir", "data.params.working_dir");
        dir = resolve(wd == null ? props.roots().get(0) : wd);
        for (String r : props.roots()) {
            Path rootPath = resolve(r);
            if (rootPath != null && dir != null && dir.startsWith(rootPath)) {
                root = rootPath;
                break;
            }
        }
        if (dir == null || !Files.isDirectory(dir)) {
            throw new TaskRejectedException("params.working_dir", "The working directory '" + wd + "' does not exist.");
        }
        if (root == null) {
            throw new TaskRejectedException("params.working_dir", "The working directory '" + wd
                    + "' is outside the allowed roots (" + String.join(", ", props.roots()) + ").");
        }
        long timeout = timeLimitSeconds(params.get("timeout"), props);
        if (timeout < 0) {
            throw CommandException.invalid("data.params.timeout", "must be a positive number of seconds");
        }
        String taskId = text(data, "task_id", "data.task_id");
        if (taskId != null) {
            DataFields.checkId("data.task_id", taskId, 200);
        }
        Map<String, Object> p = new HashMap<>();
        p.put("task_id", taskId != null ? taskId : "task-" + java.util.UUID.randomUUID().toString().substring(0, 8));
        p.put("session_id", SessionIds.optional(envelope));
        p.put("action_type", action);
        p.put("argv", argv);
        p.put("run", run);
        p.put("working_dir", dir.toString());
        p.put("root", root.toString());
        p.put("timeout_seconds", timeout);
        p.put("input", json.writeValueAsString(Map.of("command", argv, "working_dir", dir.toString(),
                "timeout", timeout)));
        p.put("requested_by", exchange.getMessage().getHeader("clientId", "unknown", String.class));
        return p;
    }

    /**
     * A task's time limit in seconds: {@code params.timeout} rounded up and capped at the
     * maximum, the default when it is absent, -1 when it is not a positive number.
     */
    static long timeLimitSeconds(JsonNode timeout, TaskProperties props) {
        if (timeout == null || timeout.isNull()) {
            return props.timeoutDefault().toSeconds();
        }
        if (!timeout.isNumber() || timeout.asDouble() <= 0) {
            return -1;
        }
        return Math.min((long) Math.ceil(timeout.asDouble()), props.timeoutMax().toSeconds());
    }

    /** A refused task, for the audit row written after the rollback ({@code sql/tasks/record_refusal.sql}). */
    public Map<String, Object> refusal(Exchange exchange) throws Exception {
        JsonNode payload = exchange.getProperty("payload", JsonNode.class);
        Map<?, ?> result = exchange.getMessage().getBody(Map.class);
        JsonNode data = payload == null ? json.nullNode() : payload.path("data");
        Map<String, Object> p = new HashMap<>();
        String taskId = data.path("task_id").isTextual() ? data.path("task_id").asText() : "";
        p.put("task_id", taskId.isBlank() || taskId.length() > 200 ? "task-" + java.util.UUID.randomUUID().toString().substring(0, 8) : taskId);
        p.put("action_type", data.path("action_type").isTextual() ? data.path("action_type").asText() : null);
        p.put("input", json.writeValueAsString(data.path("params").isObject() ? data.path("params") : json.createObjectNode()));
        p.put("refusal_reason", String.valueOf(result.get("message")));
        p.put("requested_by", exchange.getMessage().getHeader("clientId", "unknown", String.class));
        return p;
    }

    private static Path resolve(String path) {
        try {
            return Path.of(path).toAbsolutePath().normalize().toRealPath();
        } catch (IOException | java.nio.file.InvalidPathException e) {
            return null;
        }
    }

    /** The argument vector of {@code params.command} (a list, or a string split without a shell). */
    static List<String> argv(JsonNode command) {
        List<String> argv = new ArrayList<>();
        if (command == null || command.isNull()) {
            throw CommandException.missing("data.params.command");
        }
        if (command.isTextual()) {
            argv.addAll(CommandLine.split(command.asText(), "data.params.command"));
        } else if (command.isArray()) {
            for (int i = 0; i < command.size(); i++) {
                if (!command.get(i).isTextual()) {
                    throw CommandException.invalid("data.params.command[" + i + "]", "must be a string");
                }
                argv.add(command.get(i).asText());
            }
        } else {
            throw CommandException.invalid("data.params.command", "must be a list of arguments or a string");
        }
        if (argv.isEmpty() || argv.get(0).isBlank()) {
            throw CommandException.missing("data.params.command");
        }
        if (argv.size() > 100 || argv.stream().anyMatch(a -> a.length() > 4096)) {
            throw CommandException.invalid("data.params.command", "is too long");
        }
        return argv;
    }

    private static String text(JsonNode node, String name, String field) {
        JsonNode v = node.get(name);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw CommandException.invalid(field, "must be a string");
        }
        return v.asText();
    }
}
