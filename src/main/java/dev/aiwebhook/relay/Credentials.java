package dev.aiwebhook.relay;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

import dev.aiwebhook.config.Secrets;
import org.springframework.stereotype.Component;

/**
 * Checks API keys and the worker token in constant time (both sides are hashed first, so
 * neither the content nor the length of a key leaks through timing). A client is known by
 * a short hash of its key, never by the key.
 */
@Component
public class Credentials {

    private final List<byte[]> apiKeyHashes;
    private final byte[] workerTokenHash;

    public Credentials(Secrets secrets) {
        this.apiKeyHashes = secrets.apiKeys().stream().map(Credentials::sha256).toList();
        this.workerTokenHash = sha256(secrets.workerToken());
    }

    /** The client id of a valid API key, or null. Every configured key is compared, always. */
    public String clientOf(String presented) {
        if (presented == null || presented.isEmpty()) {
            return null;
        }
        byte[] hash = sha256(presented);
        String match = null;
        for (byte[] candidate : apiKeyHashes) {
            if (MessageDigest.isEqual(candidate, hash)) {
                match = HexFormat.of().formatHex(hash, 0, 8);
            }
        }
        return match;
    }

    public boolean isWorker(String presented) {
        return presented != null && !presented.isEmpty() && MessageDigest.isEqual(workerTokenHash, sha256(presented));
    }

    static byte[] sha256(String value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
