package dev.aiwebhook.relay;

import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The spec's error shape: {@code {"status":"error","message",...,"error":{"code","field"}}}. */
public final class ErrorBodies {

    private static final ObjectMapper JSON = new ObjectMapper();

    private ErrorBodies() {
    }

    public static Map<String, Object> map(String command, String code, String field, String message) {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("code", code);
        if (field != null) {
            error.put("field", field);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", "error");
        if (command != null) {
            body.put("command", command);
        }
        body.put("message", message);
        body.put("error", error);
        return body;
    }

    public static String of(String code, String field, String message) {
        try {
            return JSON.writeValueAsString(map(null, code, field, message));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
