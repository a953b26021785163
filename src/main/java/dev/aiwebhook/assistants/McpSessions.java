package dev.aiwebhook.assistants;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.stereotype.Component;

/**
 * MCP sessions (Mcp-Session-Id): made by initialize, bound to the API key that made them,
 * ended by DELETE /mcp or after a day unused. Kept in memory: after a restart a client gets
 * 404 and, as the MCP specification asks of it, initializes again.
 */
@Component
public class McpSessions {

    static final Duration IDLE = Duration.ofHours(24);
    static final int MAX = 10_000;

    private final Map<String, Session> sessions = new ConcurrentHashMap<>();

    public record Session(String id, String clientId, String protocolVersion, Instant lastUsed) {
    }

    public Session open(String clientId, String protocolVersion) {
        Instant now = Instant.now();
        if (sessions.size() >= MAX) {
            sessions.values().removeIf(s -> s.lastUsed().plus(IDLE).isBefore(now));
        }
        Session session = new Session(UUID.randomUUID().toString(), clientId, protocolVersion, now);
        sessions.put(session.id(), session);
        return session;
    }

    /** The caller's live session with this id, or null (unknown, expired, or another key's). */
    public Session find(String id, String clientId) {
        if (id == null) {
            return null;
        }
        Session session = sessions.get(id);
        if (session == null || !session.clientId().equals(clientId)) {
            return null;
        }
        Instant now = Instant.now();
        if (session.lastUsed().plus(IDLE).isBefore(now)) {
            sessions.remove(id);
            return null;
        }
        Session touched = new Session(session.id(), session.clientId(), session.protocolVersion(), now);
        sessions.put(id, touched);
        return touched;
    }

    public boolean end(String id, String clientId) {
        Session session = find(id, clientId);
        return session != null && sessions.remove(session.id()) != null;
    }
}
