package dev.aiwebhook;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The processes a test started ({@code @RegisterExtension}): after each test every one of them
 * is killed, with whatever PostgreSQL it left running; when the test failed, the end of each
 * one's log is printed first.
 */
final class AppProcesses implements AfterEachCallback {

    private final List<AppProcess> started = new ArrayList<>();

    AppProcess add(AppProcess app) {
        started.add(app);
        return app;
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        if (context.getExecutionException().isPresent()) {
            started.forEach(app -> System.out.println(app + "\n" + app.logTail(80)));
        }
        Exception first = null;
        for (AppProcess app : started) {
            try {
                app.close();
            } catch (Exception e) {
                first = first == null ? e : first;
            }
        }
        started.clear();
        if (first != null) {
            throw first;
        }
    }
}
