package dev.aiwebhook.relay;

import org.apache.camel.component.platform.http.spi.PlatformHttpEngine;
import org.apache.camel.component.platform.http.springboot.SpringBootPlatformHttpEngine;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * The relay's routes run on the web server's own request thread. By default platform-http
 * hands every request to a second thread pool and back (Spring MVC's async dispatch): two
 * thread hand-offs per request, and on a small virtual machine every hand-off is a costly
 * cross-CPU wake-up. A sync caller's wait therefore holds a request thread, so the web
 * server has HTTP_THREADS of them (server.tomcat.threads.max).
 */
@Configuration(proxyBeanMethods = false)
public class HttpThreads {

    @Bean(name = "platform-http-engine")
    public PlatformHttpEngine platformHttpEngine(Environment env) {
        int port = Integer.parseInt(env.getProperty("server.port", "8080"));
        return new SpringBootPlatformHttpEngine(port, Runnable::run);
    }
}
