package dev.aiwebhook.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Properties;

import org.springframework.stereotype.Component;

/**
 * The API key(s) LLM clients send and the worker token. Taken from the environment when given;
 * in {@code all} mode generated on first start and kept in {@code DATA_DIR/secrets.properties};
 * a relay or worker refuses to start without them.
 */
@Component
public class Secrets {

    private final List<String> apiKeys;
    private final String workerToken;
    private final boolean apiKeyGenerated;

    public Secrets(AppProperties props) {
        Path file = Path.of(props.dataDir()).resolve("secrets.properties");
        boolean all = "all".equals(props.role());
        Properties stored = all ? load(file) : new Properties();
        boolean changed = false;

        String keys = props.apiKey();
        boolean generated = false;
        if (keys == null || keys.isBlank()) {
            if (!props.relayEnabled()) {
                keys = "";
            } else if (!all) {
                throw new IllegalStateException("API_KEY is required when APP_ROLE=relay");
            } else {
                keys = stored.getProperty("api_key");
                if (keys == null) {
                    keys = "awk_" + random();
                    stored.setProperty("api_key", keys);
                    changed = true;
                }
                generated = true;
            }
        }
        String token = props.workerToken();
        if (token == null || token.isBlank()) {
            if (!all) {
                throw new IllegalStateException("WORKER_TOKEN is required when APP_ROLE=" + props.role());
            }
            token = stored.getProperty("worker_token");
            if (token == null) {
                token = "wkt_" + random();
                stored.setProperty("worker_token", token);
                changed = true;
            }
        }
        if (changed) {
            save(file, stored);
        }
        this.apiKeys = Arrays.stream(keys.split(",")).map(String::trim).filter(k -> !k.isEmpty()).toList();
        this.workerToken = token;
        this.apiKeyGenerated = generated;
    }

    public List<String> apiKeys() {
        return apiKeys;
    }

    public String workerToken() {
        return workerToken;
    }

    /** true when the key came from DATA_DIR rather than the environment (then it is printed at startup). */
    public boolean apiKeyGenerated() {
        return apiKeyGenerated;
    }

    private static String random() {
        byte[] bytes = new byte[24];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static Properties load(Path file) {
        Properties p = new Properties();
        if (Files.exists(file)) {
            try (var in = Files.newInputStream(file)) {
                p.load(in);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + file, e);
            }
        }
        return p;
    }

    private static void save(Path file, Properties p) {
        try {
            Files.createDirectories(file.getParent());
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            try (var out = Files.newOutputStream(tmp)) {
                p.store(out, "ai-webhook generated secrets: keep private");
            }
            try {
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException ignored) {
                // not a POSIX file system
            }
            Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}
