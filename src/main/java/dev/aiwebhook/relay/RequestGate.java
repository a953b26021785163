package dev.aiwebhook.relay;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;

import dev.aiwebhook.config.AppProperties;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * The door of every HTTP endpoint but health: API key for the webhook API, worker token for
 * the worker protocol ({@code /relay/**}). It also reads the body once, up to the size limit
 * (413 beyond it, whatever the Content-Length says), presents it as JSON whatever the
 * Content-Type, and strips credentials so they never reach a route, a log or a reply.
 * The caller's identity goes on as the {@code clientId} header.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
public class RequestGate extends OncePerRequestFilter {

    static final String CLIENT_HEADER = "clientId";
    /** Names the routes use for their own headers: never taken from a caller. */
    private static final Set<String> INTERNAL = Set.of("clientid", "syncresult", "webhook", "claimed", "recorded",
            "storedchunk", "session", "previous", "outcome", "command", "webhookid", "webhooktype", "attempts",
            "replayed", "current");
    private static final Set<String> STRIPPED;

    static {
        Set<String> stripped = new java.util.HashSet<>(INTERNAL);
        stripped.addAll(Set.of("x-api-key", "authorization", "x-worker-token"));
        STRIPPED = Set.copyOf(stripped);
    }

    private final Credentials credentials;
    private final RateLimits rateLimits;
    private final int maxBody;

    public RequestGate(Credentials credentials, RateLimits rateLimits, AppProperties props) {
        this.credentials = credentials;
        this.rateLimits = rateLimits;
        this.maxBody = props.relay().maxBodyBytes();
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        // the path the request is routed by (decoded, dot-segments and ;params removed), not the raw URI:
        // otherwise /webhook/../relay/claim would pass the API-key check and reach the worker protocol
        String path = request.getServletPath() + (request.getPathInfo() == null ? "" : request.getPathInfo());
        if (path.equals("/health") || path.startsWith("/actuator/health")) {
            chain.doFilter(request, response);
            return;
        }
        String bearer = bearer(request);
        String clientId;
        if (path.startsWith("/relay/")) {
            String token = request.getHeader("X-Worker-Token") != null ? request.getHeader("X-Worker-Token") : bearer;
            if (!credentials.isWorker(token)) {
                deny(response);
                return;
            }
            clientId = "worker";
        } else {
            String key = request.getHeader("X-API-Key") != null ? request.getHeader("X-API-Key") : bearer;
            clientId = credentials.clientOf(key);
            if (clientId == null) {
                deny(response);
                return;
            }
            long wait = rateLimits.acquire(clientId);
            if (wait > 0) {
                response.setHeader("Retry-After", String.valueOf(wait));
                write(response, 429, ErrorBodies.of("rate_limited", null,
                        "Too many requests for this API key; retry in " + wait + " s."));
                return;
            }
        }
        // route headers are filled from query parameters too: none may pose as an internal one
        // (the query string only: asking for the parameter map would read a form-encoded body)
        String query = request.getQueryString() == null ? "" : request.getQueryString();
        for (String pair : query.split("&")) {
            String name = java.net.URLDecoder.decode(pair.split("=", 2)[0], StandardCharsets.UTF_8);
            if (INTERNAL.contains(name.toLowerCase(Locale.ROOT))) {
                write(response, 400, ErrorBodies.of("invalid_field", name, "The parameter '" + name + "' is not accepted."));
                return;
            }
        }
        byte[] body = null;
        if (!"GET".equals(request.getMethod()) && !"HEAD".equals(request.getMethod())) {
            if (request.getContentLengthLong() > maxBody) {
                tooLarge(response);
                return;
            }
            try {
                body = readLimited(request.getInputStream(), maxBody);
            } catch (IOException e) {
                unreadableBody(response, e);
                return;
            }
            if (body == null) {
                tooLarge(response);
                return;
            }
            if (!isUtf8(body)) {
                write(response, 400, ErrorBodies.of("invalid_json", null, "The body is not valid UTF-8 text."));
                return;
            }
        }
        chain.doFilter(new GatedRequest(request, clientId, body), response);
    }

    private static String bearer(HttpServletRequest request) {
        String auth = request.getHeader("Authorization");
        if (auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return auth.substring(7).trim();
        }
        return null;
    }

    /** The body, or null when it is longer than max. */
    private static byte[] readLimited(InputStream in, int max) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(Math.min(max, 8192));
        byte[] buf = new byte[8192];
        int total = 0;
        int n;
        while ((n = in.read(buf)) > 0) {
            total += n;
            if (total > max) {
                return null;
            }
            out.write(buf, 0, n);
        }
        return out.toByteArray();
    }

    /** Checked here on the raw bytes: later steps see decoded text, where bad bytes are already replaced. */
    private static boolean isUtf8(byte[] body) {
        try {
            StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
                    .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(body));
            return true;
        } catch (java.nio.charset.CharacterCodingException e) {
            return false;
        }
    }

    /**
     * The body stopped arriving (the client stalled longer than server.tomcat.connection-timeout), ended
     * before its Content-Length, or its chunked framing is broken: the client's fault, not a 500. Tomcat
     * has usually flagged the error already; either way {@link ErrorReplies} writes the reply.
     */
    private static void unreadableBody(HttpServletResponse response, IOException e) throws IOException {
        boolean timedOut = false;
        for (Throwable c = e; c != null; c = c.getCause()) {
            timedOut |= c instanceof java.net.SocketTimeoutException;
        }
        response.setHeader("Connection", "close");
        if (!response.isCommitted()) {
            response.sendError(timedOut ? 408 : 400);
        }
    }

    private static void deny(HttpServletResponse response) throws IOException {
        response.setHeader("WWW-Authenticate", "Bearer");
        write(response, 401, ErrorBodies.of("unauthorized", null,
                "Missing or wrong credentials: send your API key as X-API-Key or Authorization: Bearer."));
    }

    private void tooLarge(HttpServletResponse response) throws IOException {
        response.setHeader("Connection", "close");
        write(response, 413, ErrorBodies.of("payload_too_large", null,
                "The body is larger than the limit of " + maxBody + " bytes."));
    }

    private static void write(HttpServletResponse response, int status, String json) throws IOException {
        response.setStatus(status);
        response.setContentType("application/json");
        response.getOutputStream().write(json.getBytes(StandardCharsets.UTF_8));
    }

    /** The request as the routes see it: body already read, JSON content type, no credentials. */
    private static final class GatedRequest extends HttpServletRequestWrapper {
        private final String clientId;
        private final byte[] body;

        GatedRequest(HttpServletRequest request, String clientId, byte[] body) {
            super(request);
            this.clientId = clientId;
            this.body = body;
        }

        @Override
        public String getHeader(String name) {
            String lower = name.toLowerCase(Locale.ROOT);
            if (lower.equals(CLIENT_HEADER.toLowerCase(Locale.ROOT))) {
                return clientId;
            }
            if (STRIPPED.contains(lower)) {
                return null;
            }
            if (body != null && lower.equals("content-type")) {
                return "application/json";
            }
            return super.getHeader(name);
        }

        @Override
        public Enumeration<String> getHeaders(String name) {
            String value = getHeader(name);
            if (STRIPPED.contains(name.toLowerCase(Locale.ROOT)) || name.equalsIgnoreCase("content-type")) {
                return value == null ? Collections.emptyEnumeration() : Collections.enumeration(List.of(value));
            }
            return super.getHeaders(name);
        }

        @Override
        public Enumeration<String> getHeaderNames() {
            List<String> names = new java.util.ArrayList<>();
            for (Enumeration<String> e = super.getHeaderNames(); e.hasMoreElements(); ) {
                String n = e.nextElement();
                if (!STRIPPED.contains(n.toLowerCase(Locale.ROOT))) {
                    names.add(n);
                }
            }
            names.add(CLIENT_HEADER);
            return Collections.enumeration(names);
        }

        @Override
        public String getContentType() {
            return body != null ? "application/json" : super.getContentType();
        }

        @Override
        public int getContentLength() {
            return body != null ? body.length : super.getContentLength();
        }

        @Override
        public long getContentLengthLong() {
            return body != null ? body.length : super.getContentLengthLong();
        }

        @Override
        public ServletInputStream getInputStream() throws IOException {
            if (body == null) {
                return super.getInputStream();
            }
            ByteArrayInputStream in = new ByteArrayInputStream(body);
            return new ServletInputStream() {
                @Override
                public boolean isFinished() {
                    return in.available() == 0;
                }

                @Override
                public boolean isReady() {
                    return true;
                }

                @Override
                public void setReadListener(ReadListener listener) {
                    throw new UnsupportedOperationException();
                }

                @Override
                public int read() {
                    return in.read();
                }

                @Override
                public int read(byte[] b, int off, int len) {
                    return in.read(b, off, len);
                }
            };
        }

        @Override
        public java.io.BufferedReader getReader() throws IOException {
            return new java.io.BufferedReader(new java.io.InputStreamReader(getInputStream(), StandardCharsets.UTF_8));
        }
    }
}
