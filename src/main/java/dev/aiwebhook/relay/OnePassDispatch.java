package dev.aiwebhook.relay;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.apache.camel.component.platform.http.springboot.CamelRequestHandlerMapping;
import org.apache.camel.component.platform.http.springboot.SpringBootPlatformHttpConsumer;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.HandlerExecutionChain;
import org.springframework.web.servlet.HandlerInterceptor;

/**
 * Serves a platform-http route in one pass, at the end of the servlet filters (after
 * {@link RequestGate}), on the request's own thread.
 *
 * <p>Through Spring MVC, platform-http's handler returns a CompletableFuture, so every request
 * took Spring MVC's async path even when the route had finished before the handler returned
 * (it runs on the request thread, {@link HttpThreads}): startAsync, then a second dispatch of
 * the request through the filters and the DispatcherServlet to complete it. That second pass
 * was 23 % of the request threads' CPU per sync store_memory (JFR). Here the route's consumer
 * is found with platform-http's own handler mapping (paths, methods, path parameters) and
 * called directly; anything it does not map goes on to Spring MVC as before.
 */
@Component
@Order(Ordered.LOWEST_PRECEDENCE)
public class OnePassDispatch extends OncePerRequestFilter {

    private final ObjectProvider<CamelRequestHandlerMapping> routes;
    /**
     * The mapping once found: asking the provider on every request had Spring search its beans
     * by type each time (7 % of the request threads' samples, relay alone, JFR).
     */
    private volatile CamelRequestHandlerMapping mapping;

    public OnePassDispatch(ObjectProvider<CamelRequestHandlerMapping> routes) {
        this.routes = routes;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        CamelRequestHandlerMapping mapping = this.mapping;
        if (mapping == null) {
            mapping = routes.getIfAvailable();
            this.mapping = mapping;
        }
        HandlerExecutionChain handler = null;
        if (mapping != null) {
            try {
                handler = mapping.getHandler(request);
            } catch (Exception e) {
                handler = null;   // no match (wrong method, say): Spring MVC answers it as before
            }
        }
        if (handler == null || !(handler.getHandler() instanceof HandlerMethod method)
                || !(method.getBean() instanceof SpringBootPlatformHttpConsumer consumer)) {
            chain.doFilter(request, response);
            return;
        }
        List<HandlerInterceptor> passed = new ArrayList<>();
        Exception failure = null;
        try {
            for (HandlerInterceptor interceptor : handler.getInterceptorList()) {
                if (!interceptor.preHandle(request, response, method)) {
                    return;
                }
                passed.add(0, interceptor);
            }
            CompletableFuture<Void> done = consumer.service(request, response);
            done.get();   // complete already: platform-http runs on this thread (HttpThreads)
            for (HandlerInterceptor interceptor : passed) {
                interceptor.postHandle(request, response, method, null);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failure = e;
            throw new ServletException(e);
        } catch (ExecutionException e) {
            failure = e;
            throw new ServletException(e.getCause());
        } catch (ServletException | IOException | RuntimeException e) {
            failure = e;
            throw e;
        } catch (Exception e) {
            failure = e;
            throw new ServletException(e);
        } finally {
            for (HandlerInterceptor interceptor : passed) {
                try {
                    interceptor.afterCompletion(request, response, method, failure);
                } catch (Exception e) {
                    logger.warn("HandlerInterceptor.afterCompletion failed", e);
                }
            }
        }
    }
}
