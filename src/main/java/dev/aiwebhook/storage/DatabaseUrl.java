package dev.aiwebhook.storage;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/**
 * A {@code DATABASE_URL} as people write it: {@code postgresql://user:pass@host:port/db?opts}
 * (or {@code postgres://}), or already a {@code jdbc:postgresql:} URL.
 */
public record DatabaseUrl(String jdbcUrl, String username, String password) {

    public static DatabaseUrl parse(String url) {
        String value = url.trim();
        if (value.startsWith("jdbc:postgresql:")) {
            return new DatabaseUrl(value, null, null);
        }
        if (!value.startsWith("postgresql://") && !value.startsWith("postgres://")) {
            throw new IllegalArgumentException(
                    "DATABASE_URL must start with postgresql://, postgres:// or jdbc:postgresql:");
        }
        URI uri;
        try {
            uri = URI.create(value);
        } catch (IllegalArgumentException e) {
            // the message would quote the URL, password included
            throw new IllegalArgumentException("DATABASE_URL is not a valid URL (percent-encode special characters "
                    + "in the user name and password)");
        }
        String user = null;
        String password = null;
        if (uri.getRawUserInfo() != null) {
            String[] parts = uri.getRawUserInfo().split(":", 2);
            user = decode(parts[0]);
            password = parts.length > 1 ? decode(parts[1]) : null;
        }
        int port = uri.getPort() > 0 ? uri.getPort() : 5432;
        String db = uri.getPath() == null || uri.getPath().length() <= 1 ? "postgres" : uri.getPath().substring(1);
        String jdbc = "jdbc:postgresql://" + uri.getHost() + ":" + port + "/" + db
                + (uri.getRawQuery() != null ? "?" + uri.getRawQuery() : "");
        return new DatabaseUrl(jdbc, user, password);
    }

    /** The URL without credentials, for the startup log. */
    public String describe() {
        return jdbcUrl.replaceAll("(?i)([?&]password=)[^&]*", "$1***") + (username != null ? " as " + username : "");
    }

    private static String decode(String s) {
        return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }
}
