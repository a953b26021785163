package dev.aiwebhook.tasks;

import java.util.ArrayList;
import java.util.List;

import dev.aiwebhook.commands.CommandException;

/**
 * Splits a command given as one string into arguments the way a person expects
 * ({@code git log -5 --format="%h %s"}), with quotes and backslashes, and nothing else:
 * {@code ; && | $( ) ` > < *} are ordinary characters. There is no shell anywhere.
 */
public final class CommandLine {

    private CommandLine() {
    }

    public static List<String> split(String line, String field) {
        List<String> args = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        boolean inArg = false;
        char quote = 0;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                } else if (c == '\\' && quote == '"' && i + 1 < line.length()
                        && (line.charAt(i + 1) == '"' || line.charAt(i + 1) == '\\')) {
                    current.append(line.charAt(++i));
                } else {
                    current.append(c);
                }
            } else if (c == '\'' || c == '"') {
                quote = c;
                inArg = true;
            } else if (c == '\\' && i + 1 < line.length()) {
                current.append(line.charAt(++i));
                inArg = true;
            } else if (Character.isWhitespace(c)) {
                if (inArg) {
                    args.add(current.toString());
                    current.setLength(0);
                    inArg = false;
                }
            } else {
                current.append(c);
                inArg = true;
            }
        }
        if (quote != 0) {
            throw CommandException.invalid(field, "has an unclosed quote");
        }
        if (inArg) {
            args.add(current.toString());
        }
        return args;
    }
}
