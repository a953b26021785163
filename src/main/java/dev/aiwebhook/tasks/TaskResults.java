package dev.aiwebhook.tasks;

import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.Body;
import org.springframework.stereotype.Component;

/** The result of a task_command: its output, or task_timeout with what it printed before. */
@Component("taskResults")
public class TaskResults {

    private final ObjectMapper json = new ObjectMapper();

    public Map<String, Object> result(@Body Map<String, Object> task) throws Exception {
        JsonNode output = json.readTree((String) task.get("output"));
        Map<String, Object> result = new LinkedHashMap<>();
        if ("timeout".equals(task.get("status"))) {
            Map<String, Object> error = new LinkedHashMap<>();
            error.put("code", "task_timeout");
            error.put("field", "params.timeout");
            result.put("status", "error");
            result.put("command", "task_command");
            result.put("message", "The task " + task.get("error") + ".");
            result.put("error", error);
            result.put("data", output);
            return result;
        }
        result.put("status", "success");
        result.put("command", "task_command");
        result.put("message", task.get("action_type") + " exited with " + output.path("exit_code").asInt()
                + " in " + output.path("duration_ms").asLong() + " ms.");
        result.put("data", output);
        return result;
    }
}
