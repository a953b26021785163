package dev.aiwebhook.commands;

import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.aiwebhook.relay.ErrorBodies;
import org.apache.camel.Body;
import org.apache.camel.Exchange;
import org.apache.camel.Header;
import org.springframework.stereotype.Component;

/**
 * The result shapes of SPEC §4. A command route leaves its {@code data} as JSON text (built by
 * its SQL) and a human sentence in the {@code resultMessage} header; this wraps them.
 */
@Component("commandResults")
public class CommandResults {

    private final ObjectMapper json = new ObjectMapper();

    public Map<String, Object> success(@Header("command") String command,
                                       @Header("resultMessage") String message,
                                       @Body Object data) throws Exception {
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("status", "success");
        result.put("command", command);
        result.put("message", message != null ? message : command + " done.");
        result.put("data", data instanceof String s ? json.readTree(s) : data);
        return result;
    }

    /** The error result for the command failure that ended this exchange. */
    public Map<String, Object> failure(Exchange exchange) {
        Throwable caught = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        CommandException e = CommandException.in(caught);
        String command = exchange.getMessage().getHeader("command", String.class);
        Map<String, Object> body = ErrorBodies.map(command, e.code(), e.field(), e.getMessage());
        if (e instanceof BatchElementException b) {
            @SuppressWarnings("unchecked")
            Map<String, Object> error = (Map<String, Object>) body.get("error");
            error.put("index", b.index());
            error.put("failed_command", b.elementCommand());
        }
        return body;
    }
}
