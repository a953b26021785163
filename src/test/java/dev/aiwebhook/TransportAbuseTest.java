package dev.aiwebhook;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Abuse below the JSON: bodies larger than the limit (honest, lying or absent Content-Length,
 * chunked), broken framing, huge headers, clients that stall. Spoken over a raw socket, so
 * the request is exactly what a hostile client sends. Never a 5xx, never a hang; the shared
 * app runs with server.tomcat.connection-timeout=3s ({@link AppTest}).
 */
class TransportAbuseTest extends HostileSupport {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String WEBHOOK = "{\"type\":\"collaborative_session_command\",\"command\":\"list_agents\"}";

    /** A request and the status, error code (null when Tomcat answers itself) it must get. */
    static Stream<Arguments> badFraming() {
        String head = "POST /webhook HTTP/1.1\r\nHost: localhost\r\nX-API-Key: " + TestClient.API_KEY + "\r\n";
        String big = "{\"type\":\"collaborative_session_command\",\"command\":\"store_memory\",\"data\":{\"content\":\""
                + "x".repeat(1_100_000) + "\"}}";
        return Stream.of(
                framing("an honest Content-Length over the limit", head + "Content-Length: " + big.length() + "\r\n\r\n" + big, 413, "payload_too_large"),
                framing("a Content-Length of 5 GB and no body", head + "Content-Length: 5000000000\r\n\r\n", 413, "payload_too_large"),
                framing("a Content-Length of 2 MB and a small body", head + "Content-Length: 2000000\r\n\r\n" + WEBHOOK, 413, "payload_too_large"),
                framing("a chunked body over the limit", head + "Transfer-Encoding: chunked\r\n\r\n" + chunked(big), 413, "payload_too_large"),
                framing("a Content-Length shorter than the body", head + "Content-Length: 10\r\n\r\n" + WEBHOOK, 400, "invalid_json"),
                framing("a Content-Length longer than the body, then EOF", head + "Content-Length: 500\r\n\r\n" + WEBHOOK + "<EOF>", 400, "invalid_json"),
                framing("a chunk size that is not hex", head + "Transfer-Encoding: chunked\r\n\r\nzz\r\n" + WEBHOOK + "\r\n0\r\n\r\n", 400, "invalid_json"),
                framing("a chunk longer than announced", head + "Transfer-Encoding: chunked\r\n\r\n5\r\n" + WEBHOOK + "\r\n0\r\n\r\n", 400, "invalid_json"),
                framing("a chunked body cut off, then EOF", head + "Transfer-Encoding: chunked\r\n\r\n"
                        + Integer.toHexString(WEBHOOK.length()) + "\r\n" + WEBHOOK.substring(0, 10) + "<EOF>", 400, "invalid_json"),
                framing("a Content-Length that is not a number", head + "Content-Length: abc\r\n\r\n" + WEBHOOK, 400, null),
                framing("a negative Content-Length", head + "Content-Length: -1\r\n\r\n" + WEBHOOK, 400, null),
                framing("two different Content-Lengths", head + "Content-Length: 5\r\nContent-Length: " + WEBHOOK.length() + "\r\n\r\n" + WEBHOOK, 400, null),
                framing("an unknown Transfer-Encoding", head + "Transfer-Encoding: gzip-ish\r\n\r\n" + WEBHOOK, 501, null),
                framing("a header of 64 kB", head + "X-Junk: " + "j".repeat(64 * 1024) + "\r\nContent-Length: " + WEBHOOK.length()
                        + "\r\n\r\n" + WEBHOOK, 400, null),
                framing("two hundred headers of 1 kB", head + manyHeaders(200, 1024) + "Content-Length: " + WEBHOOK.length()
                        + "\r\n\r\n" + WEBHOOK, 400, null),
                framing("a URL of 64 kB", "POST /webhook?x=" + "u".repeat(64 * 1024) + " HTTP/1.1\r\nHost: localhost\r\nX-API-Key: "
                        + TestClient.API_KEY + "\r\nContent-Length: " + WEBHOOK.length() + "\r\n\r\n" + WEBHOOK, 400, null),
                framing("an API key of 64 kB", "POST /webhook HTTP/1.1\r\nHost: localhost\r\nX-API-Key: " + "k".repeat(64 * 1024)
                        + "\r\nContent-Length: " + WEBHOOK.length() + "\r\n\r\n" + WEBHOOK, 400, null),
                framing("a request line with a bad character", "PO{ST /webhook HTTP/1.1\r\nHost: localhost\r\n\r\n", 400, null),
                framing("an HTTP version that does not exist", "POST /webhook HTTP/7.3\r\nHost: localhost\r\n\r\n", 505, null),
                framing("a header without a colon", head + "NoColonHere\r\nContent-Length: " + WEBHOOK.length() + "\r\n\r\n" + WEBHOOK, 400, null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badFraming")
    void badFramingGetsAClearClientErrorAndQueuesNothing(String request, int status, String code) throws IOException {
        int before = queued();
        Answer answer = exchange(request);
        assertThat(answer.status).as(answer.toString()).isEqualTo(status);
        if (code != null) {
            assertThat(answer.json().path("error").path("code").asText()).as(answer.toString()).isEqualTo(code);
        }
        assertThat(answer.text).doesNotContain("Exception").doesNotContain("\tat ");
        assertThat(queued()).as("nothing queued").isEqualTo(before);
        assertThat(client.get("/health", KEY).status()).as("the server still answers").isEqualTo(200);
    }

    @Test
    void aClientThatStallsMidBodyGets408WithinTheTimeoutAndNothingIsQueued() throws IOException {
        int before = queued();
        try (Socket socket = new Socket("localhost", port)) {
            socket.setSoTimeout(15_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /webhook HTTP/1.1\r\nHost: localhost\r\nX-API-Key: " + TestClient.API_KEY
                    + "\r\nContent-Length: " + WEBHOOK.length() + "\r\n\r\n" + WEBHOOK.substring(0, 20)).getBytes(StandardCharsets.UTF_8));
            out.flush();
            long start = System.nanoTime();
            Answer answer = read(socket.getInputStream());
            long seconds = (System.nanoTime() - start) / 1_000_000_000L;
            assertThat(answer.status).as(answer.toString()).isEqualTo(408);
            assertThat(answer.json().path("error").path("code").asText()).isEqualTo("request_timeout");
            assertThat(seconds).as("cut off after the 3 s timeout, not held forever").isBetween(2L, 10L);
        }
        assertThat(queued()).isEqualTo(before);
    }

    @ParameterizedTest(name = "{0} {1}")
    @org.junit.jupiter.params.provider.CsvSource({
            "GET, /webhook, 405, method_not_allowed",
            "DELETE, /webhook, 405, method_not_allowed",
            "PUT, /webhook/x, 405, method_not_allowed",
            "GET, /no/such/path, 404, not_found",
            "POST, /webhooks, 405, method_not_allowed"})
    void aWrongPathOrMethodGetsTheSpecsErrorShape(String method, String path, int status, String code) throws IOException {
        int before = queued();
        Answer answer = exchange(method + " " + path + " HTTP/1.1\r\nHost: localhost\r\nX-API-Key: " + TestClient.API_KEY
                + "\r\nContent-Length: " + WEBHOOK.length() + "\r\nConnection: close\r\n\r\n" + WEBHOOK);
        assertThat(answer.status).as(answer.toString()).isEqualTo(status);
        assertThat(answer.json().path("error").path("code").asText()).as(answer.toString()).isEqualTo(code);
        assertThat(queued()).isEqualTo(before);
    }

    /** The status and listing endpoints with hostile ids and parameters. */
    @ParameterizedTest(name = "{0} {1}")
    @org.junit.jupiter.params.provider.CsvSource(delimiter = '|', value = {
            "GET  | /webhook/no-such-id                         | 404 | not_found",
            "GET  | /webhook/%27%20OR%20%271%27=%271            | 404 | not_found",
            "GET  | /webhook/%00                                | 400 | ",
            "GET  | /webhook/%ff%fe                             | 400 | ",
            "POST | /webhook/no-such-id/replay                  | 404 | not_found",
            "POST | /webhook/%27;DROP%20TABLE%20sessions;--/replay | 404 | not_found",
            "GET  | /webhooks?status=bogus                      | 400 | invalid_field",
            "GET  | /webhooks?status=%00                        | 400 | invalid_field",
            "GET  | /webhooks?status=dead%27%20OR%201=1--       | 400 | invalid_field",
            "GET  | /webhooks?limit=abc                         | 400 | invalid_field",
            "GET  | /webhooks?limit=0                           | 400 | invalid_field",
            "GET  | /webhooks?limit=-5                          | 400 | invalid_field",
            "GET  | /webhooks?limit=99999999999                 | 400 | invalid_field"})
    void hostileIdsAndParametersOnTheStatusEndpointsGetA4xx(String method, String path, int status, String code) throws IOException {
        Answer answer = exchange(method + " " + path + " HTTP/1.1\r\nHost: localhost\r\nX-API-Key: " + TestClient.API_KEY
                + "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        assertThat(answer.status).as(answer.toString()).isEqualTo(status);
        if (code != null) {
            assertThat(answer.json().path("error").path("code").asText()).as(answer.toString()).isEqualTo(code);
        }
        assertThat(answer.text).doesNotContain("Exception");
        assertThat(count("SELECT count(*) FROM pg_tables WHERE tablename = 'sessions'")).isEqualTo(1);
    }

    @Test
    void aClientThatStallsMidHeadersIsDisconnectedWithoutA5xx() throws IOException {
        try (Socket socket = new Socket("localhost", port)) {
            socket.setSoTimeout(15_000);
            socket.getOutputStream().write("POST /webhook HTTP/1.1\r\nHost: localhost\r\nX-API-Ke".getBytes(StandardCharsets.UTF_8));
            long start = System.nanoTime();
            Answer answer = read(socket.getInputStream());
            long seconds = (System.nanoTime() - start) / 1_000_000_000L;
            assertThat(answer.status).as(answer.toString()).isIn(-1, 400, 408);
            assertThat(seconds).isBetween(2L, 10L);
        }
    }

    @Test
    void aSlowButSteadyClientIsServed() throws Exception {
        try (Socket socket = new Socket("localhost", port)) {
            socket.setSoTimeout(15_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /webhook HTTP/1.1\r\nHost: localhost\r\nX-API-Key: " + TestClient.API_KEY
                    + "\r\nContent-Length: " + WEBHOOK.length() + "\r\n\r\n").getBytes(StandardCharsets.UTF_8));
            for (byte b : WEBHOOK.getBytes(StandardCharsets.UTF_8)) {
                out.write(b);
                out.flush();
                Thread.sleep(40); // 65 bytes over ~2.6 s: every gap well inside the timeout
            }
            Answer answer = read(socket.getInputStream());
            assertThat(answer.status).as(answer.toString()).isEqualTo(202);
        }
    }

    @Test
    void stalledClientsDoNotStarveOthers() throws Exception {
        List<Socket> stalled = new ArrayList<>();
        try {
            for (int i = 0; i < 50; i++) {
                Socket s = new Socket("localhost", port);
                s.getOutputStream().write(("POST /webhook HTTP/1.1\r\nHost: localhost\r\nX-API-Key: " + TestClient.API_KEY
                        + "\r\nContent-Length: 1000\r\n\r\n{").getBytes(StandardCharsets.UTF_8));
                stalled.add(s);
            }
            var reply = client.webhook(WEBHOOK);
            assertThat(reply.status()).as(reply.toString()).isEqualTo(202);
        } finally {
            for (Socket s : stalled) {
                s.close();
            }
        }
    }

    // --- raw HTTP ---

    record Answer(int status, String text) {
        JsonNode json() {
            int start = text.indexOf("\r\n\r\n");
            String body = start < 0 ? "" : text.substring(start + 4);
            if (text.substring(0, Math.max(start, 0)).toLowerCase(Locale.ROOT).contains("transfer-encoding: chunked")) {
                StringBuilder joined = new StringBuilder();
                int at = 0;
                while (at < body.length()) {
                    int eol = body.indexOf("\r\n", at);
                    int size = eol < 0 ? 0 : Integer.parseInt(body.substring(at, eol).trim(), 16);
                    if (size == 0) {
                        break;
                    }
                    joined.append(body, eol + 2, Math.min(body.length(), eol + 2 + size));
                    at = eol + 2 + size + 2;
                }
                body = joined.toString();
            }
            body = body.trim();
            try {
                return body.startsWith("{") ? JSON.readTree(body) : JSON.nullNode();
            } catch (IOException e) {
                return JSON.nullNode();
            }
        }

        @Override
        public String toString() {
            return status + " " + (text.length() > 600 ? text.substring(0, 600) + "…" : text);
        }
    }

    /** Sends the request ("<EOF>" closes the sending side there) while reading the answer. */
    private Answer exchange(String request) throws IOException {
        try (Socket socket = new Socket("localhost", port)) {
            socket.setSoTimeout(15_000);
            boolean eof = request.endsWith("<EOF>");
            byte[] bytes = (eof ? request.substring(0, request.length() - 5) : request).getBytes(StandardCharsets.ISO_8859_1);
            Thread writer = new Thread(() -> {
                try {
                    OutputStream out = socket.getOutputStream();
                    for (int off = 0; off < bytes.length; off += 16384) {
                        out.write(bytes, off, Math.min(16384, bytes.length - off));
                    }
                    out.flush();
                    if (eof) {
                        socket.shutdownOutput();
                    }
                } catch (IOException e) {
                    // the server may answer and close before all was sent: that is its right
                }
            });
            writer.start();
            Answer answer = read(socket.getInputStream());
            try {
                writer.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return answer;
        }
    }

    /** The first response on the connection: status -1 when it was closed without one. */
    private static Answer read(InputStream in) throws IOException {
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        try {
            int n;
            while ((n = in.read(buf)) > 0) {
                got.write(buf, 0, n);
                if (complete(got.toString(StandardCharsets.ISO_8859_1))) {
                    break;
                }
            }
        } catch (SocketTimeoutException e) {
            throw new AssertionError("no answer within 15 s: " + got.toString(StandardCharsets.ISO_8859_1), e);
        } catch (IOException e) {
            // reset after the answer: keep what arrived
        }
        String text = got.toString(StandardCharsets.UTF_8);
        if (!text.startsWith("HTTP/1.1 ")) {
            return new Answer(-1, text);
        }
        return new Answer(Integer.parseInt(text.substring(9, 12)), text);
    }

    /** Headers received and the body as long as its Content-Length (or the last chunk seen). */
    private static boolean complete(String text) {
        int end = text.indexOf("\r\n\r\n");
        if (end < 0) {
            return false;
        }
        String headers = text.substring(0, end).toLowerCase(Locale.ROOT);
        int cl = headers.indexOf("content-length:");
        if (cl >= 0) {
            int eol = headers.indexOf("\r\n", cl);
            int length = Integer.parseInt(headers.substring(cl + 15, eol < 0 ? headers.length() : eol).trim());
            return text.length() - end - 4 >= length;
        }
        if (headers.contains("transfer-encoding: chunked")) {
            return text.endsWith("0\r\n\r\n");
        }
        return false;
    }

    private static Arguments framing(String name, String request, int status, String code) {
        return Arguments.of(Named.of(name, request), status, code);
    }

    private static String chunked(String body) {
        StringBuilder out = new StringBuilder();
        for (int off = 0; off < body.length(); off += 8192) {
            String part = body.substring(off, Math.min(body.length(), off + 8192));
            out.append(Integer.toHexString(part.length())).append("\r\n").append(part).append("\r\n");
        }
        return out.append("0\r\n\r\n").toString();
    }

    private static String manyHeaders(int count, int size) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < count; i++) {
            out.append("X-H").append(i).append(": ").append("h".repeat(size)).append("\r\n");
        }
        return out.toString();
    }
}
