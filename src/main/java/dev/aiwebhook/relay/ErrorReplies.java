package dev.aiwebhook.relay;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;

import org.springframework.boot.web.servlet.error.ErrorController;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The container's error page (Spring Boot's {@code /error}), in the spec's error shape instead of
 * Spring's {@code {"timestamp","status","error","path"}}: what Tomcat refuses before any route runs
 * (a body that stalls or ends early, broken chunked framing) and paths that do not exist.
 */
@RestController
public class ErrorReplies implements ErrorController {

    @RequestMapping("/error")
    public ResponseEntity<String> error(HttpServletRequest request) {
        Object attribute = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        int status = attribute instanceof Integer i ? i : 500;
        String code;
        String message;
        switch (status) {
            case 400 -> {
                code = "invalid_json";
                message = "The request could not be read: its body ended early or its framing is broken. Nothing was queued.";
            }
            case 401 -> {
                code = "unauthorized";
                message = "Missing or wrong credentials.";
            }
            case 404 -> {
                code = "not_found";
                message = "There is nothing at this path.";
            }
            case 405 -> {
                code = "method_not_allowed";
                message = "This path does not take that method.";
            }
            case 408 -> {
                code = "request_timeout";
                message = "The request stopped arriving before it was complete. Nothing was queued.";
            }
            case 413 -> {
                code = "payload_too_large";
                message = "The request is too large.";
            }
            default -> {
                code = status >= 500 ? "internal_error" : "invalid_field";
                message = status >= 500 ? "Something went wrong on our side; nothing half-stored. Retry later."
                        : "The request was refused (HTTP " + status + ").";
            }
        }
        return ResponseEntity.status(status).contentType(MediaType.APPLICATION_JSON)
                .body(ErrorBodies.of(code, null, message));
    }
}
