package dev.aiwebhook;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.springframework.boot.test.context.SpringBootTest;

/**
 * The whole app, both roles, on a real embedded PostgreSQL and a real HTTP port. Every test
 * class with this annotation shares one running app (Spring caches the context).
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@CamelSpringBootTest
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "app.data-dir=target/test-data/shared",
        "app.api-key=" + TestClient.API_KEY + "," + TestClient.OTHER_KEY,
        "app.worker-token=" + TestClient.WORKER_TOKEN,
        "app.worker.claim-wait=2s",
        "app.worker.apply-concurrency=2",
        "app.worker.apply-wait=20s",
        "server.tomcat.connection-timeout=3s",
        "app.relay.rate-limit-per-minute=0",
        "app.relay.sync-wait-default=20s",
        "app.tasks.roots=target/task-roots/allowed",
        "app.tasks.shell-enabled=true",
        "app.tasks.shell-allowed=sh,echo,sleep,aiwebhook-probe",
        "app.tasks.path=target/task-bin:/usr/local/bin:/usr/bin:/bin",
        "app.tasks.output-max=16384",
        "app.tasks.max-concurrent=2",
        "app.tasks.queue-wait=1s",
        "app.agents.poll-millis=200",
        "app.agents.archive-after=1h",
        "app.agents.archive-every-millis=500",
        "app.agents.heartbeat-millis=500"})
public @interface AppTest {
}
